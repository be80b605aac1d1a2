/** Steps the activation checks share: picking and cleaning a test access, placing orders, waiting, reading the feed. */
import { excerpt } from '../framework/excerpt.js';
import type { CheckContext } from '../framework/check.js';
import type { ApiClient } from '../framework/http.js';
import type { Exchange, TenantLabel } from '../framework/types.js';
import { CheckAborted, NotRun } from '../framework/violation.js';

export const ROOT = '/api/2.3.1';
export const ORDERS = `${ROOT}/orders/`;
export const EVENTS = `${ROOT}/orderevents/`;

export interface OrderBody {
  path?: string;
  accessId: string;
  service: string;
  operation: 'ACTIVATE' | 'DEACTIVATE';
  state: 'RECEIVED' | 'DONE_SUCCESS' | 'DONE_FAILED';
  message: string;
}
export interface EventBody {
  event: string;
  order: Required<OrderBody>;
}

export interface Profile {
  accesses: string[];
  service: string;
  sameTypeService: string;
  failingAccess?: string;
  /** Further accesses like failingAccess: checks that order at a failing access each take one, so more run at once. */
  moreFailingAccesses?: string[];
  finishSeconds: number;
  slowAccess?: string;
  slowFinishSeconds?: number;
}

export function profileOf(t: CheckContext): Profile {
  const p = t.profile;
  if (!Array.isArray(p.accesses) || p.accesses.length === 0 || typeof p.service !== 'string' || typeof p.sameTypeService !== 'string') {
    throw new NotRun('the profile section "activation" needs accesses (a list), service and sameTypeService', 'give activation.accesses, activation.service and activation.sameTypeService');
  }
  return { ...p, finishSeconds: Number(p.finishSeconds ?? 5) } as Profile;
}

let cursor = 0;

const activateBody = (accessId: string, service: string, extra: Record<string, unknown> = {}) => ({
  accessId,
  service,
  operation: 'ACTIVATE',
  forcedTakeover: false,
  ...extra,
});
const deactivateBody = (accessId: string, service: string) => ({ accessId, service, operation: 'DEACTIVATE' });
export { activateBody, deactivateBody };

/**
 * Real time an order may take to finish once the server's clock says it is due (a worker may wake on real time): what
 * is left of the check's budget (--timeout, grown by the profile's finish time for every order waited for, and by its
 * real-time waits) but a moment to report in. No other bound: a server that keeps to its profile is never failed for
 * slowness.
 */
function finishWindowMs(t: CheckContext): number {
  const left = t.deadline();
  return Math.max(0, left - Math.min(1000, left / 10));
}

/** The finish time the profile declares for an order: its key, for messages and remedies, and its seconds. */
export interface Declared {
  key: 'finishSeconds' | 'slowFinishSeconds';
  seconds: number;
}

/**
 * Reads an order until it is DONE_* (advancing a controllable clock by `seconds`, the profile's finishSeconds unless
 * said otherwise, first). The check's budget grows by the declared finish time: an order that keeps to it is judged
 * whatever --timeout. `judged`: finishing is what the check is about, so an order that does not finish fails its
 * rule; otherwise the wait is a set-up step and running out of time makes the check "not judged".
 */
export async function waitDone(
  t: CheckContext,
  client: ApiClient,
  path: string,
  judged = false,
  seconds = profileOf(t).finishSeconds,
  declared: Declared = { key: 'finishSeconds', seconds: profileOf(t).finishSeconds },
): Promise<OrderBody> {
  t.clock.allow(declared.seconds * 1000);
  if (t.clock.controllable) await t.clock.advance(seconds);
  return pollDone(t, client, path, judged, declared);
}

/**
 * Several orders placed together, waited for with one step of a controllable clock: moving it again for each
 * order would let a slow server finish them seconds of server time apart, and the orders would no longer finish
 * "together". A set-up step: an order that does not finish makes the check "not judged".
 */
export async function waitAllDone(t: CheckContext, client: ApiClient, paths: string[]): Promise<OrderBody[]> {
  const { finishSeconds } = profileOf(t);
  const declared: Declared = { key: 'finishSeconds', seconds: finishSeconds };
  for (const _ of paths) t.clock.allow(finishSeconds * 1000);
  if (t.clock.controllable) await t.clock.advance(finishSeconds);
  // Each order followed on its own, all at once (reads change nothing).
  return t.together(paths.map((p) => t.prerequisite(`waiting for ${p} to finish`, () => pollDone(t, client, p, false, declared))));
}

