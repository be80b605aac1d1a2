/**
 * Overlap with a test clock: checks overlap as their use of time allows, and no clock move is ever made while a
 * check it could disturb is in flight. Synthetic checks against a real clock endpoint on loopback: each records
 * when it is in flight, the endpoint records what was in flight at each move.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Check, CheckContext, Suite } from '../../conformance/framework/check.js';
import { runChecks } from '../../conformance/framework/runner.js';
import type { Rule } from '../../conformance/framework/types.js';

const RULE: Rule = { id: 'T-RULE', api: 'cart', level: 'MUST', source: '', quote: '', document: { title: '', url: '' } } as unknown as Rule;

describe('overlap with a test clock', function () {
  this.timeout(60_000);
  let server: http.Server;
  let clockUrl: string;
  const inFlight = new Map<string, Check['time'] | 'unmarked'>();
  let moves: Array<{ during: Array<[string, string | undefined]> }> = [];
  let maxInFlight = 0;
  let now = Date.parse('2026-01-01T00:00:00Z');

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.method === 'POST') {
          moves.push({ during: [...inFlight.entries()] as Array<[string, string | undefined]> });
          now += JSON.parse(body).advanceSeconds * 1000;
        }
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ now: new Date(now).toISOString() }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    clockUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/__clock`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    inFlight.clear();
    moves = [];
    maxInFlight = 0;
  });

  /** A check that is in flight for `ms`, moving the clock once half-way when `moves` (whatever its mark says). */
  const check = (id: string, time: Check['time'], options: { moves?: boolean; ms?: number } = {}): Check => ({
    id,
    rule: RULE.id,
    title: id,
    independent: true,
    time,
    async run(t: CheckContext) {
      inFlight.set(id, time ?? 'unmarked');
      maxInFlight = Math.max(maxInFlight, inFlight.size);
      try {
        await t.sleep((options.ms ?? 80) / 2);
        if (options.moves) {
          await t.clock.advance(1);
        }
        await t.sleep((options.ms ?? 80) / 2);
      } finally {
        inFlight.delete(id);
      }
    },
  });

  const run = (checks: Check[], concurrency = 16) => {
    const suite: Suite = { api: 'cart', schemaRule: RULE.id, checks, profileKeys: [] };
    return runChecks({
      suites: [suite],
      rules: new Map([[RULE.id, RULE]]),
      baseUrls: { cart: 'http://127.0.0.1:9' },
      tenants: [{ user: 'a', secret: 'a' }, { user: 'b', secret: 'b' }],
      profile: { cart: {} },
      clockUrl,
      concurrency,
    });
  };

  const checks = () => [
    ...['r1', 'r2', 'r3', 'r4'].map((id) => check(id, 'reads')),
    check('m1', undefined, { moves: true }),
    check('m2', 'moves', { moves: true }),
    ...['a1', 'a2', 'a3'].map((id) => check(id, 'advances', { moves: true })),
    ...['n1', 'n2'].map((id) => check(id, 'none')),
  ];

  it('overlaps what may overlap, and moves the clock only beside checks a move cannot disturb', async () => {
    const results = await run(checks());
    assert.deepEqual(results.map((r) => r.outcome), Array(11).fill('pass'));
    assert.ok(maxInFlight > 2, `at most ${maxInFlight} checks were in flight at once`);
    assert.equal(moves.length, 5);
    for (const { during } of moves) {
      const movers = during.filter(([, time]) => time === 'moves' || time === 'unmarked');
      const others = during.filter(([, time]) => time !== 'none');
      // A 'moves' check moves alone among the time-sensitive ones; an 'advances' check beside 'advances' checks only.
      if (movers.length) assert.equal(others.length, 1, `a move while ${JSON.stringify(during)} were in flight`);
      else assert.ok(others.every(([, time]) => time === 'advances'), `an advance while ${JSON.stringify(during)} were in flight`);
    }
  });

  it("stops a check marked not to move the clock before its move, and runs it again alone as 'moves'", async () => {
    let runs = 0;
    const liar = check('liar', 'reads', { moves: true });
    const counted: Check = { ...liar, run: (t) => (runs++, liar.run(t)) };
    const results = await run([...checks(), counted]);
    assert.equal(results.length, 12);
    assert.equal(results[11].outcome, 'pass', JSON.stringify(results[11]));
    assert.equal(runs, 2, 'the check ran once stopped, once again');
    const its = moves.filter((m) => m.during.some(([id]) => id === 'liar'));
    assert.equal(its.length, 1, 'its first run never moved the clock');
    assert.deepEqual(its[0].during.filter(([, time]) => time !== 'none').map(([id]) => id), ['liar'], 'its move was made with no time-sensitive check beside it');
  });

  it('--concurrency 1 runs every check one by one', async () => {
    await run(checks(), 1);
    assert.equal(maxInFlight, 1);
  });
});
