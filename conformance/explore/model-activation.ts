/**
 * The Service Activation model: who has which test service active at two accesses of the profile, the
 * orders placed (RECEIVED until seen finished), and each tenant's feed as read so far. Actions: ACTIVATE and
 * DEACTIVATE by either tenant, order reads, the clock moved and orders waited for, feed reads with and
 * without since (several readers, also at once). Every feed read must extend every earlier one and hold
 * exactly the finished orders, each once, in the order they finished.
 */
import { excerpt } from '../framework/excerpt.js';
import fc from 'fast-check';
import type { Exchange } from '../framework/types.js';
import { advance, brief, currentStep, observe, TENANT_NAMES, type Action, type Env, type Judge, type Obs, type Tenant } from './core.js';
import type { ExploreModel, StepSpec } from './engine.js';

const ROOT = '/api/2.3.1';
type Op = 'ACTIVATE' | 'DEACTIVATE';
type Active = { tenant: Tenant; service: string } | null | 'unknown';

interface AOrder {
  path: string;
  n: number;
  tenant: Tenant;
  access: string;
  service: string;
  operation: Op;
  state: 'RECEIVED' | 'DONE_SUCCESS' | 'DONE_FAILED';
  /** Model clock (steps): when it was placed, and when it was first seen finished. */
  placedAt: number;
  doneSeenAt?: number;
  /** What the access's active list was when it was placed (for the one-order-at-a-slot check after it finishes). */
  before: Active;
}

interface Ev {
  event: string;
  path: string;
  json: string;
}

export interface ActivationState {
  accesses: string[];
  services: string[];
  /** Per access: the active one of the two test services (both have one service type), as far as known. */
  active: Record<string, Active>;
  orders: AOrder[];
  /** Each tenant's feed as known: the longest list read so far (baseline read at the start, then extended). */
  feeds: [Ev[], Ev[]];
  tick: number;
  /** Per access: the tick at which its active list was last read. */
  synced: Record<string, number>;
  /** How many events each tenant's feed had when the sequence started. */
  base: [number, number];
  /**
   * Answers given while an order of the same service may have been in progress, without naming it: wrong if
   * one of those orders is later still seen RECEIVED (it was in progress then, so ACT-ORDER-IN-PROGRESS applied).
   */
  suspects: Array<{ paths: string[]; what: string; exchange: Exchange }>;
}

let rotation = 0;
const pathOf = (p: string) => new URL(p, 'http://x').pathname;
const label = (t: Tenant, what: string) => `${TENANT_NAMES[t]}: ${what}`;
/** An event as the feed rules see it: its id and the order's documented members (a server may add others, even changing ones). */
const toEv = (e: any): Ev => {
  const o = e?.order ?? {};
  const documented = { event: e?.event, order: { path: o.path, accessId: o.accessId, service: o.service, operation: o.operation, state: o.state, message: o.message } };
  return { event: String(e?.event), path: pathOf(String(o.path ?? '')), json: JSON.stringify(documented) };
};
const pending = (s: ActivationState, access: string) => s.orders.filter((o) => o.access === access && o.state === 'RECEIVED');

