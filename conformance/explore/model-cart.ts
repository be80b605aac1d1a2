/**
 * The Cart model: orders and bookings of both tenants with their statuses, holds and expiries, and what the
 * small availability's answers say about its capacity. Actions: create a booking (new order, joining an
 * order, the other tenant's orderId, no order), read orders and bookings, extend / confirm / cancel orders,
 * confirm / cancel single bookings, two order operations at once, and the clock moved short of or past a hold.
 * Where seed 000 leaves the outcome to the server (confirm, extend, cancel of a confirmed order, capacity)
 * both outcomes are accepted and the model follows the answer.
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import { advance, brief, currentStep, is4xx, ok, observe, uid, TENANT_NAMES, type Action, type Env, type Judge, type Obs, type Tenant } from './core.js';
import type { ExploreModel, StepSpec } from './engine.js';

type Status = 'ON_HOLD' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';
type Seen = Status | 'EITHER';

interface CBooking {
  uuid: string;
  n: number;
  tenant: Tenant;
  orderId?: string;
  small: boolean;
  units: number;
  status: Status;
  hold: number | null;
  /** The rule that fixed this booking's status last. */
  rule: string;
  /** Cancelled with its ON_HOLD order: its places must be free again (CART-ORDER-CANCEL-ENDS-HOLD). */
  freed?: boolean;
}

interface COrder {
  id: string;
  n: number;
  tenant: Tenant;
  status: Status;
  expires: number;
  rule: string;
  bookings: string[];
}

export interface CartState {
  orders: COrder[];
  bookings: CBooking[];
  /** The largest use of the small availability (places) the server has accepted, and whether places were freed by an order cancel since. */
  capacity: { accepted: number; freedSince: boolean };
}

const CART = { 'X-Capabilities': 'redeam/cart' };
const CONTACT = { fullName: 'Explore Tester', emailAddress: 'explore@example.com', phoneNumber: '+46700000000', locales: ['en'], country: 'SE' };
const CANCEL = { reason: 'CUSTOMER', reasonDetails: 'ordercert explore' };
const CHANNEL_ID = '7d3f0c1e-5a8b-4c2d-9e6f-1b2a3c4d5e6f';
const label = (t: Tenant, what: string) => `${TENANT_NAMES[t]}: ${what}`;
const sup = (env: Env) => `/suppliers/${encodeURIComponent(String(env.profile.supplierId))}`;
const orderPath = (env: Env, id: string, op = '') => `${sup(env)}/orders/${encodeURIComponent(id)}${op ? `/${op}` : ''}`;
const bookingPath = (env: Env, uuid: string, op = '') => `${sup(env)}/bookings/${uuid}${op ? `/${op}` : ''}`;
const time = (iso: unknown) => (typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) : null);
const isErrorArray = (body: unknown) => Array.isArray(body) && body.length > 0 && body.every((e) => e && typeof e.errorCode === 'string' && typeof e.errorMessage === 'string');

/** A status as of the request's window: EITHER when a hold ends inside it. */
function seen(status: Status, until: number | null, obs: Obs): Seen {
  if (status !== 'ON_HOLD' || until === null) return status;
  if (until <= obs.from) return 'EXPIRED';
  if (until > obs.to) return 'ON_HOLD';
  return 'EITHER';
}
const bookingSeen = (b: CBooking, obs: Obs) => seen(b.status, b.hold, obs);
const orderSeen = (o: COrder, obs: Obs) => seen(o.status, o.expires, obs);
const matches = (expected: Seen, actual: unknown, hold: number | null, obs: Obs) =>
  expected === 'EITHER' ? actual === 'ON_HOLD' || actual === 'EXPIRED' : actual === expected || (expected === 'CANCELLED' && actual === 'EXPIRED' && hold !== null && hold <= obs.to);