/** Reads an order until it is DONE_*, without moving the clock; `declared` names the finish time it was given. */
async function pollDone(t: CheckContext, client: ApiClient, path: string, judged: boolean, declared: Declared): Promise<OrderBody> {
  const started = Date.now();
  const giveUp = (message: string, remedy: string, detail: { expected: string; actual: unknown; exchange: Exchange }): never => {
    if (judged) t.fail(message, detail);
    throw new NotRun(`${message} (expected ${detail.expected}, got ${JSON.stringify(detail.actual)})`, remedy);
  };
  const deadline = Date.now() + finishWindowMs(t);
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const ex = await client.get(path);
    if (ex.status !== 200) {
      giveUp(`GET ${path} answered ${ex.status} while waiting for the order to finish`, 'make reading an order in progress answer 200 (ACT-ORDER-GET)', { expected: 'status 200', actual: ex.status, exchange: ex });
    }
    if (ex.body.state !== 'RECEIVED') return ex.body as OrderBody;
    if (Date.now() + delay > deadline) {
      const waited = Math.round((Date.now() - started) / 1000);
      giveUp(
        `order ${path} took longer than the profile's ${declared.key} (${declared.seconds} s): still RECEIVED after ${waited} s of waiting${t.clock.controllable ? ` and the test clock moved ${declared.key} on` : ''}`,
        `declare in activation.${declared.key} the time your server really takes to finish an order (more than ${declared.seconds} s), or give a longer --timeout`,
        { expected: 'DONE_SUCCESS or DONE_FAILED', actual: ex.body.state, exchange: ex },
      );
    }
    await t.sleep(delay);
  }
}

/** Lets an order the check has judged already finish, so that its access is free again; never judges anything. */
export async function settle(t: CheckContext, client: ApiClient, path: string): Promise<void> {
  try {
    await waitDone(t, client, path);
  } catch (err) {
    if (!(err instanceof NotRun)) throw err;
    t.note(`order ${path} had not finished when the check ended`);
  }
}

/**
 * Makes sure neither test provider has `service` or `sameTypeService` active at the access: DEACTIVATE until the
 * answer is "nothing to do" (which also finds an order still in progress). When no answer says so in a form the
 * set-up can read, the access's list of the provider's active services decides instead: that answer is
 * ACT-ORDER-NOTHING-TO-DO's to judge, and a set-up that depended on it would leave the rule, and every check, unjudged.
 */
async function clean(t: CheckContext, accessId: string): Promise<void> {
  const { service, sameTypeService } = profileOf(t);
  for (const client of [t.alpha, t.beta]) {
    for (const svc of [service, sameTypeService]) {
      let unread = '';
      for (let attempt = 0; attempt < 5; attempt++) {
        // The answer's shape is judged by the checks that send it on purpose, not by a set-up.
        const ex = await client.post(ORDERS, deactivateBody(accessId, svc), { skipSchema: true });
        unread = `DEACTIVATE ${svc} at ${accessId} answered ${ex.status}: ${excerpt(ex.text, 200)}`;
        if (ex.status >= 200 && ex.status < 300 && ex.body?.state === 'DONE_SUCCESS' && !ex.body.path) {
          unread = '';
          break;
        }
        if (!((ex.status === 200 || ex.status === 201) && ex.body?.path)) break;
        await waitDone(t, client, ex.body.path);
      }
      if (!unread) continue;
      const active = await activeAt(client, accessId);
      if (!active || active.includes(svc)) throw new Error(`could not deactivate ${svc} at ${accessId}; the last ${unread}`);
    }
  }
}

/** The services the access lists as the caller's active ones; undefined when the access cannot be read. */
async function activeAt(client: ApiClient, accessId: string): Promise<string[] | undefined> {
  const ex = await client.get(`${ROOT}/accesses/${accessId}`, { skipSchema: true });
  if (ex.status !== 200 || !Array.isArray(ex.body?.active)) return undefined;
  return ex.body.active.map((a: { service?: string }) => a?.service);
}

/**
 * Has `service` active at the access for the client, as a prerequisite: an ACTIVATE that succeeds, or one answered
 * "nothing to do" while the access lists the service active (the check then judges what follows, not this answer).
 */