function placeAction(s: ActivationState, tenant: Tenant, access: string, service: string, operation: Op): Action<ActivationState> {
  const body = operation === 'ACTIVATE' ? { accessId: access, service, operation, forcedTakeover: false } : { accessId: access, service, operation };
  // An order of the same service that may still be in progress is read right after: if it still is, the answer had to name it.
  const watched = s.orders.filter((o) => o.tenant === tenant && o.access === access && o.service === service && o.state === 'RECEIVED').at(-1);
  return {
    label: label(tenant, `${operation} ${service} at ${access}${watched ? `, then read order #${watched.n}` : ''}`),
    tenant,
    async send(env) {
      const obs = await observe(env, currentStep(env), tenant, (c) => c.post(`${ROOT}/orders/`, body));
      if (!watched) return obs;
      return { ...obs, follow: await observe(env, currentStep(env), tenant, (c) => c.get(watched.path)) };
    },
    judge(s, obs, j) {
      judgePlace(s, obs!, j);
      const o = watched && s.orders.find((x) => x.path === watched.path);
      if (o && obs!.follow) judgeRead(j, s, o, obs!.follow);
    },
  };

  function judgePlace(s: ActivationState, obs: Obs, j: Judge) {
    const { ex } = obs;
    const tick = ++s.tick;
    const inFlight = pending(s, access);
    const active = s.active[access];
    // Orders of this service not yet seen finished: any of them may be the one still in progress.
    const mine = inFlight.filter((o) => o.tenant === tenant && o.service === service);
    const add = () => {
      if (ex.status !== 201) return;
      s.orders.push({ path: pathOf(String(ex.body?.path)), n: s.orders.length + 1, tenant, access, service, operation, state: 'RECEIVED', placedAt: tick, before: inFlight.length ? 'unknown' : active });
      s.active[access] = 'unknown';
    };
    if (ex.status === 201 && !ex.headers.location) j.fail('ACT-ORDER-CREATED', 'a 201 answer has no Location header', { expected: 'Location: /api/2.3.1/orders/<uuid>', actual: JSON.stringify(ex.headers), exchange: ex });
    if (ex.status === 201 && (ex.body?.state !== 'RECEIVED' || !ex.body?.path || ex.body?.message !== '')) {
      j.fail('ACT-ORDER-CREATED', 'a 201 answer is not a RECEIVED order with a path and an empty message', { expected: '{ path, state: RECEIVED, message: "" }', actual: brief(ex), exchange: ex });
    }
    const namesMine = ex.status === 200 && ex.body?.state === 'RECEIVED' && mine.some((o) => o.path === pathOf(String(ex.body?.path)));
    if (mine.length && !namesMine) s.suspects.push({ paths: mine.map((o) => o.path), what: `${operation} of ${service} at ${access} answered ${ex.status} ${ex.body?.state ?? ''}`.trim(), exchange: ex });
    if (ex.status === 200 && ex.body?.state === 'RECEIVED' && !namesMine) {
      // With nothing of this service in progress a received order is a new one: 201, not 200.
      j.fail(mine.length ? 'ACT-ORDER-IN-PROGRESS' : 'ACT-ORDER-CREATED', 'an order placed while the same one may be in progress answered a RECEIVED order that is not one of them', { expected: mine.map((o) => o.path).join(' or ') || 'no order in progress: 201 or 200 DONE_SUCCESS', actual: ex.body?.path, exchange: ex });
    }
    // With an order still in flight at the access, or its state unknown, any documented answer goes.
    if (inFlight.length || active === 'unknown') {
      if (![200, 201, 400].includes(ex.status)) j.fail('ACT-ORDER-CREATED', `placing an order answered ${ex.status}`, { expected: 'status 201, 200 or 400', actual: brief(ex), exchange: ex });
      return add();
    }
    let expected: { status: number; rule: string; what: string };
    const noop = { status: 200, rule: 'ACT-ORDER-NOTHING-TO-DO', what: '200 DONE_SUCCESS without a path' };
    if (operation === 'DEACTIVATE') expected = active && active.tenant === tenant && active.service === service ? { status: 201, rule: 'ACT-ORDER-CREATED', what: '201 RECEIVED' } : noop;
    else if (!active) expected = { status: 201, rule: 'ACT-ORDER-CREATED', what: '201 RECEIVED' };
    else if (active.tenant !== tenant) expected = { status: 400, rule: 'ACT-ORDER-TYPE-CLAIMED', what: '400: the service type is claimed by another provider' };
    else if (active.service === service) expected = noop;
    else expected = { status: 400, rule: 'ACT-ORDER-SAME-TYPE-ACTIVE', what: '400: another service of the type is active' };
    const noopShape = expected === noop && (ex.body?.state !== 'DONE_SUCCESS' || ex.body?.path);
    if (ex.status !== expected.status || noopShape) {
      j.fail(expected.rule, `${operation} of ${service} at ${access}, where ${active ? `${TENANT_NAMES[active.tenant]} has ${active.service} active` : 'neither test service is active'}, answered ${ex.status}`, { expected: expected.what, actual: brief(ex), exchange: ex });
    }
    add();
  }
}

/** Judges an order read: the same order, and a final state that never changes. */
function judgeRead(j: Judge, s: ActivationState, o: AOrder, obs: Obs) {
  const { ex } = obs;
  if (ex.status !== 200) return j.fail('ACT-ORDER-GET', `GET ${o.path} answered ${ex.status}`, { expected: 'status 200', actual: brief(ex), exchange: ex });
  const b = ex.body;
  if (b?.accessId !== o.access || b?.service !== o.service || b?.operation !== o.operation) {
    j.fail('ACT-ORDER-GET', 'GET answers another order', { expected: { accessId: o.access, service: o.service, operation: o.operation }, actual: brief(ex), exchange: ex });
  }
  if (o.state !== 'RECEIVED' && b?.state !== o.state) return j.fail('ACT-ORDER-FINAL', `order #${o.n} was ${o.state} and now reads ${b?.state}`, { expected: o.state, actual: b?.state, exchange: ex });
  const missed = b?.state === 'RECEIVED' ? s.suspects.find((x) => x.paths.includes(o.path)) : undefined;
  if (missed) {
    j.fail('ACT-ORDER-IN-PROGRESS', `order #${o.n} is still RECEIVED, so it was in progress when the ${missed.what}`, { expected: `200 with the order in progress (${o.path})`, actual: brief(missed.exchange), exchange: missed.exchange });
  }
  if (o.state === 'RECEIVED' && (b?.state === 'DONE_SUCCESS' || b?.state === 'DONE_FAILED')) {
    o.state = b.state;
    o.doneSeenAt = ++s.tick;
  }
}

function readFeedAction(tenant: Tenant, since: 'none' | number, sinceEvent: string | undefined, sinceIndex: number): Action<ActivationState> {
  return {
    label: label(tenant, since === 'none' ? 'read the feed without since' : `read the feed since the event ${since} from the end of what ${TENANT_NAMES[tenant]} has read`),
    tenant,
    send: (env) => observe(env, currentStep(env), tenant, (c) => c.get(`${ROOT}/orderevents/`, { query: { since: sinceEvent } })),
    judge(s, obs, j) {
      const { ex } = obs!;
      const known = s.feeds[tenant];
      if (ex.status !== 200 || !Array.isArray(ex.body)) return j.fail('ACT-FEED-EVERY-FINISHED-ORDER', `the feed answered ${ex.status}`, { expected: 'status 200 with an array', actual: brief(ex), exchange: ex });
      const got = (ex.body as any[]).map(toEv);
      if (sinceEvent !== undefined && got.some((e) => e.event === sinceEvent)) {
        return j.fail('ACT-FEED-SINCE-EXCLUSIVE', `the feed since ${sinceEvent} includes that event`, { expected: `only events after ${sinceEvent}`, actual: got.map((e) => e.event).join(', '), exchange: ex });
      }
      const after = sinceIndex + 1;
      const expectedStart = known.slice(after);
      const prefixOk = expectedStart.every((e, k) => got[k]?.json === e.json);
      if (!prefixOk) {
        const rule = sinceEvent === undefined ? 'ACT-FEED-IMMUTABLE' : got.some((e) => e.event === sinceEvent) ? 'ACT-FEED-SINCE-EXCLUSIVE' : 'ACT-FEED-SINCE-RETURNS-ALL-LATER';
        const missing = expectedStart.filter((e) => !got.some((g) => g.event === e.event)).map((e) => e.event);
        return j.fail(rule, sinceEvent === undefined ? 'a read of the whole feed does not extend an earlier read' : `the feed since ${sinceEvent} does not start with the events read after it before`, {
          expected: `starts with ${expectedStart.map((e) => e.event).join(', ')}`,
          actual: `${got.map((e) => e.event).join(', ') || '[]'}${missing.length ? ` (missing ${missing.join(', ')})` : ''}`,
          exchange: ex,
        });
      }
      const fresh = got.slice(expectedStart.length);
      const combined = [...known.slice(0, after), ...got];
      const seenIds = new Set(known.map((e) => e.event));
      const seenPaths = new Set(known.map((e) => e.path));
      for (const e of fresh) {
        const raw = JSON.parse(e.json);
        if (seenIds.has(e.event)) j.fail('ACT-FEED-EVENT-UNIQUE', `event ${e.event} appears twice`, { actual: e.event, exchange: ex });
        seenIds.add(e.event);
        const o = s.orders.find((x) => x.path === e.path);
        if (!o) {
          const rule = s.orders.some((x) => x.path === e.path && x.tenant !== tenant) ? 'ACT-TENANCY' : 'ACT-FEED-ONLY-RECEIVED-ORDERS';
          j.fail(rule, `the feed has an event for ${e.path}, not an order ${TENANT_NAMES[tenant]} placed`, { actual: excerpt(e.json, 300), exchange: ex });
          continue;
        }
        if (o.tenant !== tenant) j.fail('ACT-TENANCY', `${TENANT_NAMES[tenant]}'s feed shows ${TENANT_NAMES[o.tenant]}'s order #${o.n}`, { actual: excerpt(e.json, 300), exchange: ex });
        if (seenPaths.has(e.path)) j.fail('ACT-FEED-EVERY-FINISHED-ORDER', `order #${o.n} appears twice in the feed`, { expected: 'every finished order exactly once', actual: e.path, exchange: ex });
        seenPaths.add(e.path);
        if (raw?.order?.state !== 'DONE_SUCCESS' && raw?.order?.state !== 'DONE_FAILED') j.fail('ACT-FEED-ONLY-DONE', `an event of order #${o.n} has state ${raw?.order?.state}`, { expected: 'DONE_SUCCESS or DONE_FAILED', actual: raw?.order?.state, exchange: ex });
        else if (o.state !== 'RECEIVED' && raw.order.state !== o.state) j.fail('ACT-FEED-FIELDS-AS-ORDER', `the event of order #${o.n} says ${raw.order.state}, the order ${o.state}`, { expected: o.state, actual: raw.order.state, exchange: ex });
        if (raw?.order?.accessId !== o.access || raw?.order?.service !== o.service || raw?.order?.operation !== o.operation) {
          j.fail('ACT-FEED-FIELDS-AS-ORDER', `the event of order #${o.n} does not carry the order's fields`, { expected: { accessId: o.access, service: o.service, operation: o.operation }, actual: raw?.order, exchange: ex });
        }
        if (o.state === 'RECEIVED' && (raw?.order?.state === 'DONE_SUCCESS' || raw?.order?.state === 'DONE_FAILED')) (o.state = raw.order.state), (o.doneSeenAt = s.tick + 1);
      }
      // Orders seen finished before this read started must be in it (with since: after the since event, or before it).
      const inFeed = new Set(combined.map((e) => e.path));
      const lost = s.orders.filter((o) => o.tenant === tenant && o.doneSeenAt !== undefined && o.doneSeenAt <= s.tick && !inFeed.has(o.path));
      if (lost.length) j.fail('ACT-FEED-EVERY-FINISHED-ORDER', `order #${lost[0].n} was seen finished before this read but has no event`, { expected: `an event for ${lost.map((o) => o.path).join(', ')}`, actual: `${got.length} events: ${got.map((e) => e.path).join(', ').slice(0, 300)}`, exchange: ex });
      // Ascending: an order seen finished before another was placed comes first.
      const at = (o: AOrder) => combined.findIndex((e) => e.path === o.path);
      for (const x of s.orders) for (const y of s.orders) {
        if (x.tenant !== tenant || y.tenant !== tenant || x.doneSeenAt === undefined || x.doneSeenAt >= y.placedAt) continue;
        if (at(x) >= 0 && at(y) >= 0 && at(y) < at(x)) j.fail('ACT-FEED-ASCENDING', `order #${y.n} (placed after #${x.n} had finished) comes before it in the feed`, { expected: `#${x.n} before #${y.n}`, actual: combined.map((e) => e.event).join(', ').slice(0, 300), exchange: ex });
      }
      s.feeds[tenant] = combined;
      s.tick++;
    },
  };
}

/** A feed read; with since, the event `back` places before the end of what the tenant has read (the since event is fixed now). */
const feedAction = (s: ActivationState, tenant: Tenant, back: number | 'none') => {
  const known = s.feeds[tenant];
  // A since event from this sequence where there is one, so that a shrunk case replays on a fresh server.
  const index = back === 'none' || !known.length ? -1 : Math.max(0, s.base[tenant] - 1, known.length - 1 - back);
  return readFeedAction(tenant, index < 0 ? 'none' : back, index >= 0 ? known[index].event : undefined, index);
};

/** Moves the clock by the profile's finishSeconds (or waits that long) and reads every RECEIVED order until it is finished. */
function finishAction(accesses: string[]): Action<ActivationState> {
  let reads: Array<{ path: string; obs: Obs }> = [];
  let views: Record<string, Exclude<Active, 'unknown'>> = {};
  return {
    label: 'clock: advance finishSeconds, then read every RECEIVED order until it has finished',
    async send(env) {
      reads = [];
      const seconds = Number(env.profile.finishSeconds ?? 5);
      const step = currentStep(env);
      if (env.clock.controllable) await advance(env, step, seconds);
      const placed = new Map<string, Tenant>();
      for (const t of env.transcript) if (t.exchange?.status === 201 && t.exchange.method === 'POST') placed.set(pathOf(String(t.exchange.body?.path)), t.tenant ?? 0);
      // Once its time has come an order gets --timeout to be seen finished (more real time without a test clock).
      const deadline = Date.now() + env.timeoutMs + (env.clock.controllable ? 0 : seconds * 1000);
      for (const [path, tenant] of placed) {
        for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
          const obs = await observe(env, step, tenant, (c) => c.get(path, { skipSchema: true }));
          reads.push({ path, obs });
          if (obs.ex.status !== 200 || obs.ex.body?.state !== 'RECEIVED' || Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, delay));
        }
      }
      // Keep in the replay only the last read of each order.
      env.transcript = env.transcript.filter((t) => t.step !== step || t.advanceSeconds !== undefined || reads.some((r) => r.obs.ex === t.exchange && reads.filter((x) => x.path === r.path).at(-1) === r));
      views = {};
      for (const a of accesses) views[a] = await readAccess(env, a);
      return undefined;
    },
    judge(s, _obs, j) {
      for (const o of s.orders.filter((x) => x.state === 'RECEIVED')) {
        const last = reads.filter((r) => r.path === o.path).at(-1);
        if (!last) continue;
        judgeRead(j, s, o, last.obs);
        if (o.state === 'RECEIVED') j.fail('ACT-ORDER-RECEIVED-POLLABLE', `order #${o.n} is still RECEIVED after finishSeconds`, { expected: 'DONE_SUCCESS or DONE_FAILED', actual: brief(last.obs.ex), exchange: last.obs.ex });
      }
      for (const access of accesses) {
        if (pending(s, access).length) continue;
        // One order since the access was last known: its outcome says what is active now.
        const since = s.orders.filter((o) => o.access === access && o.placedAt > (s.synced[access] ?? 0));
        const o = since[0];
        if (since.length === 1 && o.before !== 'unknown') {
          const expected: Active = o.state === 'DONE_SUCCESS' ? (o.operation === 'ACTIVATE' ? { tenant: o.tenant, service: o.service } : null) : o.before;
          if (JSON.stringify(expected) !== JSON.stringify(views[access])) {
            j.fail('ACT-ACCESS-ACTIVE', `after order #${o.n} (${o.operation} ${o.service}, ${o.state}) the active lists at ${access} show ${views[access] ? `${TENANT_NAMES[views[access]!.tenant]} with ${views[access]!.service}` : 'no test service'}`, { expected: expected ? `${TENANT_NAMES[expected.tenant]} with ${expected.service} active` : 'no test service active', actual: views[access] });
          }
        }
        s.active[access] = views[access];
        s.synced[access] = ++s.tick;
      }
    },
  };
}

