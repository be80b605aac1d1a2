/**
 * Overlap with a test clock: checks overlap, and those that involve time take turns at the clock (clock-turns.ts):
 * no move is ever made while a check it could disturb is running, moves asked for at once are made once, and each
 * check sees the clock move by exactly what it asked. Synthetic checks against a real clock endpoint on loopback
 * (a clock that moves only when told): each records whether it is running or parked in its move, the endpoint
 * records what was in flight at each move.
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
  /** Per check in flight: its use of time, and whether it is waiting in its own move right now. */
  const inFlight = new Map<string, { time: Check['time'] | 'unmarked'; parked: boolean }>();
  let moves: Array<{ seconds: number; during: Array<[string, { time: string | undefined; parked: boolean }]> }> = [];
  let maxInFlight = 0;
  let now = Date.parse('2026-01-01T00:00:00Z');
  /** Per check: how far the clock moved across its own move, in seconds. */
  let seen = new Map<string, number>();

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.method === 'POST') {
          const seconds = JSON.parse(body).advanceSeconds;
          moves.push({ seconds, during: [...inFlight.entries()].map(([id, v]) => [id, { ...v }]) as any });
          now += seconds * 1000;
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
    seen = new Map();
  });

  /** A check that is in flight for `ms`, moving the clock by `moves` seconds half-way (whatever its mark says). */
  const check = (id: string, time: Check['time'], options: { moves?: number; ms?: number } = {}): Check => ({
    id,
    rule: RULE.id,
    title: id,
    independent: true,
    time,
    async run(t: CheckContext) {
      const me: { time: Check['time'] | 'unmarked'; parked: boolean } = { time: time ?? 'unmarked', parked: false };
      inFlight.set(id, me);
      maxInFlight = Math.max(maxInFlight, inFlight.size);
      try {
        await t.sleep((options.ms ?? 80) / 2);
        if (options.moves) {
          const before = (await t.clock.now()).getTime();
          me.parked = true;
          try {
            await t.clock.advance(options.moves);
          } finally {
            me.parked = false;
          }
          seen.set(id, ((await t.clock.now()).getTime() - before) / 1000);
        }
        await t.sleep((options.ms ?? 80) / 2);
      } finally {
        inFlight.delete(id);
      }
    },
  });

  const run = (checks: Check[], concurrency = 16, timeoutMs?: number, scarce?: Suite['scarce'], profile: Record<string, unknown> = {}) => {
    const suite: Suite = { api: 'cart', schemaRule: RULE.id, checks, profileKeys: [], scarce };
    return runChecks({
      suites: [suite],
      rules: new Map([[RULE.id, RULE]]),
      baseUrls: { cart: 'http://127.0.0.1:9' },
      tenants: [{ user: 'a', secret: 'a' }, { user: 'b', secret: 'b' }],
      profile: { cart: profile },
      clockUrl,
      concurrency,
      timeoutMs,
    });
  };

  const asked: Record<string, number> = { m1: 60, m2: 3600, m3: 60, a1: 5, a2: 5, a3: 5, r4: 60 };
  const checks = () => [
    ...['r1', 'r2', 'r3'].map((id) => check(id, 'reads')),
    // A 'reads' check that moves the clock after all takes its turn like any other.
    check('r4', 'reads', { moves: asked.r4 }),
    check('m1', undefined, { moves: asked.m1 }),
    check('m2', 'moves', { moves: asked.m2 }),
    check('m3', 'moves', { moves: asked.m3 }),
    ...['a1', 'a2', 'a3'].map((id) => check(id, 'advances', { moves: asked[id] })),
    ...['n1', 'n2'].map((id) => check(id, 'none')),
  ];

  it('overlaps checks that move the clock, moves it only while no check a move could disturb is running, and each sees what it asked', async () => {
    const results = await run(checks());
    assert.deepEqual(results.map((r) => r.outcome), Array(12).fill('pass'), JSON.stringify(results.filter((r) => r.outcome !== 'pass')));
    assert.ok(maxInFlight > 4, `at most ${maxInFlight} checks were in flight at once`);
    const movers = Object.keys(asked);
    assert.ok(moves.length < movers.length, `${moves.length} moves for ${movers.length} checks that moved the clock: none were made together`);
    for (const { during } of moves) {
      // A strict check ('reads', 'moves', unmarked) in flight at a move is waiting in its own move.
      const running = during.filter(([, v]) => v.time !== 'none' && v.time !== 'advances' && !v.parked);
      assert.deepEqual(running, [], `a move while ${JSON.stringify(during)} were in flight`);
    }
    // Each strict check sees its own move only; an 'advances' check may see others' moves too (it judges nothing they change).
    for (const id of movers) {
      if (id.startsWith('a')) assert.ok(seen.get(id)! >= asked[id], `${id} asked for ${asked[id]} s and saw the clock move ${seen.get(id)} s`);
      else assert.equal(seen.get(id), asked[id], `${id} asked for ${asked[id]} s and saw the clock move ${seen.get(id)} s`);
    }
    // The moves add up to the longest any check asked for: each made once, for all who asked.
    assert.equal(moves.reduce((sum, m) => sum + m.seconds, 0) >= Math.max(...Object.values(asked)), true);
  });

  it("stops a check marked 'none' before its move, and runs it again as 'moves'", async () => {
    let runs = 0;
    const liar = check('liar', 'none', { moves: 30 });
    const counted: Check = { ...liar, run: (t) => (runs++, liar.run(t)) };
    const results = await run([...checks(), counted]);
    assert.equal(results.length, 13);
    assert.equal(results[12].outcome, 'pass', JSON.stringify(results[12]));
    assert.equal(runs, 2, 'the check ran once stopped, once again');
    assert.equal(seen.get('liar'), 30);
    for (const { during } of moves.filter((m) => m.during.some(([id]) => id === 'liar'))) {
      assert.deepEqual(during.filter(([, v]) => v.time !== 'none' && v.time !== 'advances' && !v.parked), [], 'its move was made while no strict check was running');
    }
  });

  it("runs a check that needs its moves at once ('alone') with no other check that involves time beside it", async () => {
    const results = await run([...checks(), check('x1', 'alone', { moves: 45 })]);
    assert.deepEqual(results.map((r) => r.outcome), Array(13).fill('pass'));
    assert.equal(seen.get('x1'), 45);
    const its = moves.filter((m) => m.during.some(([id]) => id === 'x1'));
    assert.equal(its.length, 1, 'its move was made in one step');
    assert.deepEqual(its[0].during.filter(([, v]) => v.time !== 'none').map(([id]) => id), ['x1'], 'nothing else that involves time was in flight');
  });

  it("does not count a check's wait for its turn at the clock against its budget", async () => {
    // The mover asks for its move at 320 ms and waits until the long check ends at 600 ms, then works 320 ms more:
    // about 920 ms in all, past the budget of 700 ms were the wait counted.
    const results = await run([check('long', 'reads', { ms: 600 }), check('mover', 'moves', { moves: 5, ms: 640 })], 16, 700);
    assert.deepEqual(results.map((r) => r.outcome), ['pass', 'pass'], JSON.stringify(results.map((r) => r.message)));
    assert.ok(results[1].durationMs > 700, `the mover took ${results[1].durationMs} ms: it did not wait for its turn`);
  });

  it('runs as many checks that use one piece of scarce data at once as the profile has of it, and one without a count', async () => {
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
    const most = async (scarce: Suite['scarce'], profile: Record<string, unknown>) => {
      let now = 0;
      let peak = 0;
      const checks = users.map((id): Check => {
        const inner = check(id, 'moves', { moves: 5, ms: 120 });
        return { ...inner, uses: 'slot', run: async (t) => ((peak = Math.max(peak, ++now)), await inner.run(t).finally(() => now--)) };
      });
      const results = await run([...checks, check('other', 'reads', { ms: 120 })], 16, undefined, scarce, profile);
      assert.deepEqual(results.map((r) => r.outcome), Array(6).fill('pass'), JSON.stringify(results.filter((r) => r.outcome !== 'pass')));
      return peak;
    };
    const count = (section: Record<string, unknown>) => ({ slot: (section.slots as string[]).length });
    assert.equal(await most(count, { slots: ['s1', 's2'] }), 2);
    assert.equal(await most(count, { slots: ['s1', 's2', 's3', 's4', 's5', 's6'] }), 5);
    assert.equal(await most(undefined, {}), 1);
  });

  it('lets the clock move while a check waits for test data that a check parked in its move holds', async function () {
    // Held back, the two would wait for each other for good (a wait for others is not counted against a budget).
    this.timeout(10_000);
    // One piece of test data: the holder takes it and parks in its move; the waiter (strict) waits for it. Were the
    // waiter to hold the move back, neither could go on until the budget ran out.
    let holder: (() => void) | undefined;
    const given: Array<() => void> = [];
    const take = (t: CheckContext) =>
      t.waitForOthers(async () => {
        while (holder) await new Promise<void>((resolve) => given.push(resolve));
        holder = () => {
          holder = undefined;
          given.splice(0).forEach((wake) => wake());
        };
        return holder;
      });
    const using = (inner: Check, delayMs: number): Check => ({
      ...inner,
      run: async (t) => {
        await t.sleep(delayMs);
        const giveBack = await take(t);
        try {
          await inner.run(t);
        } finally {
          giveBack();
        }
      },
    });
    const results = await run([using(check('holder', 'moves', { moves: 30, ms: 40 }), 0), using(check('waiter', 'reads', { ms: 40 }), 20)], 16, 1500);
    assert.deepEqual(results.map((r) => r.outcome), ['pass', 'pass'], JSON.stringify(results.map((r) => r.message)));
    assert.equal(seen.get('holder'), 30);
    for (const { during } of moves) assert.deepEqual(during.filter(([id, v]) => id === 'waiter' && !v.parked), [], 'no move while the waiter ran');
  });

  it("moves an API's own clock while a check of another API on another clock is running", async () => {
    const checksOf = (api: 'cart' | 'activation', checks: Check[]): Suite => ({ api, schemaRule: RULE.id, checks, profileKeys: [] });
    const twoApis = (clocks: Partial<Record<'cart' | 'activation', string>>) =>
      runChecks({
        suites: [checksOf('cart', [check('reader', 'reads', { ms: 400 })]), checksOf('activation', [check('mover', 'moves', { moves: 30, ms: 60 })])],
        rules: new Map([[RULE.id, RULE]]),
        baseUrls: { cart: 'http://127.0.0.1:9', activation: 'http://127.0.0.1:9' },
        tenants: [{ user: 'a', secret: 'a' }, { user: 'b', secret: 'b' }],
        profile: {},
        clockUrl,
        clockUrls: clocks,
        concurrency: 16,
      });
    const readerRunning = () => moves.some((m) => m.during.some(([id, v]) => id === 'reader' && !v.parked));
    const own = await twoApis({ cart: `${clockUrl}/cart`, activation: `${clockUrl}/activation` });
    assert.deepEqual(own.map((r) => r.outcome), ['pass', 'pass'], JSON.stringify(own.map((r) => r.message)));
    assert.equal(moves.length, 1);
    assert.ok(readerRunning(), 'the move on the activation clock waited for the cart check');
    moves = [];
    const shared = await twoApis({});
    assert.deepEqual(shared.map((r) => r.outcome), ['pass', 'pass']);
    assert.equal(moves.length, 1);
    assert.ok(!readerRunning(), 'on one clock, the move was made while the cart check ran');
  });

  it('--concurrency 1 runs every check one by one', async () => {
    await run(checks(), 1);
    assert.equal(maxInFlight, 1);
  });
});