export async function ensureActive(t: CheckContext, client: ApiClient, accessId: string, service: string): Promise<void> {
  await t.prerequisite(`activating ${service} at ${accessId}`, async () => {
    const ex = await client.post(ORDERS, activateBody(accessId, service));
    if ((ex.status === 200 || ex.status === 201) && ex.body?.path) {
      const done = await waitDone(t, client, ex.body.path);
      if (done.state !== 'DONE_SUCCESS') throw new Error(`the ACTIVATE ended ${done.state}`);
      return;
    }
    if (ex.status >= 200 && ex.status < 300 && (await activeAt(client, accessId))?.includes(service)) return;
    throw new Error(`ACTIVATE answered ${ex.status}: ${excerpt(ex.text, 200)}`);
  });
}

/** Accesses of the pool held by a check in flight (by server and access): released when the runner ends that check. */
const holders = new Map<string, AbortSignal>();
const released: Array<() => void> = [];
/** Checks that hold accesses and wait for one more. */
const waitingHolders = new Set<AbortSignal>();

const accessKey = (t: CheckContext, id: string) => `${t.alpha.baseUrl} ${id}`;
const wakeWaiters = () => {
  for (const wake of released.splice(0)) wake();
};

/**
 * An access of the pool no other check in flight holds, so that overlapping checks never share one (taken at the
 * start of a check: a clock move may be made while it waits, see `waitForOthers`). When every
 * access is held, a check waits for one to be free; only when every check holding accesses waits for one more (a
 * profile with fewer accesses than overlapping checks need) does the last of them take the next in turn, as one run
 * after another would, so that no two checks ever wait for each other for good.
 */
async function leaseAccess(t: CheckContext, accesses: string[]): Promise<string> {
  for (;;) {
    if (t.signal.aborted) throw new CheckAborted();
    for (let tried = 0; tried < accesses.length; tried++) {
      const id = accesses[cursor++ % accesses.length];
      const key = accessKey(t, id);
      if (holders.has(key)) continue;
      holders.set(key, t.signal);
      t.signal.addEventListener(
        'abort',
        () => {
          if (holders.get(key) !== t.signal) return;
          holders.delete(key);
          wakeWaiters();
        },
        { once: true },
      );
      return id;
    }
    const holding = new Set(holders.values());
    if (holding.has(t.signal) && [...holding].every((h) => h === t.signal || waitingHolders.has(h))) return accesses[cursor++ % accesses.length];
    if (holding.has(t.signal)) waitingHolders.add(t.signal);
    try {
      await t.waitForOthers(
        () =>
          new Promise<void>((resolve) => {
            released.push(resolve);
            t.signal.addEventListener('abort', () => resolve(), { once: true });
          }),
      );
    } finally {
      waitingHolders.delete(t.signal);
    }
  }
}

/** Gives an access back to the pool before the check ends (its orders there have finished): another check may take it. */
export function giveBackAccess(t: CheckContext, id: string): void {
  const key = accessKey(t, id);
  if (holders.get(key) !== t.signal) return;
  holders.delete(key);
  wakeWaiters();
}

/** The profile's failing accesses: failingAccess, then moreFailingAccesses (none without failingAccess). */
export function failingAccesses(profile: Record<string, unknown>): string[] {
  if (typeof profile.failingAccess !== 'string') return [];
  const more = Array.isArray(profile.moreFailingAccesses) ? profile.moreFailingAccesses.filter((a): a is string => typeof a === 'string') : [];
  return [...new Set([profile.failingAccess, ...more])];
}

/**
 * A failing access no other check in flight holds (undefined when the profile names none). The runner starts no more
 * checks that use 'failingAccess' at once than there are failing accesses, so one is always free.
 */
export async function takeFailingAccess(t: CheckContext): Promise<string | undefined> {
  const pool = failingAccesses(t.profile);
  return pool.length ? leaseAccess(t, pool) : undefined;
}

/** The next access of the pool in turn, for `explore`'s sequences (one at a time, no check to hold it). */
export const nextAccess = (accesses: string[]) => accesses[cursor++ % accesses.length];

/** An access of the pool that no other check in flight holds, for the check (a sweep case takes its accesses here). */
export const takeAccess = (t: CheckContext) => leaseAccess(t, profileOf(t).accesses);

/** An access of the profile's pool that no other check in flight uses, with the test services inactive for both providers. */
export async function freshAccess(t: CheckContext): Promise<string> {
  const { accesses } = profileOf(t);
  return cleanAccess(t, await leaseAccess(t, accesses));
}