const tenantArb = fc.constantFrom<Tenant>(0, 0, 0, 1);
const placeStep = fc.record({ tenant: tenantArb, a: fc.nat(1), sv: fc.nat(1), op: fc.constantFrom<Op>('ACTIVATE', 'ACTIVATE', 'DEACTIVATE') }).map(
  ({ tenant, a, sv, op }): StepSpec<ActivationState> => ({ name: `${op}`, make: (s) => [placeAction(s, tenant, s.accesses[a], s.services[sv], op)] }),
);
/** The latest order's service at its access again, same or other operation (a client retrying, or changing its mind). */
const againStep = fc.constantFrom<Op>('ACTIVATE', 'DEACTIVATE').map(
  (op): StepSpec<ActivationState> => ({
    name: `${op} again`,
    make: (s) => {
      const last = s.orders.at(-1);
      return last ? [placeAction(s, last.tenant, last.access, last.service, op)] : undefined;
    },
  }),
);
const feedStep = fc.record({ tenant: tenantArb, back: fc.constantFrom<'none' | number>('none', 0, 1, 1, 2) }).map(
  ({ tenant, back }): StepSpec<ActivationState> => ({ name: 'read feed', make: (s) => [feedAction(s, tenant, back)] }),
);
const readStep = fc.record({ i: fc.nat(), foreign: fc.constantFrom(false, false, true) }).map(
  ({ i, foreign }): StepSpec<ActivationState> => ({
    name: 'read order',
    make(s) {
      if (!s.orders.length) return undefined;
      // Mostly one of the two latest orders: their state is the one still changing.
      const target = s.orders[i % 3 === 0 ? i % s.orders.length : Math.max(0, s.orders.length - 1 - (i % 2))];
      const tenant = (foreign ? 1 - target.tenant : target.tenant) as Tenant;
      return [
        {
          label: label(tenant, `GET order #${target.n}${foreign ? ` of ${TENANT_NAMES[target.tenant]}` : ''}`),
          tenant,
          send: (env) => observe(env, currentStep(env), tenant, (c) => c.get(target.path)),
          judge(s, obs, j) {
            if (foreign) {
              if (obs!.ex.status !== 404) j.fail('ACT-TENANCY', `another provider's order answered ${obs!.ex.status}`, { expected: 'status 404', actual: brief(obs!.ex), exchange: obs!.ex });
              return;
            }
            judgeRead(j, s, s.orders.find((o) => o.path === target.path)!, obs!);
          },
        },
      ];
    },
  }),
);
/** A since no event ever had: an error, never 200 [] (which would let a reader miss events silently). */
const unknownSinceStep = fc.constantFrom<Tenant>(0, 1).map(
  (tenant): StepSpec<ActivationState> => ({
    name: 'read the feed since an unknown event',
    make: () => [
      {
        label: label(tenant, 'read the feed since an event id nobody was given'),
        tenant,
        send: (env) => observe(env, currentStep(env), tenant, (c) => c.get(`${ROOT}/orderevents/`, { query: { since: `${env.prefix}-no-such-event` }, skipSchema: true })),
        judge(_s, obs, j) {
          if (obs!.ex.status !== 400 && obs!.ex.status !== 404) j.fail('ACT-FEED-UNKNOWN-SINCE-REJECTED', `an unknown since answered ${obs!.ex.status}`, { expected: 'status 400 (or 404) with a cause', actual: brief(obs!.ex), exchange: obs!.ex });
        },
      },
    ],
  }),
);