const orderOf = (s: CartState, tenant: Tenant, id: string) => s.orders.find((o) => o.tenant === tenant && o.id === id);
const bookingsOf = (s: CartState, o: COrder) => o.bookings.map((u) => s.bookings.find((b) => b.uuid === u && b.tenant === o.tenant)!);

/** Judges one booking as answered (in an order read, or alone). */
function judgeBooking(j: Judge, b: CBooking, got: any, obs: Obs, what: string) {
  const expected = bookingSeen(b, obs);
  if (!matches(expected, got?.status, b.hold, obs)) {
    const rule = expected === 'EXPIRED' ? 'CART-ORDER-EXPIRES' : b.rule;
    j.fail(rule, `${what}: booking #${b.n} reads ${got?.status}`, { expected: expected === 'EITHER' ? 'ON_HOLD or EXPIRED' : expected, actual: got?.status, exchange: obs.ex });
  }
  if (got?.status === 'EXPIRED' && b.status === 'ON_HOLD') b.status = 'EXPIRED';
  if (b.status === 'ON_HOLD' && b.hold !== null && got?.utcHoldExpiration !== undefined) {
    const hold = time(got.utcHoldExpiration);
    if (hold !== null && Math.abs(hold - b.hold) >= 1000) {
      j.fail(b.rule, `${what}: booking #${b.n} holds until ${got.utcHoldExpiration}, though nothing moved its hold`, { expected: new Date(b.hold).toISOString(), actual: got.utcHoldExpiration, exchange: obs.ex });
    }
  }
}

/** Judges an order as answered: its bookings, its status and expiry, each booking's status. */
function judgeOrder(j: Judge, s: CartState, o: COrder, body: any, obs: Obs, what: string) {
  if (body?.id !== o.id) j.fail('CART-ORDER-READ', `${what}: the order answered has id ${body?.id}`, { expected: o.id, actual: body?.id, exchange: obs.ex });
  const listed = Array.isArray(body?.bookings) ? body.bookings.map((b: any) => b?.uuid).sort() : [];
  const wanted = [...o.bookings].sort();
  if (JSON.stringify(listed) !== JSON.stringify(wanted)) {
    j.fail('CART-ORDER-READ', `${what}: order #${o.n} does not list exactly its bookings`, { expected: wanted, actual: listed, exchange: obs.ex });
  }
  const expected = orderSeen(o, obs);
  if (!matches(expected, body?.status, o.expires, obs)) {
    j.fail(expected === 'EXPIRED' ? 'CART-ORDER-EXPIRES' : o.rule, `${what}: order #${o.n} reads ${body?.status}`, { expected: expected === 'EITHER' ? 'ON_HOLD or EXPIRED' : expected, actual: body?.status, exchange: obs.ex });
  }
  if (body?.status === 'EXPIRED' && o.status === 'ON_HOLD') o.status = 'EXPIRED';
  const expires = time(body?.utcExpiresAt);
  if (o.status === 'ON_HOLD' && expires !== null && Math.abs(expires - o.expires) >= 1000) {
    j.fail(o.rule, `${what}: order #${o.n} expires at ${body.utcExpiresAt}, though nothing extended it`, { expected: new Date(o.expires).toISOString(), actual: body.utcExpiresAt, exchange: obs.ex });
  }
  for (const b of bookingsOf(s, o)) {
    const got = (body?.bookings ?? []).find((x: any) => x?.uuid === b.uuid);
    if (got) judgeBooking(j, b, got, obs, what);
  }
}

/** Places of the small availability certainly taken by the model's bookings (live holds and confirmed ones). */
function smallInUse(s: CartState, obs: Obs) {
  return s.bookings.filter((b) => b.small && (b.status === 'CONFIRMED' || bookingSeen(b, obs) === 'ON_HOLD')).reduce((n, b) => n + b.units, 0);
}
/** ... and places that may still be taken (expired holds, bookings cancelled other than with their ON_HOLD order). */
function smallMaybeInUse(s: CartState) {
  return s.bookings.filter((b) => b.small && !b.freed).reduce((n, b) => n + b.units, 0);
}