/** A named access (e.g. the profile's slowAccess), with the test services inactive for both providers. */
export async function cleanAccess(t: CheckContext, accessId: string): Promise<string> {
  await t.prerequisite(`cleaning test access ${accessId}`, () => clean(t, accessId));
  return accessId;
}

/** Places an ACTIVATE or DEACTIVATE that must be received (201), as a prerequisite. */
export async function placeReceived(t: CheckContext, client: ApiClient, body: Record<string, unknown>): Promise<{ exchange: Exchange; order: OrderBody }> {
  return t.prerequisite(`placing ${body.operation} of ${body.service} at ${body.accessId}`, async () => {
    const ex = await client.post(ORDERS, body);
    if (ex.status !== 201 || !ex.body?.path) throw new Error(`expected 201 with a path, got ${ex.status}: ${excerpt(ex.text, 200)}`);
    return { exchange: ex, order: ex.body as OrderBody };
  });
}

/**
 * Places an order and waits until it is finished; returns its path and final state. `meanwhile` runs once the
 * order is received (e.g. a read while it is in progress, which a server that caches the answer must not keep).
 */
export async function finish(t: CheckContext, client: ApiClient, body: Record<string, unknown>, meanwhile?: (order: OrderBody & { path: string }) => Promise<unknown>): Promise<OrderBody & { path: string }> {
  const { order } = await placeReceived(t, client, body);
  await meanwhile?.(order as OrderBody & { path: string });
  const done = await t.prerequisite(`waiting for ${order.path} to finish`, () => waitDone(t, client, order.path!));
  return { ...done, path: order.path! };
}

/**
 * Reads the feed as one provider, item by item: `visit` sees each event as it arrives (checked against the spec's
 * schema unless skipSchema) and the suite keeps nothing else, so a feed of any length is read in bounded memory
 * ("no since" answers every event there is). The answer must be 200 with an array.
 */
export async function scanFeed(
  t: CheckContext,
  client: ApiClient,
  since: string | undefined,
  visit: (event: EventBody, index: number) => void,
  options: { skipSchema?: boolean } = {},
): Promise<{ exchange: Exchange; count: number }> {
  let count = 0;
  const ex = await client.get(EVENTS, {
    query: { since },
    skipSchema: options.skipSchema,
    onItem: (item, index) => {
      count++;
      visit(item as EventBody, index);
    },
  });
  t.expectStatus(ex, 200, `GET orderevents/${since ? `?since=${since}` : ''}`);
  const list = Array.isArray(ex.body) || (!!ex.cut && /json/i.test(ex.headers['content-type'] ?? ''));
  t.expect(list, 'the feed must be a JSON array', { expected: 'an array', actual: excerpt(ex.text, 200), exchange: ex });
  return { exchange: ex, count };
}

/** Reads the feed as one provider and keeps every event: for reads after a mark, which hold what the check made. */
export async function readFeed(t: CheckContext, client: ApiClient, since?: string, options: { skipSchema?: boolean } = {}): Promise<{ exchange: Exchange; events: EventBody[] }> {
  const events: EventBody[] = [];
  const { exchange } = await scanFeed(t, client, since, (e) => events.push(e), options);
  return { exchange, events };
}

/**
 * The provider's last event so far (undefined when there is none): the mark a check reads after. The first mark of
 * a run reads the whole feed; later ones read only what came after the mark found last (a feed of a million events
 * is read whole once per provider, not once per check). A since the server refuses falls back to a whole read:
 * what since answers is judged by the feed's own checks, never here.
 */
export async function mark(t: CheckContext, client: ApiClient = t.alpha): Promise<string | undefined> {
  const key = `activation feed end: ${client.baseUrl} ${client.credentials?.user ?? ''}`;
  const found = await t.prerequisite('reading the feed to find its current end', async () => {
    const known = t.memo.get(key) as string | undefined;
    let last: string | undefined;
    if (known !== undefined) {
      const ex = await client.get(EVENTS, { query: { since: known }, skipSchema: true, onItem: (e) => (last = e?.event ?? last) });
      if (ex.status === 200 && /json/i.test(ex.headers['content-type'] ?? '')) return last ?? known;
      last = undefined;
    }
    // Only the last id is needed (and, once per run, the first two and the count); the feed's schema is judged by
    // the checks that read it, so a schema problem does not stop checks of other rules from running.
    const first: string[] = [];
    const { count } = await scanFeed(t, client, undefined, (e, i) => ((last = e?.event), i < 2 && first.push(String(e?.event))), { skipSchema: true });
    if (!t.memo.has(`${key} head`)) t.memo.set(`${key} head`, { first, count });
    return last;
  });
  if (found !== undefined) t.memo.set(key, found);
  // Where the feed ended when the run first looked ('' for an empty feed): what the whole run added follows it.
  if (!t.memo.has(`${key} at the start`)) t.memo.set(`${key} at the start`, found ?? '');
  return found;
}

