/** The APIs' own test clocks a server's clock lists: used only when each is real and separate, never a problem. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listedApiClocks } from '../../conformance/framework/preflight.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe("the APIs' own clocks a test clock lists", function () {
  this.timeout(60_000);
  let server: TestServer;
  let listing: unknown;
  let clock: http.Server;
  let clockUrl: string;
  before(async () => {
    server = await startTestServer();
    // A clock that answers the server's time and lists whatever the test sets.
    clock = http.createServer(async (_req, res) => {
      const now = await (await fetch(server.clockUrl!)).json();
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ ...now, clocks: listing }));
    });
    await new Promise<void>((resolve) => clock.listen(0, '127.0.0.1', resolve));
    clockUrl = `http://127.0.0.1:${(clock.address() as AddressInfo).port}/__clock`;
  });
  after(async () => {
    await new Promise((resolve) => clock?.close(resolve));
    await server?.stop();
  });

  it("takes the reference server's listing, each URL resolved against the clock's", async () => {
    const { clocks, note } = await listedApiClocks(server.clockUrl!, ['cart', 'activation', 'ethernet'], 5000);
    assert.equal(note, undefined);
    assert.deepEqual(clocks, server.clockUrls);
  });

  it('lists nothing for a run of one API, or where the clock lists none', async () => {
    assert.deepEqual(await listedApiClocks(server.clockUrl!, ['cart'], 5000), { clocks: {} });
    listing = undefined;
    assert.deepEqual(await listedApiClocks(clockUrl, ['cart', 'ethernet'], 5000), { clocks: {} });
  });

  const ignoredCases: [string, () => unknown, RegExp][] = [
    ['not an object', () => ['/a', '/b'], /"clocks" is not an object of URLs/],
    ['an API left out', () => ({ cart: server.clockUrls!.cart }), /not one for ethernet/],
    ['not http(s)', () => ({ cart: server.clockUrls!.cart, ethernet: 'ftp://example.com/clock' }), /the one for ethernet \("ftp:\/\/example\.com\/clock"\) is not an http\(s\) URL/],
    ['one clock for two APIs', () => ({ cart: server.clockUrl, ethernet: server.clockUrl }), /some APIs share one/],
    ['a clock that does not answer', () => ({ cart: server.clockUrls!.cart, ethernet: 'http://127.0.0.1:9/clock' }), /did not answer/],
    ['two names of one clock', () => ({ cart: server.clockUrl, ethernet: server.clockUrl!.replace('127.0.0.1', 'localhost') }), /moved when the one given for cart .* was advanced/],
  ];
  for (const [what, list, why] of ignoredCases) {
    it(`uses none, with a note, when the listing has ${what}`, async () => {
      listing = list();
      const { clocks, note } = await listedApiClocks(clockUrl, ['cart', 'ethernet'], 5000);
      assert.deepEqual(clocks, {});
      assert.match(note ?? '', why);
      assert.match(note ?? '', /every API's time is moved at http:\/\/127\.0\.0\.1:\d+\/__clock/);
    });
  }
});