/** Time passes (a few minutes): nothing finished may change because of it. */
const timeStep = fc.integer({ min: 61, max: 600 }).map(
  (seconds): StepSpec<ActivationState> => ({
    name: 'time passes',
    make: (_s, env) => (env.clock.controllable ? [{ label: `clock: advance ${seconds} s`, send: (env) => advance(env, currentStep(env), seconds).then(() => undefined), judge() {} }] : undefined),
  }),
);

const finishStep = fc.constant<StepSpec<ActivationState>>({ name: 'finish', make: (s) => [finishAction(s.accesses)] });
/** Two readers at once, or an order placed while a feed is read. */
const concurrentStep = fc.record({ kind: fc.constantFrom('readers', 'place+read', 'two places', 'two places', 'two places'), a: fc.nat(1), sv: fc.nat(1), op: fc.constantFrom<Op>('ACTIVATE', 'DEACTIVATE') }).map(
  ({ kind, a, sv, op }): StepSpec<ActivationState> => ({
    name: kind,
    make: (s) =>
      kind === 'readers'
        ? [feedAction(s, 0, 'none'), feedAction(s, 0, 0)]
        : kind === 'place+read'
          ? [placeAction(s, 0, s.accesses[a], s.services[sv], op), feedAction(s, 0, 'none')]
          : [placeAction(s, 0, s.accesses[0], s.services[sv], op), placeAction(s, 0, s.accesses[1], s.services[sv], op)],
  }),
);