function createAction(s: CartState, env: Env, tenant: Tenant, target: 'new' | 'join' | 'alone', i: number, minutes: number, small: boolean, units: number): Action<CartState> | undefined {
  const joined = target === 'join' && s.orders.length ? s.orders[i % s.orders.length] : undefined;
  if (target === 'join' && !joined) return undefined;
  if (small && !env.profile.smallAvailabilityId) return undefined;
  const orderId = target === 'alone' ? undefined : (joined?.id ?? uid(env, 'o'));
  const uuid = crypto.randomUUID();
  const body = {
    uuid,
    resellerReference: uid(env, 'r'),
    // Some platforms require the sales channel (Redeam's pending-booking table); our spec leaves it optional.
    channelName: 'ordercert-explore',
    channelId: CHANNEL_ID,
    productId: env.profile.productId,
    optionId: env.profile.optionId,
    availabilityId: small ? env.profile.smallAvailabilityId : env.profile.availabilityId,
    unitItems: Array.from({ length: units }, () => ({ unitId: env.profile.unitId })),
    holdExpirationMinutes: minutes,
    ...(orderId ? { orderId } : {}),
  };
  const existing = orderId ? orderOf(s, tenant, orderId) : undefined;
  const what = !orderId ? 'a booking with no order' : existing ? `a booking joining order #${existing.n}` : joined ? `a booking under the orderId of ${TENANT_NAMES[joined.tenant]}'s order #${joined.n}` : 'a booking in a new order';
  return {
    label: label(tenant, `create ${what} (${units} place${units > 1 ? 's' : ''} of the ${small ? 'small' : 'open'} availability, ${minutes} min)`),
    tenant,
    async send(env) {
      const obs = await observe(env, currentStep(env), tenant, (c) => c.post(`${sup(env)}/bookings`, body, { headers: orderId ? CART : {} }));
      // A new order is read back at once: its expiry is what the model times it by.
      if (orderId && !existing && ok(obs.ex)) return { ...obs, follow: await observe(env, currentStep(env), tenant, (c) => c.get(orderPath(env, orderId))) };
      return obs;
    },
    judge(s, obs, j) {
      const { ex } = obs!;
      const o = orderId ? orderOf(s, tenant, orderId) : undefined;
      const state = o ? orderSeen(o, obs!) : 'NEW';
      const mustFail = state === 'CONFIRMED' || state === 'CANCELLED' || state === 'EXPIRED';
      const rule = mustFail ? (state === 'EXPIRED' ? 'CART-ORDER-EXPIRES' : 'CART-ORDER-JOIN-ONLY-ON-HOLD') : o ? 'CART-BOOKING-JOINS-ORDER' : orderId ? 'CART-ORDER-CREATED-ON-DEMAND' : 'CART-BOOKING-JOINS-ORDER';
      if (!ok(ex)) {
        if (mustFail && !(is4xx(ex) && isErrorArray(ex.body))) j.fail(rule, `a booking for a ${state} order answered ${ex.status}`, { expected: 'a 4xx answer with the error array', actual: brief(ex), exchange: ex });
        if (mustFail || state === 'EITHER') return;
        if (!small) return j.fail(rule, `${what} was refused`, { expected: 'status 200 or 201 with the booking', actual: brief(ex), exchange: ex });
        // The small availability may be full; refused although an order cancel freed what was once accepted: a leak.
        const use = smallMaybeInUse(s) + units;
        if (s.capacity.freedSince && use <= s.capacity.accepted) {
          j.fail('CART-ORDER-CANCEL-ENDS-HOLD', `a booking of ${units} place(s) of the small availability was refused, though at most ${use} places would be in use and ${s.capacity.accepted} were once accepted, and an order cancel gave places back since`, { expected: 'the booking succeeds (the cancelled holds ended)', actual: brief(ex), exchange: ex });
        }
        return;
      }
      if (mustFail) return j.fail(rule, `a booking joined a ${state} order`, { expected: 'a 4xx answer with the error array, the order unchanged', actual: brief(ex), exchange: ex });
      if ((ex.body?.orderId ?? undefined) !== orderId) j.fail(orderId ? 'CART-BOOKING-JOINS-ORDER' : 'CART-ORDER-READ', `the booking reports orderId ${ex.body?.orderId}`, { expected: orderId ?? null, actual: ex.body?.orderId, exchange: ex });
      if (ex.body?.status !== 'ON_HOLD') j.fail('CART-ORDER-STARTS-ON-HOLD', `a new booking reads ${ex.body?.status}`, { expected: 'ON_HOLD', actual: ex.body?.status, exchange: ex });
      const b: CBooking = { uuid, n: s.bookings.length + 1, tenant, orderId, small, units, status: 'ON_HOLD', hold: time(ex.body?.utcHoldExpiration), rule: 'CART-BOOKING-JOINS-ORDER' };
      s.bookings.push(b);
      if (small) {
        s.capacity.accepted = Math.max(s.capacity.accepted, smallInUse(s, obs!));
        s.capacity.freedSince = false;
      }
      if (o) return void o.bookings.push(uuid);
      if (!orderId) return;
      const read = obs!.follow!;
      if (read.ex.status !== 200) return j.fail('CART-ORDER-CREATED-ON-DEMAND', `the order the booking created answers ${read.ex.status}`, { expected: 'status 200 with the order', actual: brief(read.ex), exchange: read.ex });
      if (read.ex.body?.status !== 'ON_HOLD') j.fail('CART-ORDER-STARTS-ON-HOLD', `a new order reads ${read.ex.body?.status}`, { expected: 'ON_HOLD', actual: read.ex.body?.status, exchange: read.ex });
      const expires = time(read.ex.body?.utcExpiresAt) ?? obs!.to + minutes * 60_000;
      if (!(expires > obs!.from && expires <= read.to + minutes * 60_000)) {
        j.fail('CART-ORDER-EXPIRY-TIME', `a new order asked to hold ${minutes} min expires at ${read.ex.body?.utcExpiresAt}`, { expected: `after the request, at most ${minutes} min after it`, actual: read.ex.body?.utcExpiresAt, exchange: read.ex });
      }
      const order: COrder = { id: orderId, n: s.orders.length + 1, tenant, status: 'ON_HOLD', expires, rule: 'CART-ORDER-READ', bookings: [uuid] };
      if (b.hold === null) b.hold = expires;
      s.orders.push(order);
      judgeOrder(j, s, order, read.ex.body, read, 'the new order');
    },
  };
}

