/**
 * Quiet moments (framework/quiet.ts): a check staging a race has the server to itself while its writes are on their
 * way. Synthetic checks against a real HTTP server on loopback that answers each request after a short delay and
 * records what was in flight when each request arrived.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Check, CheckContext, Suite } from '../../conformance/framework/check.js';
import { QuietServer } from '../../conformance/framework/quiet.js';
import { runChecks } from '../../conformance/framework/runner.js';
import type { Rule } from '../../conformance/framework/types.js';

const RULE: Rule = { id: 'T-RULE', api: 'cart', level: 'MUST', source: '', quote: '', document: { title: '', url: '' } } as unknown as Rule;

describe('quiet moments for staged races', function () {
  this.timeout(60_000);
  let server: http.Server;
  let baseUrl: string;
  /** Requests in flight on the server, by path ("/noise/n1", "/race/r1"). */
  const inFlight = new Map<string, number>();
  /** Per request that arrived: its path and what else was in flight then. */
  let arrivals: Array<{ path: string; during: string[] }> = [];
  let now = Date.parse('2026-01-01T00:00:00Z');

  before(async () => {
    server = http.createServer((req, res) => {
      const path = req.url ?? '';
      if (path === '/__clock') {
        // A test clock that moves only when told.
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          if (req.method === 'POST') now += JSON.parse(body).advanceSeconds * 1000;
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify({ now: new Date(now).toISOString() }));
        });
        return;
      }
      arrivals.push({ path, during: [...inFlight.entries()].filter(([, n]) => n > 0).map(([p]) => p) });
      inFlight.set(path, (inFlight.get(path) ?? 0) + 1);
      setTimeout(() => {
        inFlight.set(path, inFlight.get(path)! - 1);
        res.setHeader('Content-Type', 'application/json');
        res.end('{}');
      }, 15);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    inFlight.clear();
    arrivals = [];
  });

  /** A synthetic check that may overlap any other. */
  const synthetic = (id: string, time: Check['time'], run: (t: CheckContext) => Promise<void>): Check => ({ id, rule: RULE.id, title: id, independent: true, time, run });
  /** Sends one request after another for `ms`, and at least one more after that. */
  const noisy = (id: string, ms: number, time: Check['time'] = 'none') =>
    synthetic(id, time, async (t) => {
      const until = Date.now() + ms;
      do await t.alpha.get(`/noise/${id}`, { skipSchema: true });
      while (Date.now() < until);
    });
  /** Waits `after` ms, then sends three requests at once inside a quiet moment, `rounds` times. */
  const racer = (id: string, after: number, rounds = 3) =>
    synthetic(id, 'none', async (t) => {
      await t.sleep(after);
      for (let i = 0; i < rounds; i++) {
        await t.quietly(() => t.together([1, 2, 3].map(() => t.alpha.get(`/race/${id}`, { skipSchema: true }))));
        await t.alpha.get(`/noise/${id}`, { skipSchema: true });
      }
    });

  const run = (checks: Check[], concurrency = 16, clock = false) => {
    const suite: Suite = { api: 'cart', schemaRule: RULE.id, checks, profileKeys: [] };
    return runChecks({
      suites: [suite],
      rules: new Map([[RULE.id, RULE]]),
      baseUrls: { cart: baseUrl },
      tenants: [{ user: 'a', secret: 'a' }, { user: 'b', secret: 'b' }],
      profile: { cart: {} },
      concurrency,
      ...(clock ? { clockUrl: `${baseUrl}/__clock` } : {}),
    });
  };

  it("sends a race's requests while no other check but a racing one has one in flight, and keeps the others' back until it is answered", async () => {
    const results = await run([noisy('n1', 400), noisy('n2', 400), noisy('n3', 400), racer('r1', 60), racer('r2', 90)]);
    assert.deepEqual(results.map((r) => r.outcome), Array(5).fill('pass'), JSON.stringify(results.filter((r) => r.outcome !== 'pass')));
    const races = arrivals.filter((a) => a.path.startsWith('/race/'));
    assert.equal(races.length, 18);
    for (const { path, during } of races) {
      const others = during.filter((p) => p !== path && !p.startsWith('/race/'));
      assert.deepEqual(others, [], `${path} arrived while ${others.join(', ')} were in flight`);
    }
    for (const { path, during } of arrivals.filter((a) => a.path.startsWith('/noise/'))) {
      const racing = during.filter((p) => p.startsWith('/race/'));
      assert.deepEqual(racing, [], `${path} arrived while ${racing.join(', ')} were in flight`);
    }
    // The noise did overlap itself: the quiet is the race's doing, not the run's.
    assert.ok(arrivals.some((a) => a.path.startsWith('/noise/') && a.during.some((p) => p.startsWith('/noise/') && p !== a.path)), 'the noisy checks never overlapped');
  });

  it("lets races asked for while the others' requests are answered share one quiet moment", async () => {
    // r1 and r2 ask at the same time, while the noise is on its way: one moment for both.
    const results = await run([noisy('n1', 200), noisy('n2', 200), racer('r1', 40, 1), racer('r2', 40, 1)]);
    assert.deepEqual(results.map((r) => r.outcome), Array(4).fill('pass'), JSON.stringify(results.filter((r) => r.outcome !== 'pass')));
    const at = (id: string) => arrivals.filter((a) => a.path === `/race/${id}`);
    assert.ok([...at('r1'), ...at('r2')].some((a) => a.during.some((p) => p !== a.path && (p === '/race/r1' || p === '/race/r2'))), 'r1 and r2 did not race together');
    for (const { path, during } of arrivals.filter((a) => a.path.startsWith('/race/'))) {
      const noise = during.filter((p) => p.startsWith('/noise/'));
      assert.deepEqual(noise, [], `${path} arrived while ${noise.join(', ')} were in flight`);
    }
  });

  it('ends a quiet moment when its check waits for the clock, which waits for the checks held back', async () => {
    // The racer moves the clock inside its moment: the move waits until the 'reads' checks park or end, and they
    // could not while the moment held their requests back.
    const mover = synthetic('mover', 'moves', async (t) => {
      await t.sleep(50);
      await t.quietly(async () => {
        await t.alpha.get('/race/mover', { skipSchema: true });
        await t.clock.advance(5);
        await t.alpha.get('/race/mover', { skipSchema: true });
      });
    });
    const started = Date.now();
    const results = await run([noisy('n1', 300, 'reads'), noisy('n2', 300, 'reads'), mover], 16, true);
    assert.deepEqual(results.map((r) => r.outcome), ['pass', 'pass', 'pass'], JSON.stringify(results.filter((r) => r.outcome !== 'pass')));
    assert.ok(Date.now() - started < 10_000, `the run took ${Date.now() - started} ms`);
  });

  it('--concurrency 1: a quiet moment is every moment, and the race still goes out at once', async () => {
    const results = await run([noisy('n1', 50), racer('r1', 0, 1)], 1);
    assert.deepEqual(results.map((r) => r.outcome), ['pass', 'pass']);
    const races = arrivals.filter((a) => a.path === '/race/r1');
    assert.equal(races.length, 3);
    assert.ok(races.some((a) => a.during.includes('/race/r1')), 'the three requests of the race were not in flight together');
  });

  it("never holds back a racing check's requests behind another's moment, once its own has run out", async () => {
    const quiet = new QuietServer(50);
    const [first, second] = [{}, {}];
    await quiet.acquire(first);
    await new Promise((r) => setTimeout(r, 80));
    // The first race's moment has run out; the second check's moment begins (nothing of another check is in flight).
    await quiet.acquire(second);
    assert.equal(quiet.holdsBack(first), false, 'the first check, still racing, would wait for the second moment');
    const leave = await Promise.race([quiet.enter(first), new Promise<undefined>((r) => setTimeout(() => r(undefined), 30))]);
    assert.ok(leave, "the first check's second write waited for the other check's moment");
    leave();
    quiet.end(first);
    assert.equal(quiet.holdsBack(first), true, 'a check done racing is held back by the moment of another');
    quiet.end(second);
  });
});