/** The first two events of the provider's feed and its length, as the run's first whole read found them. */
export function feedHead(t: CheckContext, client: ApiClient): { first: string[]; count: number } | undefined {
  return t.memo.get(`activation feed end: ${client.baseUrl} ${client.credentials?.user ?? ''} head`) as { first: string[]; count: number } | undefined;
}

/**
 * Where the provider's feed ended when the run first looked: `since` for every event the run's orders added
 * ('' when the feed was empty then: the whole feed), or undefined when no check of the run has read it yet.
 */
export function runStart(t: CheckContext, client: ApiClient = t.alpha): string | undefined {
  return t.memo.get(`activation feed end: ${client.baseUrl} ${client.credentials?.user ?? ''} at the start`) as string | undefined;
}

/** The last `size` items seen, oldest first: what a check compares the end of a whole feed with. */
export class Tail<T> {
  private items: T[] = [];
  constructor(private readonly size: number) {}
  push(item: T) {
    if (this.size <= 0) return;
    this.items.push(item);
    if (this.items.length > this.size * 2) this.items = this.items.slice(-this.size);
  }
  get(): T[] {
    return this.items.slice(-this.size);
  }
}

export const pathOf = (p: string) => new URL(p, 'http://x').pathname;
/** Order paths are compared by their path part, so absolute and relative forms both match. */
export const samePath = (a: string | undefined, b: string | undefined) => !!a && !!b && pathOf(a) === pathOf(b);
export const eventsFor = (events: EventBody[], path: string) => events.filter((e) => samePath(e.order?.path, path));

export const ids = (events: EventBody[]) => events.map((e) => e.event);

/** Finishes `count` orders one after the other on one access (ACTIVATE, DEACTIVATE, ACTIVATE, ...). */
export async function finishCycle(t: CheckContext, client: ApiClient, accessId: string, count: number) {
  const { service } = profileOf(t);
  const done = [];
  for (let i = 0; i < count; i++) {
    done.push(await finish(t, client, i % 2 === 0 ? activateBody(accessId, service) : deactivateBody(accessId, service)));
  }
  return done;
}

/** Every 400 must carry a non-empty cause. */
export function expectCause(t: CheckContext, ex: Exchange, what: string) {
  t.expectStatus(ex, 400, what);
  t.expect(typeof ex.body?.cause === 'string' && ex.body.cause.length > 0, `${what}: the 400 answer needs a cause`, {
    expected: '{ "cause": "<text>" }',
    actual: excerpt(ex.text, 200),
    exchange: ex,
  });
}

/** What makes an event the event it is: its id and its order's members. Anything else a server adds is not compared. */
export const eventMembers = (e: EventBody | undefined) =>
  e && {
    event: e.event,
    order: { path: e.order?.path, accessId: e.order?.accessId, service: e.order?.service, operation: e.order?.operation, state: e.order?.state, message: e.order?.message },
  };

const RUN_ORDERS = 'activation orders of the run';

/** The orders every check of the run placed (their paths), with the provider that placed each: filled by `watchOrders`. */
export const ordersOfTheRun = (memo: Map<string, unknown>): Map<string, TenantLabel> => {
  let orders = memo.get(RUN_ORDERS) as Map<string, TenantLabel> | undefined;
  if (!orders) memo.set(RUN_ORDERS, (orders = new Map()));
  return orders;
};

/** The suite's watch: every order a 201 answer created is the run's, the provider that placed it the first to be told of it. */
export function watchOrders(exchange: Exchange, tenant: TenantLabel | undefined, memo: Map<string, unknown>): void {
  if (!tenant || exchange.method !== 'POST' || exchange.status !== 201) return;
  if (!/\/orders\/?$/.test(new URL(exchange.url).pathname)) return;
  const path = (exchange.body as any)?.path;
  if (typeof path !== 'string' || !path) return;
  const orders = ordersOfTheRun(memo);
  if (!orders.has(pathOf(path))) orders.set(pathOf(path), tenant);
}