async function readAccess(env: Env, access: string): Promise<Exclude<Active, 'unknown'>> {
  for (const t of [0, 1] as Tenant[]) {
    const ex = await env.clients[t].get(`${ROOT}/accesses/${encodeURIComponent(access)}`, { skipSchema: true });
    if (ex.status !== 200) throw new Error(`GET accesses/${access} as ${TENANT_NAMES[t]} answered ${ex.status}`);
    const mine = (ex.body?.active ?? []).find((a: any) => [env.profile.service, env.profile.sameTypeService].includes(a?.service));
    if (mine) return { tenant: t, service: mine.service };
  }
  return null;
}

async function finishAll(env: Env, s: ActivationState): Promise<void> {
  const open = s.orders.filter((o) => o.state === 'RECEIVED');
  if (!open.length) return;
  if (env.clock.controllable) await advance(env, -1, Number(env.profile.finishSeconds ?? 5));
  const deadline = Date.now() + env.timeoutMs + (env.clock.controllable ? 0 : Number(env.profile.finishSeconds ?? 5) * 1000);
  for (const o of open) {
    while (Date.now() < deadline) {
      const ex = await env.clients[o.tenant].get(o.path, { skipSchema: true });
      if (ex.status !== 200 || ex.body?.state !== 'RECEIVED') break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export const activationModel: ExploreModel<ActivationState> = {
  api: 'activation',
  maxSteps: 12,
  steps: () => [placeStep, againStep, feedStep, feedStep, feedStep, readStep, readStep, finishStep, finishStep, concurrentStep, concurrentStep, concurrentStep, timeStep, unknownSinceStep],
  async init(env) {
    const pool: string[] = env.profile.accesses;
    const accesses = [pool[rotation++ % pool.length], pool[rotation++ % pool.length]];
    const active: Record<string, Active> = {};
    for (const a of accesses) active[a] = await readAccess(env, a);
    const feeds: [Ev[], Ev[]] = [[], []];
    for (const t of [0, 1] as Tenant[]) {
      const ex = await env.clients[t].get(`${ROOT}/orderevents/`, { skipSchema: true });
      if (ex.status !== 200 || !Array.isArray(ex.body)) throw new Error(`reading the feed as ${TENANT_NAMES[t]} answered ${ex.status}`);
      feeds[t] = ex.body.map(toEv);
    }
    return { accesses, services: [env.profile.service, env.profile.sameTypeService], active, orders: [], feeds, tick: 0, synced: {}, base: [feeds[0].length, feeds[1].length], suspects: [] };
  },
  cleanup: finishAll,
};
