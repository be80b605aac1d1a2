/**
 * The Service Activation model: who has which test service active at two accesses of the profile, the
 * orders placed (RECEIVED until seen finished), and each tenant's feed as read so far. Actions: ACTIVATE and
 * DEACTIVATE by either tenant, order reads, the clock moved and orders waited for, feed reads with and
 * without since (several readers, also at once), a reader following the since chain while orders finish, and
 * long clock jumps (an hour, a day). Every feed read must extend every earlier one and hold exactly the finished
 * orders, each once, in the order they finished, each event with its order's members (failures included).
 * Each kind of step is a plain function (placeStep, feedStep, ...) that explore's generators and the sweep's
 * fixed cases (sweep-activation.ts) both call.
 */
import { excerpt } from '../framework/excerpt.js';
import fc from 'fast-check';
import type { Exchange } from '../framework/types.js';
import { advance, brief, currentStep, observe, TENANT_NAMES, type Action, type Env, type Judge, type Obs, type Tenant } from './core.js';
import type { ExploreModel, StepSpec } from './engine.js';
import { failingAccesses, giveBackAccess, mark, nextAccess, ordersOfTheRun, takeAccess, takeFailingAccess } from '../activation/helpers.js';

const ROOT = '/api/2.3.1';
export type Op = 'ACTIVATE' | 'DEACTIVATE';
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
  /** The final message as GET answered it, and as its event carried it (each compared with the other). */
  message?: string;
  eventMessage?: string;
  /** When (our real time) its placing answer arrived: only an order answered before a request was sent was surely in progress then. */
  answeredAt: number;
}

interface Ev {
  event: string;
  path: string;
  json: string;
}

export interface ActivationState {
  /** Two accesses of the pool, then one of the profile's failing accesses when it has one. */
  accesses: string[];
  services: string[];
  /** Per access: the active one of the two test services (both have one service type), as far as known. */
  active: Record<string, Active>;
  orders: AOrder[];
  /** Each tenant's feed after its start as known: the longest list read so far. */
  feeds: [Ev[], Ev[]];
  /** Each tenant's last event when the sequence started (undefined: the feed was empty): what is known starts after it. */
  starts: [string | undefined, string | undefined];
  /** Per tenant and since ('' for a whole read): the events such a read has answered so far. */
  answered: [Map<string, Set<string>>, Map<string, Set<string>>];
  tick: number;
  /** Per access: the tick at which its active list was last read. */
  synced: Record<string, number>;
  /**
   * Answers given while an order of the same service may have been in progress, without naming it: wrong if
   * one of those orders is later still seen RECEIVED (it was in progress then, so ACT-ORDER-IN-PROGRESS applied).
   */
  suspects: Array<{ paths: string[]; what: string; exchange: Exchange }>;
}

const pathOf = (p: string) => new URL(p, 'http://x').pathname;
const label = (t: Tenant, what: string) => `${TENANT_NAMES[t]}: ${what}`;
/** An event as the feed rules see it: its id and the order's documented members (a server may add others, even changing ones). */
const toEv = (e: any): Ev => {
  const o = e?.order ?? {};
  const documented = { event: e?.event, order: { path: o.path, accessId: o.accessId, service: o.service, operation: o.operation, state: o.state, message: o.message } };
  return { event: String(e?.event), path: pathOf(String(o.path ?? '')), json: JSON.stringify(documented) };
};
const pending = (s: ActivationState, access: string) => s.orders.filter((o) => o.access === access && o.state === 'RECEIVED');

/**
 * Members of an order body beyond accessId, service and operation: optional ones (spReference, equipment) a
 * retry may change, and `invalid` when a member is outside its documented limit (the answer must be 400).
 */
export interface Extra {
  body?: Record<string, unknown>;
  what?: string;
  invalid?: boolean;
  /**
   * A member past a limit the spec sets on its own (the source sets none there): a 400 with a cause is one answer,
   * and taking the order is another, judged as any order.
   */
  ownLimit?: boolean;
}

