/** The default overlap with a test clock: small for a server near, large for one across a network. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { certify } from '../../conformance/index.js';
import { ClockControl } from '../../conformance/framework/clock.js';
import { FAR_ROUND_TRIP_MS, chooseOverlap, describeOverlap } from '../../conformance/framework/overlap.js';
import { DEFAULT_CLOCK_CONCURRENCY, DEFAULT_CONCURRENCY } from '../../conformance/framework/runner.js';
import { DEMO_CREDENTIALS, referenceProfile } from '../helpers/conformance.js';
import { startLatencyProxy, type LatencyProxy } from '../helpers/latency-proxy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const defaults = { unclocked: 16, near: 4, far: 12 };
const clockAt = (url: string | undefined) => new ClockControl(url, false, { timeoutMs: 5_000 });

describe('the overlap a run chooses', function () {
  this.timeout(120_000);
  let server: TestServer;
  let far: LatencyProxy;
  before(async () => {
    server = await startTestServer();
    far = await startLatencyProxy(server.url, FAR_ROUND_TRIP_MS + 10);
  });
  after(async () => {
    await far?.stop();
    await server?.stop();
  });
  const viaFar = (url: string) => url.replace(server.url, far.url);

  it('takes --concurrency as given, and the unclocked default without a test clock', async () => {
    assert.deepEqual(await chooseOverlap(7, [clockAt(server.clockUrl)], defaults, 5_000), { concurrency: 7, chosen: 'given' });
    assert.deepEqual(await chooseOverlap(undefined, [clockAt(undefined)], defaults, 5_000), { concurrency: 16, chosen: 'no test clock' });
  });

  it('keeps the small overlap for a clock that answers at once, reading it only until it does', async () => {
    const before = far.requests();
    const overlap = await chooseOverlap(undefined, [clockAt(server.clockUrl)], defaults, 5_000);
    assert.equal(overlap.chosen, 'near');
    assert.equal(overlap.concurrency, 4);
    assert.ok(overlap.fastestClockMs! < FAR_ROUND_TRIP_MS, JSON.stringify(overlap));
    assert.equal(far.requests(), before);
    assert.match(describeOverlap(overlap), /^up to 4 checks of each API at once: the test clock answers within 20 ms/);
  });

  it('takes the large overlap when every clock is slow to answer, and the small one when any is near', async () => {
    const before = far.requests();
    const overlap = await chooseOverlap(undefined, [clockAt(viaFar(server.clockUrl!))], defaults, 5_000);
    assert.equal(overlap.chosen, 'far');
    assert.equal(overlap.concurrency, 12);
    assert.ok(overlap.fastestClockMs! >= FAR_ROUND_TRIP_MS + 10, JSON.stringify(overlap));
    // Five reads, so that one slow answer on a loaded machine does not count as distance.
    assert.equal(far.requests() - before, 5);
    assert.match(describeOverlap(overlap), /fastest answer took [\d.]+ ms, so the checks mostly wait on the network/);
    const mixed = await chooseOverlap(undefined, [clockAt(viaFar(server.clockUrls!.cart)), clockAt(server.clockUrls!.ethernet)], defaults, 5_000);
    assert.equal(mixed.chosen, 'near');
  });

  it('keeps the small overlap when the clock does not answer: its checks say what is wrong', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    assert.deepEqual(await chooseOverlap(undefined, [clockAt(`http://127.0.0.1:${port}/__clock`)], defaults, 5_000), { concurrency: 4, chosen: 'near' });
  });

  it('reads for no longer than its budget: a clock slower than that leaves the small overlap', async () => {
    const started = Date.now();
    assert.deepEqual(await chooseOverlap(undefined, [clockAt(viaFar(server.clockUrl!))], defaults, FAR_ROUND_TRIP_MS), { concurrency: 4, chosen: 'near' });
    assert.ok(Date.now() - started < 2_000);
  });

  it('records the overlap in the run: the defaults near and through a proxy across a network', async () => {
    const runOf = (clockUrl: string, baseUrl: string) =>
      certify({
        apis: ['cart'],
        baseUrls: { cart: baseUrl },
        tenants: DEMO_CREDENTIALS,
        profile: referenceProfile(),
        clockUrl,
        grep: /^CART-ORDER-EXPIRES$/,
      });
    const near = await runOf(server.clockUrl!, server.apis.cart);
    assert.equal(near.verdict, 'CERTIFIED');
    assert.deepEqual([near.overlap?.chosen, near.overlap?.concurrency], ['near', DEFAULT_CLOCK_CONCURRENCY]);
    const across = await runOf(viaFar(server.clockUrl!), viaFar(server.apis.cart));
    assert.equal(across.verdict, 'CERTIFIED');
    assert.deepEqual([across.overlap?.chosen, across.overlap?.concurrency], ['far', DEFAULT_CONCURRENCY]);
  });
});