type OrderOp = 'confirm' | 'extend' | 'cancel';

/**
 * An order operation. Alone (not concurrent) it is followed by a read of the order, which must show exactly its
 * effect (or, refused, nothing changed); beside another operation the read could see both, so there is none.
 */
function orderOpAction(s: CartState, tenant: Tenant, target: COrder, op: OrderOp, readAfter = false): Action<CartState> {
  const id = target.id;
  const own = orderOf(s, tenant, id);
  return {
    label: label(tenant, `${op} ${own ? `order #${own.n}` : `${TENANT_NAMES[target.tenant]}'s order #${target.n} (not ${TENANT_NAMES[tenant]}'s)`}${readAfter && own ? ', then read it' : ''}`),
    tenant,
    async send(env) {
      const obs = await observe(env, currentStep(env), tenant, (c) =>
        op === 'confirm'
          ? c.post(orderPath(env, id, 'confirm'), { contact: CONTACT })
          : op === 'extend'
            ? c.post(orderPath(env, id, 'extend'), { reason: 'CUSTOMER_REQUESTED', reasonDetails: 'ordercert explore', holdExpirationMinutes: 10 })
            : c.delete(orderPath(env, id), CANCEL),
      );
      if (!readAfter || !own) return obs;
      return { ...obs, follow: await observe(env, currentStep(env), tenant, (c) => c.get(orderPath(env, id))) };
    },
    judge(s, obs, j) {
      applyOrderOp(s, obs!, j);
      const read = obs!.follow;
      const o = orderOf(s, tenant, id);
      if (!read || !o) return;
      if (read.ex.status !== 200) return j.fail('CART-ORDER-READ', `GET order answered ${read.ex.status}`, { expected: 'status 200 with the order', actual: brief(read.ex), exchange: read.ex });
      judgeOrder(j, s, o, read.ex.body, read, `the order read right after the ${op}`);
    },
  };

  function applyOrderOp(s: CartState, obs: Obs, j: Judge) {
    const { ex } = obs;
    const o = orderOf(s, tenant, id);
    if (!o) {
      if (ex.status !== 404) j.fail('CART-TENANCY', `${op} of another reseller's order answered ${ex.status}`, { expected: 'status 404, nothing changed', actual: brief(ex), exchange: ex });
      return;
    }
    const order = orderSeen(o, obs);
    const books = bookingsOf(s, o).map((b) => ({ b, seen: bookingSeen(b, obs) }));
    const unsure = order === 'EITHER' || books.some((x) => x.seen === 'EITHER');
    // Why the operation must fail (undefined: it may succeed), as the rule that says so.
    let mustFail: string | undefined;
    if (op === 'confirm') {
      if (order === 'CANCELLED') mustFail = 'CART-ORDER-CONFIRM-NOT-ON-HOLD';
      else if (order === 'EXPIRED') mustFail = 'CART-ORDER-EXPIRES';
      else if (order === 'CONFIRMED') mustFail = books.every((x) => x.seen === 'CONFIRMED') ? undefined : 'CART-ORDER-ALL-OR-NOTHING';
      else if (books.some((x) => x.seen === 'EXPIRED')) mustFail = 'CART-ORDER-CONFIRM-EXPIRED-BOOKING';
      else if (books.some((x) => x.seen === 'CONFIRMED' || x.seen === 'CANCELLED')) mustFail = 'CART-ORDER-ALL-OR-NOTHING';
    } else if (op === 'extend') {
      if (order === 'CONFIRMED' || order === 'CANCELLED') mustFail = 'CART-ORDER-EXTEND-ONLY-ON-HOLD';
      else if (order === 'EXPIRED') mustFail = 'CART-ORDER-EXTEND-REJECT-ERROR';
      else if (books.some((x) => x.seen !== 'ON_HOLD' && x.seen !== 'EITHER')) mustFail = 'CART-ORDER-EXTEND-ONLY-ON-HOLD';
    } else if (order === 'ON_HOLD' && books.some((x) => x.seen !== 'ON_HOLD' && x.seen !== 'EITHER')) mustFail = 'CART-ORDER-ALL-OR-NOTHING';
    const mustSucceed = op === 'cancel' && order === 'ON_HOLD' && !unsure && books.every((x) => x.seen === 'ON_HOLD');

    if (!ok(ex)) {
      if (mustSucceed) return j.fail('CART-ORDER-CANCEL-DELETE', `cancelling an ON_HOLD order answered ${ex.status}`, { expected: 'status 200, the order and every booking cancelled', actual: brief(ex), exchange: ex });
      if (!(is4xx(ex) && isErrorArray(ex.body))) {
        j.fail(mustFail ? 'CART-ORDER-BLOCKED-OP-ERROR' : op === 'extend' ? 'CART-ORDER-EXTEND-REJECT-ERROR' : 'CART-ORDER-BLOCKED-OP-ERROR', `a refused order ${op} answered ${ex.status}`, { expected: 'a 4xx answer with the error array', actual: brief(ex), exchange: ex });
      }
      // Refused: everything must read as before.
      o.rule = 'CART-ORDER-ALL-OR-NOTHING';
      for (const { b } of books) b.rule = 'CART-ORDER-ALL-OR-NOTHING';
      return;
    }
    if (mustFail && !unsure) return j.fail(mustFail, `order ${op} succeeded on an order that was ${order} with bookings ${books.map((x) => x.seen).join(', ')}`, { expected: 'the operation fails with an error and changes nothing', actual: brief(ex), exchange: ex });
    const body = ex.body;
    const statuses = (body?.bookings ?? []).map((b: any) => b?.status);
    if (op === 'confirm') {
      if (body?.status !== 'CONFIRMED' || !statuses.every((st: string) => st === 'CONFIRMED')) {
        j.fail('CART-ORDER-OPS-COLLECTIVE', 'an accepted order confirm left the order or a booking not CONFIRMED', { expected: 'order and every booking CONFIRMED', actual: { order: body?.status, bookings: statuses }, exchange: ex });
      }
      o.status = 'CONFIRMED';
      o.rule = 'CART-ORDER-CONFIRM-ALL';
      for (const { b } of books) Object.assign(b, { status: 'CONFIRMED', rule: 'CART-ORDER-OPS-COLLECTIVE' });
    } else if (op === 'cancel') {
      if (!['CANCELLED', 'EXPIRED'].includes(body?.status) || statuses.some((st: string) => st === 'ON_HOLD' || st === 'CONFIRMED')) {
        j.fail('CART-ORDER-OPS-COLLECTIVE', 'an accepted order cancel left the order or a booking held or confirmed', { expected: 'no booking ON_HOLD or CONFIRMED', actual: { order: body?.status, bookings: statuses }, exchange: ex });
      }
      const wasHeld = order === 'ON_HOLD';
      o.status = 'CANCELLED';
      o.rule = 'CART-ORDER-CANCEL-DELETE';
      for (const { b, seen } of books) {
        if (wasHeld && seen === 'ON_HOLD' && b.small) (b.freed = true), (s.capacity.freedSince = true);
        Object.assign(b, { status: 'CANCELLED', rule: 'CART-ORDER-OPS-COLLECTIVE' });
      }
    } else {
      const expires = time(body?.utcExpiresAt);
      if (expires === null || expires < o.expires) {
        j.fail('CART-ORDER-EXTEND-NOT-EARLIER', `an accepted extension moved utcExpiresAt to ${body?.utcExpiresAt}`, { expected: `not earlier than ${new Date(o.expires).toISOString()}`, actual: body?.utcExpiresAt, exchange: ex });
      }
      for (const { b } of books) {
        const got = (body?.bookings ?? []).find((x: any) => x?.uuid === b.uuid);
        const hold = time(got?.utcHoldExpiration) ?? expires;
        // Each booking's hold moves with the order's: later than before, or at the order's new expiry.
        const moved = hold !== null && expires !== null && (expires <= o.expires || hold > (b.hold ?? 0) || Math.abs(hold - expires) < 1000);
        if (got?.status !== 'ON_HOLD' || hold === null || hold < o.expires || !moved) {
          j.fail('CART-ORDER-OPS-COLLECTIVE', `after an accepted extension booking #${b.n} reads ${got?.status} until ${got?.utcHoldExpiration}`, { expected: `ON_HOLD until at least the order's old expiry ${new Date(o.expires).toISOString()}, the hold moved with the order's (to ${body?.utcExpiresAt})`, actual: `${got?.status} until ${got?.utcHoldExpiration}`, exchange: ex });
        }
        Object.assign(b, { status: 'ON_HOLD', hold, rule: 'CART-ORDER-OPS-COLLECTIVE' });
      }
      o.status = 'ON_HOLD';
      o.expires = expires ?? o.expires;
      o.rule = 'CART-ORDER-EXTEND-NOT-EARLIER';
    }
  }
}

const tenantArb = fc.constantFrom<Tenant>(0, 0, 1);
const createStep = fc
  .record({ tenant: tenantArb, target: fc.constantFrom('new', 'join', 'join', 'alone'), i: fc.nat(), minutes: fc.constantFrom(2, 5, 30, 60), small: fc.constantFrom(false, false, true), units: fc.constantFrom(1, 1, 2) })
  .map(({ tenant, target, i, minutes, small, units }): StepSpec<CartState> => ({
    name: `create booking (${target})`,
    make: (s, env) => [createAction(s, env, tenant, target as 'new', i, minutes, small, units)].filter(Boolean) as Action<CartState>[],
  }));

/** Acts as the order's owner most of the time, as the other tenant now and then. */
const pickOrder = (s: CartState, i: number) => (s.orders.length ? s.orders[i % s.orders.length] : undefined);
const opStep = fc.record({ i: fc.nat(), op: fc.constantFrom<OrderOp>('confirm', 'extend', 'cancel') }).map(
  ({ i, op }): StepSpec<CartState> => ({ name: `${op} order`, make: (s) => (pickOrder(s, i) ? [orderOpAction(s, pickOrder(s, i)!.tenant, pickOrder(s, i)!, op, true)] : undefined) }),
);
const foreignOpStep = fc.record({ i: fc.nat(), op: fc.constantFrom<OrderOp>('confirm', 'extend', 'cancel') }).map(
  ({ i, op }): StepSpec<CartState> => ({
    name: `${op} order as the other tenant`,
    make: (s) => {
      const o = pickOrder(s, i);
      return o ? [orderOpAction(s, (1 - o.tenant) as Tenant, o, op)] : undefined;
    },
  }),
);
const concurrentStep = fc.record({ i: fc.nat(), a: fc.constantFrom<OrderOp>('confirm', 'cancel', 'extend'), b: fc.constantFrom<OrderOp>('confirm', 'cancel') }).map(
  ({ i, a, b }): StepSpec<CartState> => ({
    name: `${a} || ${b}`,
    make: (s) => {
      const o = pickOrder(s, i);
      return o ? [orderOpAction(s, o.tenant, o, a), orderOpAction(s, o.tenant, o, b)] : undefined;
    },
  }),
);

const readOrderStep = fc.record({ i: fc.nat(), foreign: fc.constantFrom(false, false, false, true) }).map(
  ({ i, foreign }): StepSpec<CartState> => ({
    name: 'read order',
    make(s) {
      const target = pickOrder(s, i);
      if (!target) return undefined;
      const tenant = (foreign ? 1 - target.tenant : target.tenant) as Tenant;
      return [
        {
          label: label(tenant, `read order #${target.n}${foreign ? ` of ${TENANT_NAMES[target.tenant]}` : ''}`),
          tenant,
          send: (env) => observe(env, currentStep(env), tenant, (c) => c.get(orderPath(env, target.id))),
          judge(s, obs, j) {
            const o = orderOf(s, tenant, target.id);
            if (!o) {
              if (obs!.ex.status !== 404) j.fail('CART-TENANCY', `another reseller's order answered ${obs!.ex.status}`, { expected: 'status 404', actual: brief(obs!.ex), exchange: obs!.ex });
              return;
            }
            if (obs!.ex.status !== 200) return j.fail('CART-ORDER-READ', `GET order answered ${obs!.ex.status}`, { expected: 'status 200 with the order', actual: brief(obs!.ex), exchange: obs!.ex });
            judgeOrder(j, s, o, obs!.ex.body, obs!, 'GET order');
          },
        },
      ];
    },
  }),
);

const bookingStep = fc.record({ i: fc.nat(), op: fc.constantFrom('read', 'confirm', 'cancel', 'cancel') }).map(
  ({ i, op }): StepSpec<CartState> => ({
    name: `${op} booking`,
    make(s) {
      if (!s.bookings.length) return undefined;
      const target = s.bookings[i % s.bookings.length];
      const tenant = target.tenant;
      return [
        {
          label: label(tenant, `${op} booking #${target.n}${target.orderId ? ` (of order ${target.orderId})` : ''} on its own`),
          tenant,
          send: (env) =>
            observe(env, currentStep(env), tenant, (c) =>
              op === 'read' ? c.get(bookingPath(env, target.uuid)) : op === 'confirm' ? c.post(bookingPath(env, target.uuid, 'confirm'), { contact: CONTACT }) : c.post(bookingPath(env, target.uuid, 'cancel'), CANCEL),
            ),
          judge(s, obs, j) {
            const b = s.bookings.find((x) => x.uuid === target.uuid)!;
            const { ex } = obs!;
            if (op === 'read') {
              if (ex.status !== 200) return j.fail('CART-ORDER-READ', `GET booking answered ${ex.status}`, { expected: 'status 200', actual: brief(ex), exchange: ex });
              return judgeBooking(j, b, ex.body, obs!, 'GET booking');
            }
            const live = bookingSeen(b, obs!);
            if (op === 'cancel' && live === 'ON_HOLD' && !ok(ex)) {
              j.fail('CART-CANCEL-RECOMMENDED', `cancelling an ON_HOLD booking answered ${ex.status}`, { expected: 'status 200, the booking CANCELLED', actual: brief(ex), exchange: ex });
            }
            if (!ok(ex)) return void (b.rule = 'CART-ORDER-READ');
            // Either outcome of a single-booking confirm or cancel is the server's; the model follows the answer.
            const status = ex.body?.status;
            if (['ON_HOLD', 'CONFIRMED', 'CANCELLED', 'EXPIRED'].includes(status)) Object.assign(b, { status, rule: 'CART-ORDER-READ' });
          },
        },
      ];
    },
  }),
);

const clockStep = fc.constantFrom('short', 'past').map(
  (kind): StepSpec<CartState> => ({
    name: `clock ${kind}`,
    make(s, env) {
      const now = Date.now() + env.offsetMs;
      const ends = [...s.orders.filter((o) => o.status === 'ON_HOLD').map((o) => o.expires), ...s.bookings.filter((b) => b.status === 'ON_HOLD' && b.hold !== null).map((b) => b.hold!)].filter((t) => t > now + 2000);
      const next = ends.length ? Math.min(...ends) : undefined;
      // Short: a minute, or to a few seconds before the next hold ends. Past: a few seconds beyond it.
      const seconds = kind === 'short' ? Math.max(1, Math.min(60, next ? Math.floor((next - now) / 1000) - 5 : 60)) : next ? Math.ceil((next - now) / 1000) + 3 : 120;
      return [
        {
          label: `clock: advance ${seconds} s (${kind === 'short' ? 'short of' : 'past'} the next hold's end)`,
          send: (env) => advance(env, currentStep(env), seconds).then(() => undefined),
          judge() {},
        },
      ];
    },
  }),
);

export const cartModel: ExploreModel<CartState> = {
  api: 'cart',
  maxSteps: 14,
  steps: ({ clock }) => [createStep, createStep, createStep, opStep, opStep, foreignOpStep, readOrderStep, readOrderStep, bookingStep, bookingStep, concurrentStep, ...(clock ? [clockStep, clockStep] : [])],
  async init() {
    return { orders: [], bookings: [], capacity: { accepted: 0, freedSince: false } };
  },
  /** Cancels every order and booking still held or confirmed, so the small availability is free for the next sequence. */
  async cleanup(env, s) {
    for (const o of s.orders) if (o.status === 'ON_HOLD' || o.status === 'CONFIRMED') await env.clients[o.tenant].delete(orderPath(env, o.id), CANCEL, { skipSchema: true });
    for (const b of s.bookings) if (!b.orderId && (b.status === 'ON_HOLD' || b.status === 'CONFIRMED')) await env.clients[b.tenant].post(bookingPath(env, b.uuid, 'cancel'), CANCEL, { skipSchema: true });
  },
};