function placeAction(s: ActivationState, tenant: Tenant, access: string, service: string, operation: Op, extra: Extra = {}): Action<ActivationState> {
  const body = { ...(operation === 'ACTIVATE' ? { accessId: access, service, operation, forcedTakeover: false } : { accessId: access, service, operation }), ...extra.body };
  // An order of the same service that may still be in progress is read right after: if it still is, the answer had to name it.
  const watched = s.orders.filter((o) => o.tenant === tenant && o.access === access && o.service === service && o.state === 'RECEIVED').at(-1);
  let sentAt = 0;
  let answeredAt = 0;
  return {
    label: label(tenant, `${operation} ${service} at ${access}${extra.what ? ` with ${extra.what}` : ''}${watched ? `, then read order #${watched.n}` : ''}`),
    tenant,
    async send(env) {
      sentAt = Date.now();
      const obs = await observe(env, currentStep(env), tenant, (c) => c.post(`${ROOT}/orders/`, body));
      answeredAt = Date.now();
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
    if (extra.invalid) {
      if (ex.status !== 400 || typeof ex.body?.cause !== 'string' || !ex.body.cause) {
        j.fail('ACT-ORDER-BAD-INPUT', `${operation} of ${service} at ${access} with ${extra.what} (outside its documented limit) answered ${ex.status}`, { expected: '400 with a cause, nothing created', actual: brief(ex), exchange: ex });
      }
      if (ex.status === 201) s.active[access] = 'unknown';
      return;
    }
    if (extra.ownLimit && ex.status === 400) {
      if (typeof ex.body?.cause !== 'string' || !ex.body.cause) j.fail('ACT-ORDER-BAD-INPUT', `${operation} of ${service} at ${access} with ${extra.what} was refused without a cause`, { expected: '400 with a cause, or the order taken', actual: brief(ex), exchange: ex });
      return;
    }
    const inFlight = pending(s, access);
    const active = s.active[access];
    // Orders of this service not yet seen finished: any of them may be the one still in progress.
    const mine = inFlight.filter((o) => o.tenant === tenant && o.service === service);
    const add = () => {
      if (ex.status !== 201) return;
      s.orders.push({ path: pathOf(String(ex.body?.path)), n: s.orders.length + 1, tenant, access, service, operation, state: 'RECEIVED', placedAt: tick, before: inFlight.length ? 'unknown' : active, answeredAt });
      s.active[access] = 'unknown';
    };
    if (ex.status === 201 && !ex.headers.location) j.fail('ACT-ORDER-CREATED', 'a 201 answer has no Location header', { expected: 'Location: /api/2.3.1/orders/<uuid>', actual: JSON.stringify(ex.headers), exchange: ex });
    if (ex.status === 201 && (ex.body?.state !== 'RECEIVED' || !ex.body?.path || ex.body?.message !== '')) {
      j.fail('ACT-ORDER-CREATED', 'a 201 answer is not a RECEIVED order with a path and an empty message', { expected: '{ path, state: RECEIVED, message: "" }', actual: brief(ex), exchange: ex });
    }
    const namesMine = ex.status === 200 && ex.body?.state === 'RECEIVED' && mine.some((o) => o.path === pathOf(String(ex.body?.path)));
    const foreign = ex.status === 200 && s.orders.find((o) => o.tenant !== tenant && o.path === pathOf(String(ex.body?.path)));
    if (foreign) j.fail('ACT-TENANCY', `${TENANT_NAMES[tenant]}'s ${operation} of ${service} at ${access} was answered with ${TENANT_NAMES[foreign.tenant]}'s order #${foreign.n}`, { expected: `an order of ${TENANT_NAMES[tenant]}'s own (or 201, or 400)`, actual: brief(ex), exchange: ex });
    // Sent at the same moment as the order (a step of several), an answer other than a new order may have been
    // given before that order existed (a DEACTIVATE with nothing to do); two new orders cannot both be right.
    const before = mine.filter((o) => o.answeredAt < sentAt || ex.status === 201);
    if (before.length && !namesMine) s.suspects.push({ paths: before.map((o) => o.path), what: `${operation} of ${service} at ${access} answered ${ex.status} ${ex.body?.state ?? ''}`.trim(), exchange: ex });
    if (ex.status === 200 && ex.body?.state === 'RECEIVED' && !namesMine) {
      // With nothing of this service in progress a received order is a new one: 201, not 200.
      j.fail(mine.length ? 'ACT-ORDER-IN-PROGRESS' : 'ACT-ORDER-CREATED', 'an order placed while the same one may be in progress answered a RECEIVED order that is not one of them', { expected: mine.map((o) => o.path).join(' or ') || 'no order in progress: 201 or 200 DONE_SUCCESS', actual: ex.body?.path, exchange: ex });
    }
    const echoes = ex.body?.accessId === access && ex.body?.service === service && ex.body?.operation === operation;
    if (ex.status === 200 && ex.body?.state === 'DONE_SUCCESS' && !ex.body?.path && !echoes) {
      j.fail('ACT-ORDER-NOTHING-TO-DO', `${operation} of ${service} at ${access} was answered "nothing to do" for another order`, { expected: `{ accessId: ${access}, service: ${service}, operation: ${operation}, state: DONE_SUCCESS }`, actual: brief(ex), exchange: ex });
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
    // Nothing to do: the order as requested (the source's example echoes accessId, service and operation), DONE_SUCCESS, no path.
    const noopShape = expected === noop && (ex.body?.state !== 'DONE_SUCCESS' || ex.body?.path || !echoes);
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
  if (b?.state === 'DONE_FAILED' && (typeof b?.message !== 'string' || !b.message.trim())) j.fail('ACT-ORDER-FAILURE-MESSAGE', `order #${o.n} is DONE_FAILED without a message saying why`, { expected: 'a non-empty message', actual: brief(ex), exchange: ex });
  if ((b?.state === 'DONE_SUCCESS' || b?.state === 'DONE_FAILED') && o.message === undefined) {
    o.message = b.message;
    if (o.eventMessage !== undefined && o.eventMessage !== b.message) j.fail('ACT-FEED-FIELDS-AS-ORDER', `the event of order #${o.n} has the message ${JSON.stringify(o.eventMessage)}, the order ${JSON.stringify(b.message)}`, { expected: b.message, actual: o.eventMessage, exchange: ex });
  }
  const missed = b?.state === 'RECEIVED' ? s.suspects.find((x) => x.paths.includes(o.path)) : undefined;
  if (missed) {
    j.fail('ACT-ORDER-IN-PROGRESS', `order #${o.n} is still RECEIVED, so it was in progress when the ${missed.what}`, { expected: `200 with the order in progress (${o.path})`, actual: brief(missed.exchange), exchange: missed.exchange });
  }
  if (o.state === 'RECEIVED' && (b?.state === 'DONE_SUCCESS' || b?.state === 'DONE_FAILED')) {
    o.state = b.state;
    o.doneSeenAt = ++s.tick;
  }
}

/**
 * The events of a whole-feed answer after the tenant's start event, taken item by item as they arrive (the events
 * before it are passed over, so a feed of any length is read in bounded memory); `startSeen` false when the start
 * event was not in it.
 */
class AfterStart {
  events: Ev[] = [];
  startSeen: boolean;
  constructor(private readonly start: string | undefined) {
    this.startSeen = start === undefined;
  }
  push = (item: any) => {
    if (this.startSeen) this.events.push(toEv(item));
    else if (String(item?.event) === this.start) this.startSeen = true;
  };
}

/**
 * A feed read: without since (the whole feed, judged from the tenant's start event on), or since an event known
 * (`sinceIndex` its place in what is known; -1 for the start event itself).
 */
function readFeedAction(tenant: Tenant, since: 'none' | number | 'start', sinceEvent: string | undefined, sinceIndex: number, start: string | undefined): Action<ActivationState> {
  let whole: AfterStart | undefined;
  const what =
    since === 'none'
      ? 'read the feed without since'
      : sinceIndex < 0
        ? `read the feed since its last event when the sequence started`
        : `read the feed since the event ${since} from the end of what ${TENANT_NAMES[tenant]} has read`;
  return {
    label: label(tenant, what),
    tenant,
    send: (env) => {
      whole = sinceEvent === undefined ? new AfterStart(start) : undefined;
      return observe(env, currentStep(env), tenant, (c) => c.get(`${ROOT}/orderevents/`, { query: { since: sinceEvent }, onItem: whole?.push }));
    },
    judge(s, obs, j) {
      const { ex } = obs!;
      const known = s.feeds[tenant];
      if (sinceEvent === undefined && !whole) {
        // Observed by another step (the follower) without item-by-item reading.
        whole = new AfterStart(start);
        if (Array.isArray(ex.body)) ex.body.forEach(whole.push);
      }
      if (ex.status !== 200 || !(whole ? !!ex.cut || Array.isArray(ex.body) : Array.isArray(ex.body))) {
        return j.fail('ACT-FEED-EVERY-FINISHED-ORDER', `the feed answered ${ex.status}`, { expected: 'status 200 with an array', actual: brief(ex), exchange: ex });
      }
      if (whole && !whole.startSeen) {
        return j.fail('ACT-FEED-IMMUTABLE', `the event ${s.starts[tenant]}, the end of ${TENANT_NAMES[tenant]}'s feed when the sequence started, is no longer in the feed`, { expected: `the feed still holds ${s.starts[tenant]}`, actual: `${whole.events.length} events after it: none`, exchange: ex });
      }
      const got = whole ? whole.events : (ex.body as any[]).map(toEv);
      if (sinceEvent !== undefined && got.some((e) => e.event === sinceEvent)) {
        return j.fail('ACT-FEED-SINCE-EXCLUSIVE', `the feed since ${sinceEvent} includes that event`, { expected: `only events after ${sinceEvent}`, actual: got.map((e) => e.event).join(', '), exchange: ex });
      }
      const after = sinceIndex + 1;
      const expectedStart = known.slice(after);
      const prefixOk = expectedStart.every((e, k) => got[k]?.json === e.json);
      const sinceKey = sinceEvent ?? '';
      const answeredBefore = s.answered[tenant].get(sinceKey) ?? new Set<string>();
      if (!prefixOk) {
        const missing = expectedStart.filter((e) => !got.some((g) => g.event === e.event)).map((e) => e.event);
        // The feed changed: an event reads otherwise, or one the same read answered before is gone. Otherwise the
        // read since an event leaves out what later reads showed after it.
        const changed = sinceEvent === undefined || expectedStart.some((e) => got.some((g) => g.event === e.event && g.json !== e.json)) || missing.some((id) => answeredBefore.has(id));
        const rule = changed ? 'ACT-FEED-IMMUTABLE' : got.some((e) => e.event === sinceEvent) ? 'ACT-FEED-SINCE-EXCLUSIVE' : 'ACT-FEED-SINCE-RETURNS-ALL-LATER';
        return j.fail(rule, sinceEvent === undefined ? 'a read of the whole feed does not extend an earlier read' : `the feed since ${sinceEvent} does not start with the events read after it before`, {
          expected: `starts with ${expectedStart.map((e) => e.event).join(', ')}`,
          actual: `${got.map((e) => e.event).join(', ') || '[]'}${missing.length ? ` (missing ${missing.join(', ')})` : ''}`,
          exchange: ex,
        });
      }
      s.answered[tenant].set(sinceKey, new Set([...answeredBefore, ...got.map((e) => e.event)]));
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
          // Another check of the run placed it (checks overlap): that check judges it, but it must be this provider's.
          const placer = j.createdByRun?.(e.path);
          if (placer === (tenant === 0 ? 'A' : 'B')) continue;
          const rule = s.orders.some((x) => x.path === e.path && x.tenant !== tenant) || placer ? 'ACT-TENANCY' : 'ACT-FEED-ONLY-RECEIVED-ORDERS';
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
        if (o.message !== undefined && raw?.order?.message !== o.message) j.fail('ACT-FEED-FIELDS-AS-ORDER', `the event of order #${o.n} has the message ${JSON.stringify(raw?.order?.message)}, the order ${JSON.stringify(o.message)}`, { expected: o.message, actual: raw?.order?.message, exchange: ex });
        o.eventMessage ??= raw?.order?.message;
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

/**
 * A feed read; with since, the event `back` places before the end of what the tenant has read since the start (the
 * since event is fixed now), or the start event when nothing was read after it yet.
 */
const feedAction = (s: ActivationState, tenant: Tenant, back: number | 'none' | 'start') => {
  const known = s.feeds[tenant];
  const start = s.starts[tenant];
  if (back === 'none' || ((back === 'start' || !known.length) && start === undefined)) return readFeedAction(tenant, 'none', undefined, -1, start);
  if (back === 'start' || !known.length) return readFeedAction(tenant, back, start, -1, start);
  const index = Math.max(0, known.length - 1 - back);
  return readFeedAction(tenant, back, known[index].event, index, start);
};

/**
 * In a certify check, each order waited for grows its budget by the profile's finishSeconds: a server that keeps to
 * what it declares is judged whatever its worker's rhythm, also when a check waits for several orders in turn.
 */
function allowFinishing(env: Env, orders: number): void {
  for (let i = 0; i < orders; i++) env.check?.clock.allow(Number(env.profile.finishSeconds ?? 5) * 1000);
}

/** Moves the clock by the profile's finishSeconds (or waits that long) and reads every RECEIVED order until it is finished. */
function finishAction(accesses: string[], open: number): Action<ActivationState> {
  let reads: Array<{ path: string; obs: Obs }> = [];
  let views: Record<string, Exclude<Active, 'unknown'>> = {};
  return {
    label: 'clock: advance finishSeconds, then read every RECEIVED order until it has finished',
    async send(env) {
      reads = [];
      const seconds = Number(env.profile.finishSeconds ?? 5);
      const step = currentStep(env);
      if (env.clock.controllable) await advance(env, step, seconds);
      allowFinishing(env, open);
      const placed = new Map<string, Tenant>();
      for (const t of env.transcript) if (t.exchange?.status === 201 && t.exchange.method === 'POST') placed.set(pathOf(String(t.exchange.body?.path)), t.tenant ?? 0);
      // Once its time has come an order gets --timeout to be seen finished (more real time without a test clock).
      const deadline = Date.now() + env.timeoutMs + (env.clock.controllable ? 0 : seconds * 1000);
      // Each order followed on its own, all at once (reads change nothing).
      const followed = await Promise.all(
        [...placed].map(async ([path, tenant]) => {
          const mine: Array<{ path: string; obs: Obs }> = [];
          for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
            const obs = await observe(env, step, tenant, (c) => c.get(path, { skipSchema: true }));
            mine.push({ path, obs });
            if (obs.ex.status !== 200 || obs.ex.body?.state !== 'RECEIVED' || Date.now() > deadline) break;
            await new Promise((r) => setTimeout(r, delay));
          }
          return mine;
        }),
      );
      reads = followed.flat();
      // Keep in the replay only the last read of each order.
      env.transcript = env.transcript.filter((t) => t.step !== step || t.advanceSeconds !== undefined || reads.some((r) => r.obs.ex === t.exchange && reads.filter((x) => x.path === r.path).at(-1) === r));
      views = Object.fromEntries(await Promise.all(accesses.map(async (a) => [a, await readAccess(env, a)] as const)));
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
        // The orders since the access was last known: some serial order of their outcomes must explain what is active now.
        const since = s.orders.filter((o) => o.access === access && o.placedAt > (s.synced[access] ?? 0));
        if (since.length && since.length <= 3 && since[0].before !== 'unknown' && !explains(since, since[0].before, views[access])) {
          const tenants = new Set(since.filter((o) => o.operation === 'ACTIVATE').map((o) => o.tenant));
          const services = new Set(since.filter((o) => o.operation === 'ACTIVATE').map((o) => o.service));
          const rule = tenants.size > 1 ? 'ACT-ORDER-TYPE-CLAIMED' : services.size > 1 ? 'ACT-ORDER-SAME-TYPE-ACTIVE' : 'ACT-ACCESS-ACTIVE';
          const what = since.map((o) => `#${o.n} ${TENANT_NAMES[o.tenant]} ${o.operation} ${o.service}: ${o.state}`).join(', ');
          j.fail(rule, `no serial order of ${what} explains the active lists at ${access}, which show ${views[access] ? `${TENANT_NAMES[views[access]!.tenant]} with ${views[access]!.service}` : 'no test service'}`, { expected: `what the successful orders leave active, each legal when it was carried out (before: ${JSON.stringify(since[0].before)})`, actual: views[access] });
        }
        s.active[access] = views[access];
        s.synced[access] = ++s.tick;
      }
    },
  };
}

function* orders<T>(xs: T[], prefix: T[] = []): Generator<T[]> {
  if (!xs.length) return yield prefix;
  for (let i = 0; i < xs.length; i++) yield* orders([...xs.slice(0, i), ...xs.slice(i + 1)], [...prefix, xs[i]]);
}

/** Whether the finished orders, carried out one after the other in some order, leave `now` active: each success legal then. */
function explains(done: AOrder[], before: Exclude<Active, 'unknown'>, now: Exclude<Active, 'unknown'>): boolean {
  for (const order of orders(done)) {
    let active = before;
    let legal = true;
    for (const o of order) {
      if (o.state !== 'DONE_SUCCESS') continue;
      if (o.operation === 'DEACTIVATE') {
        if (active && active.tenant === o.tenant && active.service === o.service) active = null;
      } else if (!active || (active.tenant === o.tenant && active.service === o.service)) active = { tenant: o.tenant, service: o.service };
      else legal = false;
    }
    if (legal && JSON.stringify(active) === JSON.stringify(now)) return true;
  }
  return false;
}

/**
 * Moves the clock by finishSeconds (or waits that long) and follows the feed as a reader would: each read since
 * the last event read, the open orders read between the feed reads, until every order has been seen finished and
 * a feed read has started after that. A position taken before its event commits is passed over by the chain.
 */
function followAction(s: ActivationState, tenant: Tenant): Action<ActivationState> {
  const open = s.orders.filter((o) => o.tenant === tenant && o.state === 'RECEIVED').map((o) => o.path);
  const start = s.feeds[tenant].at(-1)?.event ?? s.starts[tenant];
  let seen: Array<{ path?: string; since?: string; obs: Obs }> = [];
  return {
    label: label(tenant, 'clock: advance finishSeconds, then follow the feed by since (reading the open orders in between) until every order has finished'),
    tenant,
    async send(env) {
      seen = [];
      const seconds = Number(env.profile.finishSeconds ?? 5);
      const step = currentStep(env);
      if (env.clock.controllable) await advance(env, step, seconds);
      allowFinishing(env, open.length);
      const deadline = Date.now() + env.timeoutMs + (env.clock.controllable ? 0 : seconds * 1000);
      let since = start;
      let waiting = [...open];
      for (let last = false; ; ) {
        const obs = await observe(env, step, tenant, (c) => c.get(`${ROOT}/orderevents/`, { query: { since } }));
        seen.push({ since, obs });
        if (obs.ex.status !== 200 || !Array.isArray(obs.ex.body) || last) return undefined;
        since = obs.ex.body.at(-1)?.event ?? since;
        for (const path of waiting) {
          const read = await observe(env, step, tenant, (c) => c.get(path));
          seen.push({ path, obs: read });
          if (read.ex.status !== 200) return undefined;
        }
        waiting = waiting.filter((p) => [...seen].reverse().find((x) => x.path === p)?.obs.ex.body?.state === 'RECEIVED');
        last = !waiting.length || Date.now() > deadline;
        if (!last) await new Promise((r) => setTimeout(r, 10));
      }
    },
    judge(s, _obs, j) {
      for (const x of seen) {
        if (x.path) {
          const o = s.orders.find((y) => y.path === x.path)!;
          judgeRead(j, s, o, x.obs);
          continue;
        }
        const index = x.since === undefined ? -1 : s.feeds[tenant].findIndex((e) => e.event === x.since);
        readFeedAction(tenant, x.since === undefined ? 'none' : 0, x.since, index, s.starts[tenant]).judge(s, x.obs, j);
      }
      const late = s.orders.find((o) => open.includes(o.path) && o.state === 'RECEIVED');
      const last = [...seen].reverse().find((x) => x.path === late?.path);
      if (late && last) j.fail('ACT-ORDER-RECEIVED-POLLABLE', `order #${late.n} is still RECEIVED after finishSeconds`, { expected: 'DONE_SUCCESS or DONE_FAILED', actual: brief(last.obs.ex), exchange: last.obs.ex });
    },
  };
}

/** Reads each of the given orders by its provider and, with `foreign`, by the other one (who must get 404). */
function readAllAction(targets: Array<{ path: string; owner: Tenant }>, foreign: boolean): Action<ActivationState> {
  let reads: Array<{ path: string; tenant: Tenant; obs: Obs }> = [];
  return {
    label: `read every order placed (${targets.length}) by its provider${foreign ? ' and by the other one' : ''}`,
    async send(env) {
      // Reads change nothing: all sent at once (judged in the order listed), so that a case costs one round trip here.
      const step = currentStep(env);
      const pairs = targets.flatMap(({ path, owner }) => ((foreign ? [owner, 1 - owner] : [owner]) as Tenant[]).map((tenant) => ({ path, tenant })));
      reads = await Promise.all(pairs.map(async ({ path, tenant }) => ({ path, tenant, obs: await observe(env, step, tenant, (c) => c.get(path)) })));
      return undefined;
    },
    judge(s, _obs, j) {
      for (const r of reads) {
        const o = s.orders.find((x) => x.path === r.path)!;
        if (r.tenant === o.tenant) judgeRead(j, s, o, r.obs);
        else if (r.obs.ex.status !== 404) j.fail('ACT-TENANCY', `${TENANT_NAMES[r.tenant]} reading ${TENANT_NAMES[o.tenant]}'s order #${o.n} answered ${r.obs.ex.status}`, { expected: 'status 404', actual: brief(r.obs.ex), exchange: r.obs.ex });
      }
    },
  };
}

// ---- the kinds of step, each a plain function of its parameters (explore draws them, the sweep lists them) ----

type Step = StepSpec<ActivationState>;

/** An order by a tenant: accesses[a] (2: the failingAccess), services[sv] (0: service, 1: sameTypeService). */
export const placeStep = (tenant: Tenant, a: number, sv: number, op: Op, extra: Extra = {}): Step => ({
  name: `${op}${extra.what ? ` with ${extra.what}` : ''}`,
  make: (s) => (s.accesses[a] ? [placeAction(s, tenant, s.accesses[a], s.services[sv], op, extra)] : undefined),
});
/** The latest order's service at its access again, same or other operation (a client retrying, or changing its mind). */
export const againStep = (op: Op, extra: Extra = {}): Step => ({
  name: `${op} again${extra.what ? ` with ${extra.what}` : ''}`,
  make: (s) => {
    const last = s.orders.at(-1);
    return last ? [placeAction(s, last.tenant, last.access, last.service, op, extra)] : undefined;
  },
});
/** A feed read: without since, since the event `back` places before the end of what is known, or since the start. */
export const feedStep = (tenant: Tenant, back: number | 'none' | 'start'): Step => ({ name: 'read feed', make: (s) => [feedAction(s, tenant, back)] });
/** Order number i (mostly one of the two latest: their state is the one still changing), by its owner or the other tenant. */
export const readStep = (i: number, foreign: boolean): Step => ({
  name: 'read order',
  make(s) {
    if (!s.orders.length) return undefined;
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
});
export const readAllStep = (foreign = true): Step => ({
  name: 'read every order',
  make: (s) => [readAllAction(s.orders.map((o) => ({ path: o.path, owner: o.tenant })), foreign)],
});
/** A since no event ever had: an error, never 200 [] (which would let a reader miss events silently). */
export const unknownSinceStep = (tenant: Tenant): Step => ({
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
});
/** Time passes (a minute, an hour, a day): nothing finished may change because of it. Only with a test clock. */
export const timeStep = (seconds: number): Step => ({
  name: 'time passes',
  make: (_s, env) => (env.clock.controllable ? [{ label: `clock: advance ${seconds} s`, send: (env) => advance(env, currentStep(env), seconds).then(() => undefined), judge() {} }] : undefined),
});
/** Finishes every open order, then reads the active lists of the accesses whose state the model no longer knows. */
/**
 * Time passes as far as a test clock can move it: a sweep case re-reads final states later with one, and judges
 * them once without one (the step then moves nothing and says so).
 */
export const laterStep = (seconds: number): Step => ({
  name: 'time passes',
  make: (_s, env) => [
    env.clock.controllable
      ? { label: `clock: advance ${seconds} s`, send: (env) => advance(env, currentStep(env), seconds).then(() => undefined), judge() {} }
      : { label: `no test clock: the clock is not advanced by ${seconds} s`, send: async () => undefined, judge() {} },
  ],
});
export const finishStep = (): Step => ({ name: 'finish', make: (s) => [finishAction(s.accesses.filter((a) => s.active[a] === 'unknown'), s.orders.filter((o) => o.state === 'RECEIVED').length)] });
export const followStep = (tenant: Tenant): Step => ({ name: 'follow the feed while orders finish', make: (s) => [followAction(s, tenant)] });
/** Several steps' actions sent at the same moment: some serial order of them must explain every answer. */
export const atOnce = (...steps: Step[]): Step => ({
  name: steps.map((x) => x.name).join(' || '),
  make(s, env) {
    const actions = steps.map((x) => x.make(s, env));
    return actions.every((a) => a?.length) ? actions.flatMap((a) => a!) : undefined;
  },
});

// ---- explore's generators ----

const tenantArb = fc.constantFrom<Tenant>(0, 0, 0, 1);
const opArb = fc.constantFrom<Op>('ACTIVATE', 'ACTIVATE', 'DEACTIVATE');
const steps = (clock: boolean): fc.Arbitrary<Step>[] => [
  fc.tuple(tenantArb, fc.nat(1), fc.nat(1), opArb).map(([t, a, sv, op]) => placeStep(t, a, sv, op)),
  fc.constantFrom<Op>('ACTIVATE', 'DEACTIVATE').map((op) => againStep(op)),
  // A retry of the latest order with another spReference: the same intent in another body.
  fc.constantFrom<Op>('ACTIVATE', 'DEACTIVATE').map((op) => againStep(op, { body: { spReference: `retry-${op}` }, what: 'another spReference' })),
  ...[1, 2, 3].map(() => fc.tuple(tenantArb, fc.constantFrom<'none' | number>('none', 0, 1, 1, 2)).map(([t, back]) => feedStep(t, back))),
  ...[1, 2].map(() => fc.tuple(fc.nat(), fc.constantFrom(false, false, true)).map(([i, foreign]) => readStep(i, foreign))),
  fc.constant(finishStep()),
  fc.constant(finishStep()),
  tenantArb.map((t) => followStep(t)),
  ...[1, 2, 3].map(() =>
    fc.tuple(fc.constantFrom('readers', 'place+read', 'two places', 'two places', 'two tenants'), fc.nat(1), fc.nat(1), fc.constantFrom<Op>('ACTIVATE', 'DEACTIVATE')).map(([kind, a, sv, op]) =>
      kind === 'readers'
        ? atOnce(feedStep(0, 'none'), feedStep(0, 0))
        : kind === 'place+read'
          ? atOnce(placeStep(0, a, sv, op), feedStep(0, 'none'))
          : kind === 'two tenants'
            ? atOnce(placeStep(0, a, sv, op), placeStep(1, a, sv, op))
            : atOnce(placeStep(0, 0, sv, op), placeStep(0, 1, sv, op)),
    ),
  ),
  ...(clock ? [fc.oneof(fc.integer({ min: 61, max: 600 }), fc.constantFrom(3600, 86_400)).map((seconds) => timeStep(seconds))] : []),
  fc.constantFrom<Tenant>(0, 1).map((t) => unknownSinceStep(t)),
];

async function readAccess(env: Env, access: string): Promise<Exclude<Active, 'unknown'>> {
  // Both providers' views at once (reads change nothing); A's first.
  const views = await Promise.all(([0, 1] as Tenant[]).map((t) => env.clients[t].get(`${ROOT}/accesses/${encodeURIComponent(access)}`, { skipSchema: true })));
  for (const t of [0, 1] as Tenant[]) {
    const ex = views[t];
    if (ex.status !== 200) throw new Error(`GET accesses/${access} as ${TENANT_NAMES[t]} answered ${ex.status}`);
    const mine = (ex.body?.active ?? []).find((a: any) => [env.profile.service, env.profile.sameTypeService].includes(a?.service));
    if (mine) return { tenant: t, service: mine.service };
  }
  return null;
}

/** Reads orders until they have finished (moving the clock once first); never judged. Whether every one has. */
async function settle(env: Env, orders: Array<{ tenant: Tenant; path: string }>): Promise<boolean> {
  if (!orders.length) return true;
  if (env.clock.controllable) await advance(env, -1, Number(env.profile.finishSeconds ?? 5));
  const deadline = Date.now() + env.timeoutMs + (env.clock.controllable ? 0 : Number(env.profile.finishSeconds ?? 5) * 1000);
  let finished = 0;
  for (const o of orders) {
    while (Date.now() < deadline) {
      const ex = await env.clients[o.tenant].get(o.path, { skipSchema: true });
      if (ex.status !== 200 || ex.body?.state !== 'RECEIVED') {
        finished++;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return finished === orders.length;
}

/**
 * Deactivates the test services either provider has active at an access (as the hand-written checks' set-up does),
 * so that a sequence starts from a known state, and says what is active after (null unless a DEACTIVATE failed).
 */
async function clean(env: Env, access: string): Promise<Exclude<Active, 'unknown'>> {
  const tests = [env.profile.service, env.profile.sameTypeService];
  for (let round = 0; round < 3; round++) {
    const open: Array<{ tenant: Tenant; path: string }> = [];
    let listed = 0;
    for (const tenant of [0, 1] as Tenant[]) {
      const ex = await env.clients[tenant].get(`${ROOT}/accesses/${encodeURIComponent(access)}`, { skipSchema: true });
      if (ex.status !== 200) throw new Error(`GET accesses/${access} as ${TENANT_NAMES[tenant]} answered ${ex.status}`);
      for (const service of (ex.body?.active ?? []).map((x: any) => x?.service).filter((x: string) => tests.includes(x))) {
        listed++;
        const d = await env.clients[tenant].post(`${ROOT}/orders/`, { accessId: access, service, operation: 'DEACTIVATE' }, { skipSchema: true });
        if ((d.status === 200 || d.status === 201) && d.body?.path) open.push({ tenant, path: pathOf(String(d.body.path)) });
      }
    }
    if (!listed) return null;
    await settle(env, open);
  }
  return readAccess(env, access);
}

/** A tenant's last event now: through the check's mark (shared by the run) in certify, read item by item in explore. */
async function feedEnd(env: Env, t: Tenant): Promise<string | undefined> {
  if (env.check) return mark(env.check, env.clients[t]);
  let last: string | undefined;
  const ex = await env.clients[t].get(`${ROOT}/orderevents/`, { skipSchema: true, onItem: (e) => (last = String(e?.event)) });
  if (ex.status !== 200) throw new Error(`reading the feed as ${TENANT_NAMES[t]} answered ${ex.status}`);
  return last;
}

export const activationModel: ExploreModel<ActivationState> = {
  api: 'activation',
  maxSteps: 12,
  steps: ({ clock }) => steps(clock),
  async init(env) {
    // Accesses are taken as the hand-written checks take them, so that checks running side by side never share one.
    const pool: string[] = env.profile.accesses;
    const take = async () => (env.check ? takeAccess(env.check) : nextAccess(pool));
    // A failing access is shared by every check that uses one: a sweep case takes one (cleans and uses it) only when the
    // runner let it have one to itself ('failingAccess' among its uses, or running alone in its API).
    const failing = env.check ? (env.alone ? [await takeFailingAccess(env.check)].filter((a): a is string => !!a) : []) : failingAccesses(env.profile).slice(0, 1);
    const accesses = [await take(), await take(), ...failing];
    // Checks overlap in certify: the feed holds other checks' orders too (each judged by its own check).
    if (env.check) env.createdByRun = (path) => ordersOfTheRun(env.check!.memo).get(path);
    const active: Record<string, Active> = {};
    // Each access cleaned on its own, all at once.
    const cleaned = await Promise.all(accesses.map((a) => clean(env, a)));
    accesses.forEach((a, i) => (active[a] = cleaned[i]));
    const starts = (await Promise.all([feedEnd(env, 0), feedEnd(env, 1)])) as [string | undefined, string | undefined];
    return { accesses, services: [env.profile.service, env.profile.sameTypeService], active, orders: [], feeds: [[], []], starts, answered: [new Map(), new Map()], tick: 0, synced: {}, suspects: [] };
  },
  async cleanup(env, s) {
    const settled = await settle(env, s.orders.filter((o) => o.state === 'RECEIVED'));
    // In certify, a case run again (races) takes fresh accesses: those it is done with go back to the pool.
    if (settled && env.check) for (const a of s.accesses) giveBackAccess(env.check, a);
  },
};
