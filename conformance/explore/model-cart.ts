/**
 * The Cart model: orders and bookings of both tenants with their statuses, holds, expiries and pending
 * confirmations, and what the small availability's answers say about its capacity. Every step kind is a plain
 * function with explicit parameters (createStep, orderOpStep, bookingOpStep, readOrderStep, compareStep,
 * clockStep, together): explore draws them at random (cartModel.steps) and the sweep (sweep-cart.ts) lists them
 * systematically.
 * Where the documents leave the outcome to the server (confirm, extend, cancel of a confirmed or pending order,
 * a booking's own confirm or cancel, capacity, a decision given at once) every allowed outcome is accepted and
 * the model follows the answer. The judging itself is in cart-judge.ts.
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import { advance, brief, currentStep, Finding, is4xx, ok, observe, ruleLevel, uid, TENANT_NAMES, type Action, type Env, type Judge, type Obs, type Tenant } from './core.js';
import type { ExploreModel, StepSpec } from './engine.js';
import {
  applyBookingOp,
  applyOrderOp,
  bookingsOf,
  compareDerived,
  decisionFor,
  isErrorArray,
  judgeBooking,
  judgeOrder,
  orderOf,
  orderSeen,
  smallInUse,
  smallMaybeInUse,
  time,
  type Avail,
  type CartState,
  type CBooking,
  type COrder,
  type BookingOp,
  type OrderOp,
} from './cart-judge.js';

export type { CartState } from './cart-judge.js';

const CART = { 'X-Capabilities': 'redeam/cart' };
export const CONTACT = { fullName: 'Explore Tester', emailAddress: 'explore@example.com', phoneNumber: '+46700000000', locales: ['en'], country: 'SE' };
const CANCEL = { reason: 'CUSTOMER', reasonDetails: 'ordercert explore' };
const CHANNEL_ID = '7d3f0c1e-5a8b-4c2d-9e6f-1b2a3c4d5e6f';
const label = (t: Tenant, what: string) => `${TENANT_NAMES[t]}: ${what}`;
const sup = (env: Env) => `/suppliers/${encodeURIComponent(String(env.profile.supplierId))}`;
const orderPath = (env: Env, id: string, op = '') => `${sup(env)}/orders/${encodeURIComponent(id)}${op ? `/${op}` : ''}`;
const bookingPath = (env: Env, uuid: string, op = '') => `${sup(env)}/bookings/${uuid}${op ? `/${op}` : ''}`;

/** The profile keys an availability of the model needs. */
export const AVAIL_NEEDS: Record<Avail, string[]> = {
  open: [],
  small: ['smallAvailabilityId'],
  async: ['asyncOptionId', 'asyncAvailabilityId', 'settleSeconds'],
  rejecting: ['asyncOptionId', 'asyncAvailabilityId', 'rejectingAvailabilityId', 'settleSeconds'],
};
const hasKeys = (env: Env, avail: Avail) => AVAIL_NEEDS[avail].every((k) => env.profile[k] !== undefined);
const availabilityOf = (env: Env, avail: Avail) =>
  ({ open: env.profile.availabilityId, small: env.profile.smallAvailabilityId, async: env.profile.asyncAvailabilityId, rejecting: env.profile.rejectingAvailabilityId })[avail];
/** Whether an order opened on `avail` confirms asynchronously: the pending availabilities, or any availability of the option when the profile's main option is the asynchronous one. */
const asyncOption = (env: Env, avail: Avail) => avail === 'async' || avail === 'rejecting' || (env.profile.asyncOptionId !== undefined && optionOf(env, avail) === env.profile.asyncOptionId);
const optionOf = (env: Env, avail: Avail) => (avail === 'async' || avail === 'rejecting' ? env.profile.asyncOptionId : env.profile.optionId);
const settleMs = (env: Env) => Number(env.profile.settleSeconds ?? 0) * 1000;

/** How a create's body differs from its booking's first request, for the retry rule (CART-CREATE-RETRY). */
export type RetryChange = 'none' | 'key-order' | 'resellerReference' | 'holdExpirationMinutes' | 'unitItems' | 'availabilityId' | 'orderId';

export interface CreateParams {
  tenant: Tenant;
  /** A new order, joining order `i` (of either tenant: another tenant's orderId makes an order of one's own), or none. */
  target: 'new' | 'join' | 'alone';
  i?: number;
  minutes: number;
  avail: Avail;
  units: number;
  /** Members laid over the body (limits); `invalid`: the body breaks a documented limit and must be refused. */
  overrides?: Record<string, unknown> | ((env: Env) => Record<string, unknown>);
  invalid?: boolean;
  /**
   * The body is at (`at`) or past (`past`) a limit the spec sets on its own (holds, unit items, lengths; the sources
   * set none): the server may refuse it, cleanly (a 4xx with the error array, nothing created), or take it. Taken
   * at the limit, it is judged as any create; taken past it, only as there (its booking reads back).
   */
  ownLimit?: 'at' | 'past';
  /** The id of the new order (target 'new'); a fresh one when absent. */
  orderId?: string;
  /** Sends booking `retryOf`'s uuid again: its tenant's own (a retry, with `change`) or the other tenant's. */
  retryOf?: number;
  change?: RetryChange;
}

function bodyFor(env: Env, p: CreateParams, uuid: string, orderId: string | undefined) {
  return {
    uuid,
    resellerReference: uid(env, 'r'),
    // Some platforms require the sales channel (Redeam's pending-booking table); our spec leaves it optional.
    channelName: 'ordercert-explore',
    channelId: CHANNEL_ID,
    productId: env.profile.productId,
    optionId: optionOf(env, p.avail),
    availabilityId: availabilityOf(env, p.avail),
    unitItems: Array.from({ length: p.units }, () => ({ unitId: env.profile.unitId })),
    holdExpirationMinutes: p.minutes,
    ...(orderId ? { orderId } : {}),
    ...(typeof p.overrides === 'function' ? p.overrides(env) : p.overrides),
  } as Record<string, any>;
}

/** The body of a retry: the first request with one member changed (or only its keys reordered). */
function retryBody(env: Env, first: Record<string, any>, change: RetryChange): Record<string, any> {
  const body = { ...first };
  if (change === 'key-order') return Object.fromEntries(Object.entries(body).reverse());
  if (change === 'resellerReference') body.resellerReference = uid(env, 'r');
  if (change === 'holdExpirationMinutes') body.holdExpirationMinutes = first.holdExpirationMinutes + 1;
  if (change === 'unitItems') body.unitItems = [...first.unitItems, { unitId: env.profile.unitId }];
  if (change === 'availabilityId') body.availabilityId = first.availabilityId === env.profile.availabilityId ? env.profile.smallAvailabilityId : env.profile.availabilityId;
  if (change === 'orderId') body.orderId = uid(env, 'o');
  return body;
}

function createAction(s: CartState, env: Env, p: CreateParams, readBack = true): Action<CartState> | undefined {
  const { tenant } = p;
  if (!hasKeys(env, p.avail)) return undefined;
  const repeated = p.retryOf !== undefined ? s.bookings[p.retryOf % Math.max(1, s.bookings.length)] : undefined;
  if (p.retryOf !== undefined && !repeated) return undefined;
  if (repeated && p.change === 'availabilityId' && !env.profile.smallAvailabilityId) return undefined;
  const own = repeated?.tenant === tenant ? repeated : undefined;
  const joined = p.target === 'join' && s.orders.length ? s.orders[(p.i ?? 0) % s.orders.length] : undefined;
  if (!repeated && p.target === 'join' && !joined) return undefined;
  // An order holds bookings of one kind of confirmation (instant or not), as the sweep and explore build them.
  if (joined && joined.async !== asyncOption(env, p.avail)) return undefined;
  const orderId = repeated ? repeated.request.orderId : p.target === 'alone' ? undefined : (joined?.id ?? p.orderId ?? uid(env, 'o'));
  const uuid = repeated ? repeated.uuid : crypto.randomUUID();
  const body = own ? retryBody(env, own.request, p.change ?? 'none') : repeated ? { ...repeated.request } : bodyFor(env, p, uuid, orderId);
  const sentOrderId: string | undefined = body.orderId;
  const existing = sentOrderId ? orderOf(s, tenant, sentOrderId) : undefined;
  const what = own
    ? `booking #${own.n} created again${p.change && p.change !== 'none' ? ` with ${p.change === 'key-order' ? 'its members in another order' : `another ${p.change}`}` : ' with the same body'}`
    : repeated
      ? `a booking with the uuid of ${TENANT_NAMES[repeated.tenant]}'s booking #${repeated.n}`
      : p.invalid || p.ownLimit === 'past'
        ? `a booking outside the ${p.invalid ? 'documented' : "spec's own"} limits (${p.units} unit items, ${p.minutes} min${typeof p.overrides === 'object' ? `, ${JSON.stringify(p.overrides)}` : p.overrides ? ', a member too long' : ''})`
        : !orderId
          ? 'a booking with no order'
          : existing
            ? `a booking joining order #${existing.n}`
            : joined
              ? `a booking under the orderId of ${TENANT_NAMES[joined.tenant]}'s order #${joined.n}`
              : 'a booking in a new order';
  return {
    label: label(tenant, `create ${what} (${p.units} place${p.units > 1 ? 's' : ''} of the ${p.avail} availability, ${p.minutes} min)`),
    tenant,
    async send(env) {
      const obs = await observe(env, currentStep(env), tenant, (c) => c.post(`${sup(env)}/bookings`, body, { headers: sentOrderId ? CART : {}, skipSchema: !!p.invalid || !!p.ownLimit }));
      // Refused input must leave nothing behind (a body past the spec's own limits, taken, must be there); a retry
      // naming another order must not make it.
      const limitRefused = p.ownLimit === 'at' && !ok(obs.ex);
      if (p.invalid || p.ownLimit === 'past' || limitRefused || (own && p.change === 'orderId')) {
        const where = p.invalid || p.ownLimit ? bookingPath(env, uuid) : orderPath(env, sentOrderId!);
        return { ...obs, follow: await observe(env, currentStep(env), tenant, (c) => c.get(where, { skipSchema: true })) };
      }
      // A new order is read back at once: its expiry is what the model times it by.
      if (readBack && sentOrderId && !existing && !repeated && ok(obs.ex)) return { ...obs, follow: await observe(env, currentStep(env), tenant, (c) => c.get(orderPath(env, sentOrderId))) };
      return obs;
    },
    judge(s, obs, j) {
      if (p.invalid) return judgeInvalidCreate(obs!, j);
      if (p.ownLimit && !ok(obs!.ex)) return judgeRefusedCreate(obs!, j);
      if (p.ownLimit === 'past') return judgeTakenAsIs(obs!, j);
      if (own) return judgeRetry(s, own, obs!, j);
      // The same create sent twice at once: whichever the server took second is a retry.
      // So is one of this tenant's own made before with another's uuid: the same request again, or another request.
      const twin = s.bookings.find((b) => b.uuid === uuid && b.tenant === tenant);
      if (twin) return judgeRetry(s, twin, obs!, j, sameRequest(body, twin.request));
      if (repeated) return judgeForeignUuid(s, repeated, obs!, j);
      judgeCreate(s, env, p, obs!, j, { uuid, orderId: sentOrderId, body, what });
    },
  };

  function judgeInvalidCreate(obs: Obs, j: Judge) {
    const { ex } = obs;
    if (ex.status !== 400 || !isErrorArray(ex.body)) j.fail('CART-BAD-INPUT', `${what} answered ${ex.status}`, { expected: 'status 400 with the error array', actual: brief(ex), exchange: ex });
    const read = obs.follow!;
    if (read.ex.status !== 404) j.fail('CART-BAD-INPUT', `${what} was refused, yet GET of its booking answers ${read.ex.status}`, { expected: 'status 404: nothing was created', actual: brief(read.ex), exchange: read.ex });
  }

  /** A create at or past a limit the spec sets on its own, refused: a 4xx with the error array, and nothing created. */
  function judgeRefusedCreate(obs: Obs, j: Judge) {
    const { ex } = obs;
    if (!is4xx(ex) || !isErrorArray(ex.body)) j.fail('CART-BAD-INPUT', `${what} answered ${ex.status}`, { expected: 'the booking, or a 4xx answer with the error array', actual: brief(ex), exchange: ex });
    const read = obs.follow!;
    if (read.ex.status !== 404) j.fail('CART-BAD-INPUT', `${what} was refused, yet GET of its booking answers ${read.ex.status}`, { expected: 'status 404: nothing was created', actual: brief(read.ex), exchange: read.ex });
  }

  /** A create past a limit the spec sets on its own, taken: the booking answered is there. */
  function judgeTakenAsIs(obs: Obs, j: Judge) {
    const read = obs.follow!;
    if (read.ex.status !== 200 || read.ex.body?.uuid !== uuid) j.fail('CART-ORDER-READ', `${what} was answered ${obs.ex.status}, yet GET of its booking answers ${read.ex.status}`, { expected: 'status 200 with the booking the create answered', actual: brief(read.ex), exchange: read.ex });
  }

  function judgeRetry(s: CartState, b: CBooking, obs: Obs, j: Judge, same = !p.change || p.change === 'none' || p.change === 'key-order') {
    const { ex } = obs;
    b.rule = 'CART-CREATE-RETRY';
    if (same) {
      if (!ok(ex)) return j.fail('CART-CREATE-RETRY', `${what} answered ${ex.status}`, { expected: 'status 200 or 201 with the original booking', actual: brief(ex), exchange: ex });
      if (ex.body?.supplierReference !== b.supplierReference) j.fail('CART-CREATE-RETRY', `${what} answered another booking`, { expected: `supplierReference ${b.supplierReference}`, actual: ex.body?.supplierReference, exchange: ex });
      return;
    }
    if (ok(ex) || !is4xx(ex) || !isErrorArray(ex.body)) j.fail('CART-CREATE-RETRY', `${what} answered ${ex.status}`, { expected: 'a 4xx answer with the error array, the original unchanged', actual: brief(ex), exchange: ex });
    const read = obs.follow;
    if (read && read.ex.status !== 404) j.fail('CART-CREATE-RETRY', `${what}: the order it named exists (${read.ex.status})`, { expected: 'status 404: the refused retry made no order', actual: brief(read.ex), exchange: read.ex });
    void s;
  }

  /** Another tenant's uuid: a booking of one's own, or a refusal; never the other tenant's booking. */
  function judgeForeignUuid(s: CartState, other: CBooking, obs: Obs, j: Judge) {
    const { ex } = obs;
    if (!ok(ex)) return;
    if (ex.body?.supplierReference === other.supplierReference) {
      j.fail('CART-TENANCY', `${what} answered ${TENANT_NAMES[other.tenant]}'s booking`, { expected: 'a booking of its own, or a refusal', actual: brief(ex), exchange: ex });
    }
    if (ex.body?.status !== 'ON_HOLD') return;
    s.bookings.push(newBooking(s, tenant, uuid, sentOrderId, other.avail, other.units, ex.body, body));
    if (!sentOrderId) return;
    // The other tenant's orderId: an order of this tenant's own, timed when next read.
    const o = orderOf(s, tenant, sentOrderId);
    if (o) o.bookings.push(uuid);
    else s.orders.push({ id: sentOrderId, n: s.orders.length + 1, tenant, status: 'ON_HOLD', expires: NaN, rule: 'CART-ORDER-READ', bookings: [uuid], async: asyncOption(env, other.avail) });
  }
}

/** Two create bodies are the same request when every member is the same, whatever the order of their keys. */
const canonical = (x: unknown): unknown =>
  Array.isArray(x) ? x.map(canonical) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, canonical((x as Record<string, unknown>)[k])])) : x;
const sameRequest = (a: Record<string, any>, b: Record<string, any>) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

function newBooking(s: CartState, tenant: Tenant, uuid: string, orderId: string | undefined, avail: Avail, units: number, answer: any, request: Record<string, any>): CBooking {
  return {
    uuid,
    n: s.bookings.length + 1,
    tenant,
    orderId,
    avail,
    units,
    status: 'ON_HOLD',
    hold: time(answer?.utcHoldExpiration),
    rule: 'CART-BOOKING-JOINS-ORDER',
    supplierReference: answer?.supplierReference,
    request,
  };
}

function judgeCreate(s: CartState, env: Env, p: CreateParams, obs: Obs, j: Judge, c: { uuid: string; orderId?: string; body: Record<string, any>; what: string }) {
  const { ex } = obs;
  const { tenant, avail, units, minutes } = p;
  const { orderId, what } = c;
  const o = orderId ? orderOf(s, tenant, orderId) : undefined;
  const state = o ? orderSeen(o, obs) : 'NEW';
  const mustFail = state !== 'NEW' && state !== 'ON_HOLD' && state !== 'EITHER';
  // Another tenant's order under this orderId must not matter (CART-TENANCY: separate orders).
  const others = !o && !!orderId && s.orders.some((x) => x.id === orderId && x.tenant !== tenant);
  const rule = mustFail ? (state === 'EXPIRED' ? 'CART-ORDER-EXPIRES' : 'CART-ORDER-JOIN-ONLY-ON-HOLD') : o ? 'CART-BOOKING-JOINS-ORDER' : others ? 'CART-TENANCY' : orderId ? 'CART-ORDER-CREATED-ON-DEMAND' : 'CART-BOOKING-JOINS-ORDER';
  const limited = avail === 'small' || avail === 'rejecting';
  // OrderIds unique to the supplier (capabilities.resellerOrderIds false): another reseller's is refused, cleanly.
  const supplierScoped = others && (env.check?.capabilities ?? env.capabilities)?.resellerOrderIds?.state === 'absent';
  if (!ok(ex)) {
    if ((mustFail || supplierScoped) && !(is4xx(ex) && isErrorArray(ex.body))) j.fail(rule, `a booking for a ${state} order answered ${ex.status}`, { expected: 'a 4xx answer with the error array', actual: brief(ex), exchange: ex });
    if (mustFail || supplierScoped || state === 'EITHER') return;
    const hint = others ? ' (declare capabilities.resellerOrderIds false if your orderIds are unique to the supplier)' : '';
    if (!limited) return j.fail(rule, `${what} was refused${hint}`, { expected: 'status 200 or 201 with the booking', actual: brief(ex), exchange: ex });
    if (avail !== 'small') return;
    // The small availability may be full; refused although an order cancel freed what was once accepted: a leak.
    const use = smallMaybeInUse(s) + units;
    if (s.capacity.freedSince && use <= s.capacity.accepted) {
      j.fail('CART-ORDER-CANCEL-ENDS-HOLD', `a booking of ${units} place(s) of the small availability was refused, though at most ${use} places would be in use and ${s.capacity.accepted} were once accepted, and an order cancel gave places back since`, { expected: 'the booking succeeds (the cancelled holds ended)', actual: brief(ex), exchange: ex });
    }
    return;
  }
  if (mustFail) return j.fail(rule, `a booking joined a ${state} order`, { expected: 'a 4xx answer with the error array, the order unchanged', actual: brief(ex), exchange: ex });
  if ((ex.body?.orderId ?? undefined) !== orderId) j.fail(orderId ? 'CART-BOOKING-JOINS-ORDER' : 'CART-ORDER-READ', `the booking reports orderId ${ex.body?.orderId}`, { expected: orderId ?? null, actual: ex.body?.orderId, exchange: ex });
  // Sent at the same moment as an order operation, a joining booking's answer may show it as that operation left it
  // (read later in its window); the order read after the step judges where it really stands.
  const joinedAtOnce = !!orderId && !!env.atOnce;
  if (ex.body?.status !== 'ON_HOLD' && !(joinedAtOnce && ['CONFIRMED', 'CANCELLED', 'PENDING', 'EXPIRED'].includes(ex.body?.status))) j.fail('CART-ORDER-STARTS-ON-HOLD', `a new booking reads ${ex.body?.status}`, { expected: 'ON_HOLD', actual: ex.body?.status, exchange: ex });
  const b = newBooking(s, tenant, c.uuid, orderId, avail, units, ex.body, c.body);
  if (joinedAtOnce) b.joinedAtOnce = b.holdUnsure = true;
  s.bookings.push(b);
  if (avail === 'small') {
    s.capacity.accepted = Math.max(s.capacity.accepted, smallInUse(s, obs));
    s.capacity.freedSince = false;
  }
  if (o) return void o.bookings.push(c.uuid);
  if (!orderId) return;
  const order: COrder = { id: orderId, n: s.orders.length + 1, tenant, status: 'ON_HOLD', expires: NaN, rule: 'CART-ORDER-READ', bookings: [c.uuid], async: asyncOption(env, avail) };
  s.orders.push(order);
  const read = obs.follow;
  // Created beside another write: the order is timed by its next read.
  if (!read) return;
  if (read.ex.status !== 200) return j.fail('CART-ORDER-CREATED-ON-DEMAND', `the order the booking created answers ${read.ex.status}`, { expected: 'status 200 with the order', actual: brief(read.ex), exchange: read.ex });
  if (read.ex.body?.status !== 'ON_HOLD') j.fail('CART-ORDER-STARTS-ON-HOLD', `a new order reads ${read.ex.body?.status}`, { expected: 'ON_HOLD', actual: read.ex.body?.status, exchange: read.ex });
  const expires = time(read.ex.body?.utcExpiresAt) ?? obs.to + minutes * 60_000;
  if (!(expires > obs.from && expires <= read.to + minutes * 60_000)) {
    j.fail('CART-ORDER-EXPIRY-TIME', `a new order asked to hold ${minutes} min expires at ${read.ex.body?.utcExpiresAt}`, { expected: `after the request, at most ${minutes} min after it: between ${new Date(obs.from).toISOString()} and ${new Date(read.to + minutes * 60_000).toISOString()} on the server's clock`, actual: read.ex.body?.utcExpiresAt, exchange: read.ex });
  }
  order.expires = expires;
  if (b.hold === null) b.hold = expires;
  judgeOrder(j, s, order, read.ex.body, read, 'the new order');
}

export interface OrderOpParams {
  op: OrderOp;
  /** Order `i` of the model (modulo), by its owner or by the other tenant. */
  i: number;
  other?: boolean;
  /** Read the order right after (alone, not beside another write). */
  readAfter?: boolean;
  /** Minutes asked by an extension (default 10). */
  minutes?: number;
}

function orderOpAction(s: CartState, env: Env, p: OrderOpParams): Action<CartState> | undefined {
  const target = s.orders.length ? s.orders[p.i % s.orders.length] : undefined;
  if (!target) return undefined;
  const tenant = (p.other ? 1 - target.tenant : target.tenant) as Tenant;
  const id = target.id;
  const { op } = p;
  const minutes = p.minutes ?? 10;
  const own = orderOf(s, tenant, id);
  const readAfter = p.readAfter && own;
  return {
    label: label(tenant, `${op}${op === 'extend' ? ` by ${minutes} min` : ''} ${own ? `order #${own.n}` : `${TENANT_NAMES[target.tenant]}'s order #${target.n} (not ${TENANT_NAMES[tenant]}'s)`}${readAfter ? ', then read it' : ''}`),
    tenant,
    async send(env) {
      const obs = await observe(env, currentStep(env), tenant, (c) =>
        op === 'confirm'
          ? c.post(orderPath(env, id, 'confirm'), { contact: CONTACT })
          : op === 'extend'
            ? c.post(orderPath(env, id, 'extend'), { reason: 'CUSTOMER_REQUESTED', reasonDetails: 'ordercert explore', holdExpirationMinutes: minutes })
            : c.delete(orderPath(env, id), CANCEL),
      );
      if (!readAfter) return obs;
      return { ...obs, follow: await observe(env, currentStep(env), tenant, (c) => c.get(orderPath(env, id))) };
    },
    judge(s, obs, j) {
      const o = orderOf(s, tenant, id);
      if (!o) {
        if (obs!.ex.status !== 404) j.fail('CART-TENANCY', `${op} of another reseller's order answered ${obs!.ex.status}`, { expected: 'status 404, nothing changed', actual: brief(obs!.ex), exchange: obs!.ex });
        return;
      }
      applyOrderOp(s, o, op, obs!, j, decisionFor, settleMs(env));
      const read = obs!.follow;
      if (!read) return;
      if (read.ex.status !== 200) return j.fail('CART-ORDER-READ', `GET order answered ${read.ex.status}`, { expected: 'status 200 with the order', actual: brief(read.ex), exchange: read.ex });
      judgeOrder(j, s, o, read.ex.body, read, `the order read right after the ${op}`);
    },
  };
}

export interface BookingOpParams {
  op: BookingOp;
  /** Booking `i` of the model (modulo), by its owner or by the other tenant. */
  i: number;
  other?: boolean;
}

function bookingOpAction(s: CartState, env: Env, p: BookingOpParams): Action<CartState> | undefined {
  if (!s.bookings.length) return undefined;
  const target = s.bookings[p.i % s.bookings.length];
  const tenant = (p.other ? 1 - target.tenant : target.tenant) as Tenant;
  const { op } = p;
  return {
    label: label(tenant, `${op} booking #${target.n}${p.other ? ` of ${TENANT_NAMES[target.tenant]}` : ''}${target.orderId ? ` (of order ${target.orderId})` : ''} on its own`),
    tenant,
    send: (env) =>
      observe(env, currentStep(env), tenant, (c) =>
        op === 'read' ? c.get(bookingPath(env, target.uuid)) : op === 'confirm' ? c.post(bookingPath(env, target.uuid, 'confirm'), { contact: CONTACT }) : c.post(bookingPath(env, target.uuid, 'cancel'), CANCEL),
      ),
    judge(s, obs, j) {
      const b = s.bookings.find((x) => x.uuid === target.uuid && x.tenant === tenant);
      if (!b) {
        if (obs!.ex.status !== 404) j.fail('CART-TENANCY', `${op} of another reseller's booking answered ${obs!.ex.status}`, { expected: 'status 404, nothing changed', actual: brief(obs!.ex), exchange: obs!.ex });
        return;
      }
      applyBookingOp(s, b, op, obs!, j, settleMs(env));
    },
  };
}

function readOrderAction(s: CartState, p: { i: number; other?: boolean }): Action<CartState> | undefined {
  const target = s.orders.length ? s.orders[p.i % s.orders.length] : undefined;
  if (!target) return undefined;
  const tenant = (p.other ? 1 - target.tenant : target.tenant) as Tenant;
  return {
    label: label(tenant, `read order #${target.n}${p.other ? ` of ${TENANT_NAMES[target.tenant]}` : ''}`),
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
  };
}

/** Reads order `i` and each of its bookings alone: every booking must read alone as it reads in the order. */
function compareAction(s: CartState, i: number): Action<CartState> | undefined {
  const target = s.orders.length ? s.orders[i % s.orders.length] : undefined;
  if (!target) return undefined;
  const tenant = target.tenant;
  return {
    label: label(tenant, `read order #${target.n} and each of its bookings alone`),
    tenant,
    async send(env) {
      // The order and each booking alone, all read at once (reads change nothing; nothing else moves the case's state meanwhile).
      const step = currentStep(env);
      const [order, ...alone] = await Promise.all([
        observe(env, step, tenant, (c) => c.get(orderPath(env, target.id))),
        ...target.bookings.map((uuid) => observe(env, step, tenant, (c) => c.get(bookingPath(env, uuid)))),
      ]);
      return { ...order, follow: { ...order, alone } as Obs & { alone: Obs[] } };
    },
    judge(s, obs, j) {
      const o = orderOf(s, tenant, target.id)!;
      if (obs!.ex.status !== 200) return j.fail('CART-ORDER-READ', `GET order answered ${obs!.ex.status}`, { expected: 'status 200 with the order', actual: brief(obs!.ex), exchange: obs!.ex });
      judgeOrder(j, s, o, obs!.ex.body, obs!, 'GET order');
      compareDerived(j, s, o, obs!, (obs!.follow as Obs & { alone: Obs[] }).alone);
    },
  };
}

export type ClockKind = 'short' | 'past' | 'expiry' | 'settle' | 'minute' | 'hour' | 'day';
const JUMP_SECONDS: Partial<Record<ClockKind, number>> = { minute: 60, hour: 3600, day: 86_400 };
const CLOCK_WHY: Record<ClockKind, string> = {
  short: "short of the next hold's end",
  past: "past the next hold's end",
  expiry: "past every order's utcExpiresAt",
  settle: 'past settleSeconds',
  minute: 'a minute',
  hour: 'an hour',
  day: 'a day',
};

function clockAction(s: CartState, env: Env, kind: ClockKind): Action<CartState> {
  const now = Date.now() + env.offsetMs;
  const ends = [...s.orders.filter((o) => o.status === 'ON_HOLD').map((o) => o.expires), ...s.bookings.filter((b) => b.status === 'ON_HOLD' && b.hold !== null).map((b) => b.hold!)].filter((t) => t > now + 2000);
  // Expiry: past every order's utcExpiresAt, whatever its status (final states must outlive it).
  const last = kind === 'expiry' ? Math.max(0, ...s.orders.map((o) => o.expires).filter((t) => t > now)) : 0;
  const next = kind === 'expiry' ? (last || undefined) : ends.length ? Math.min(...ends) : undefined;
  // Short: a minute, or to a few seconds before the next hold ends. Past: a few seconds beyond it. Settle: past
  // the profile's settleSeconds and the model's slack. Minute, hour, day: that far.
  const seconds =
    JUMP_SECONDS[kind] ??
    (kind === 'settle'
      ? Math.ceil(settleMs(env) / 1000 + (2 * env.slackMs) / 1000) + 1
      : kind === 'short'
        ? Math.max(1, Math.min(60, next ? Math.floor((next - now) / 1000) - 5 : 60))
        : next
          ? Math.ceil((next - now) / 1000) + 3
          : 120);
  return {
    label: `clock: advance ${seconds} s (${CLOCK_WHY[kind]})`,
    send: (env) => advance(env, currentStep(env), seconds).then(() => undefined),
    judge() {},
  };
}

// ---- step kinds, shared by explore's arbitraries and the sweep's cases -----------------------------------

const one = <T>(a: T | undefined) => (a ? [a] : undefined);
export const createStep = (p: CreateParams, readBack = true): StepSpec<CartState> => ({ name: `create booking (${p.target}, ${p.avail})`, make: (s, env) => one(createAction(s, env, p, readBack)) });
export const orderOpStep = (p: OrderOpParams): StepSpec<CartState> => ({ name: `${p.op} order${p.other ? ' as the other tenant' : ''}`, make: (s, env) => one(orderOpAction(s, env, p)) });
export const bookingOpStep = (p: BookingOpParams): StepSpec<CartState> => ({ name: `${p.op} booking${p.other ? ' as the other tenant' : ''}`, make: (s, env) => one(bookingOpAction(s, env, p)) });
export const readOrderStep = (i: number, other = false): StepSpec<CartState> => ({ name: 'read order', make: (s) => one(readOrderAction(s, { i, other })) });
export const compareStep = (i: number): StepSpec<CartState> => ({ name: 'compare order and bookings', make: (s) => one(compareAction(s, i)) });
export const clockStep = (kind: ClockKind): StepSpec<CartState> => ({ name: `clock ${kind}`, make: (s, env) => [clockAction(s, env, kind)] });
/**
 * Several steps' actions sent at the same moment (each must have something to act on). Which request reaches the
 * server first is not ours to choose, but it follows the sending order more often than not: each use within a run
 * sends them in the other order than the last, so that a sequence with two such steps tries both. The order depends
 * on the run alone (never on other runs in flight), so a sweep case's repeats send in the same order and its
 * measured stagger applies to the write it was measured on, and a shrunk sequence replays as found.
 */
const STAGGER_MS = 30;
export const together = (...steps: StepSpec<CartState>[]): StepSpec<CartState> => ({
  name: steps.map((x) => x.name).join(' || '),
  make(s, env) {
    env.races = (env.races ?? 0) + 1;
    const actions = (env.races % 2 === 0 ? [...steps].reverse() : steps).map((x) => x.make(s, env));
    if (!actions.every((a) => a?.length)) return undefined;
    // The later ones leave a few milliseconds after the first: a server that checks, waits on something, then
    // writes is still inside its window, and one that parses the later request faster no longer overtakes it.
    return actions.flatMap((a, k) => a!.map((x) => (k === 0 ? x : { ...x, send: (e: Env) => new Promise<void>((r) => setTimeout(r, STAGGER_MS)).then(() => x.send(e)) })));
  },
});

/** Writes a sweep or a sequence may send beside another, all on order `i` or its first booking. */
export type Write = 'confirm' | 'cancel' | 'extend' | 'join' | 'booking-confirm' | 'booking-cancel';
export const WRITES: Write[] = ['confirm', 'cancel', 'extend', 'join', 'booking-confirm', 'booking-cancel'];
export function writeStep(w: Write, i: number, avail: Avail = 'open'): StepSpec<CartState> {
  if (w === 'join') return createStep({ tenant: 0, target: 'join', i, minutes: 30, avail, units: 1 }, false);
  if (w === 'booking-confirm' || w === 'booking-cancel') {
    const op: BookingOp = w === 'booking-confirm' ? 'confirm' : 'cancel';
    return { name: `${op} booking`, make: (s, env) => one(bookingOpAction(s, env, { op, i: firstBookingOf(s, i) })) };
  }
  return orderOpStep({ op: w, i });
}
/** The index in s.bookings of order i's first booking (its first booking overall when it has none). */
const firstBookingOf = (s: CartState, i: number) => {
  const o = s.orders.length ? s.orders[i % s.orders.length] : undefined;
  return Math.max(0, o ? s.bookings.findIndex((b) => b.uuid === o.bookings[0] && b.tenant === o.tenant) : 0);
};

/** Readers of the order while a write on it is in flight, and the most reads each makes (a write that hangs is not read without end). */
export const READERS = 4;
const MAX_READS = 25;

/**
 * Write `w` on order `i` while readers read the order again and again until it is answered. The order and its
 * bookings are one thing to a reader: each read must show the order wholly as before the write or wholly as after
 * it (CART-ORDER-ALL-OR-NOTHING), never a mix such as an order CANCELLED whose bookings still read ON_HOLD, or
 * bookings moved on while the order has not. The write itself is judged as when sent alone.
 */
export function readsDuringStep(w: Write, i: number, readers = READERS): StepSpec<CartState> {
  const write = writeStep(w, i);
  const read = readOrderStep(i);
  return {
    name: `${write.name} while the order is read`,
    make(s, env) {
      const wa = write.make(s, env)?.[0];
      const ra = read.make(s, env)?.[0];
      if (!wa || !ra) return undefined;
      const action: Action<CartState> = {
        label: `${wa.label}, while ${readers} readers read the order again and again until it is answered`,
        tenant: wa.tenant,
        // Not staged on a quiet API (as writes sent at once are): each read is judged soundly whatever else the
        // server is doing, and other checks' requests only move where the write's window falls among the reads.
        async send(env) {
          let answered = false;
          const during: Obs[] = [];
          const reader = async () => {
            for (let n = 0; n < MAX_READS && !answered; n++) {
              const r = await ra.send(env);
              if (r) during.push(r);
            }
          };
          const written = wa.send(env).finally(() => void (answered = true));
          const [obs] = await Promise.all([written, ...Array.from({ length: readers }, reader)]);
          return obs && ({ ...obs, during } as Obs & { during: Obs[] });
        },
        judge(s, obs, j) {
          const before = structuredClone(s);
          wa.judge(s, obs, j);
          for (const r of (obs as Obs & { during: Obs[] }).during) judgeReadDuring(env, ra, before, s, r, j, w);
        },
      };
      return [action];
    },
  };
}

/** Joiners of the order while its confirm or cancel is in flight, and the most joins each sends. */
export const JOINERS = 4;
const MAX_JOINS = 10;

/**
 * The confirm or cancel of order `i` while bookings keep joining it until it is answered. Only one serial order
 * can explain the answers: every join that succeeded came before the operation (after it the order takes no
 * booking: CART-ORDER-JOIN-ONLY-ON-HOLD), so the operation acted on it and lists it (CART-ORDER-OPS-COLLECTIVE),
 * and every join refused came after. An operation that reads the order's bookings and writes later is met by a
 * join landing in between.
 */
export function joinsDuringStep(op: 'confirm' | 'cancel', i: number, joiners = JOINERS): StepSpec<CartState> {
  const write = writeStep(op, i);
  const join = writeStep('join', i);
  return {
    name: `${op} order while bookings join it`,
    make(s, env) {
      const wa = write.make(s, env)?.[0];
      if (!wa || !join.make(s, env)?.length) return undefined;
      const joins: { action: Action<CartState>; obs: Obs }[] = [];
      const action: Action<CartState> = {
        label: `${wa.label}, while ${joiners} joiners add bookings to the order again and again until it is answered`,
        tenant: wa.tenant,
        // Not staged on a quiet API either: one serial order is checked, whatever else the server is doing.
        async send(env) {
          let answered = false;
          const joiner = async () => {
            for (let n = 0; n < MAX_JOINS && !answered; n++) {
              const a = join.make(s, env)![0];
              const obs = await a.send(env);
              if (obs) joins.push({ action: a, obs });
            }
          };
          const written = wa.send(env).finally(() => void (answered = true));
          return (await Promise.all([written, ...Array.from({ length: joiners }, joiner)]))[0];
        },
        judge(s, obs, j) {
          const taken = joins.filter((x) => ok(x.obs.ex));
          const refused = joins.filter((x) => !ok(x.obs.ex));
          // Answers sent beside the operation may show its effect (a join's booking already CANCELLED).
          env.atOnce = true;
          try {
            for (const x of taken) x.action.judge(s, x.obs, j);
            wa.judge(s, obs, j);
            for (const x of refused) x.action.judge(s, x.obs, j);
          } finally {
            env.atOnce = false;
          }
        },
      };
      return [action];
    },
  };
}

/** A read made while write `w` was in flight: the order as before it, or as after it; else a finding. */
function judgeReadDuring(env: Env, ra: Action<CartState>, before: CartState, after: CartState, r: Obs, j: Judge, w: Write) {
  if (r.ex.status !== 200) return j.fail('CART-ORDER-READ', `GET order answered ${r.ex.status}`, { expected: 'status 200 with the order', actual: brief(r.ex), exchange: r.ex });
  // Judged against each state on a copy. A state the read fits without a finding explains it; else one it fits
  // with SHOULD findings only (those are passed on); a MUST finding rules a state out.
  const against = (state: CartState) => {
    const found: Finding[] = [];
    ra.judge(structuredClone(state), r, { fail: (rule, message, detail) => void found.push(new Finding(rule, message, detail)) });
    return { found, must: found.find((f) => ruleLevel(env, f.rule) === 'MUST') };
  };
  const [asBefore, asAfter] = [against(before), against(after)];
  if (!asBefore.found.length || !asAfter.found.length) return;
  const fit = !asBefore.must ? asBefore : !asAfter.must ? asAfter : undefined;
  if (fit) return fit.found.forEach((f) => j.fail(f.rule, f.message, f.detail));
  const order = r.ex.body;
  j.fail('CART-ORDER-ALL-OR-NOTHING', `GET order, sent while the ${w} was in flight, reads the order neither as before it (${asBefore.must!.message}) nor as after it (${asAfter.must!.message})`, {
    expected: 'the order and every booking as before the operation, or all as after it',
    actual: { order: order?.status, utcExpiresAt: order?.utcExpiresAt, bookings: (order?.bookings ?? []).map((b: any) => `${b?.uuid}: ${b?.status} until ${b?.utcHoldExpiration}`) },
    exchange: r.ex,
  });
}

// ---- explore's random steps ---------------------------------------------------------------------------

const tenantArb = fc.constantFrom<Tenant>(0, 0, 1);
const availArb = fc.constantFrom<Avail>('open', 'open', 'open', 'small', 'async', 'rejecting');
const arbitraries = (clock: boolean) => {
  const create = fc
    .record({ tenant: tenantArb, target: fc.constantFrom('new', 'join', 'join', 'alone'), i: fc.nat(), minutes: fc.constantFrom(2, 5, 30, 60), avail: availArb, units: fc.constantFrom(1, 1, 2) })
    .map((p) => createStep({ ...p, target: p.target as CreateParams['target'] }));
  const retry = fc.record({ i: fc.nat(), foreign: fc.boolean(), change: fc.constantFrom<RetryChange>('none', 'key-order', 'resellerReference', 'unitItems', 'orderId') }).map(({ i, foreign, change }) => ({
    name: 'create again',
    make: (s: CartState, env: Env) => {
      const b = s.bookings.length ? s.bookings[i % s.bookings.length] : undefined;
      return b ? one(createAction(s, env, { tenant: (foreign ? 1 - b.tenant : b.tenant) as Tenant, target: 'new', minutes: 30, avail: b.avail, units: b.units, retryOf: i, change })) : undefined;
    },
  }));
  const op = fc.record({ i: fc.nat(), op: fc.constantFrom<OrderOp>('confirm', 'extend', 'cancel'), other: fc.constantFrom(false, false, true) }).map((p) => orderOpStep({ ...p, readAfter: !p.other }));
  const read = fc.record({ i: fc.nat(), other: fc.constantFrom(false, false, false, true) }).map(({ i, other }) => readOrderStep(i, other));
  const booking = fc.record({ i: fc.nat(), op: fc.constantFrom<BookingOp>('read', 'confirm', 'cancel', 'cancel'), other: fc.constantFrom(false, false, false, true) }).map((p) => bookingOpStep(p));
  const pair = fc.record({ i: fc.nat(), a: fc.constantFrom(...WRITES), b: fc.constantFrom(...WRITES) }).map(({ i, a, b }) => together(writeStep(a, i), writeStep(b, i)));
  const compare = fc.nat().map((i) => compareStep(i));
  const readDuring = fc.record({ i: fc.nat(), w: fc.constantFrom(...WRITES) }).map(({ i, w }) => readsDuringStep(w, i));
  const joinDuring = fc.record({ i: fc.nat(), op: fc.constantFrom<'confirm' | 'cancel'>('confirm', 'cancel') }).map(({ i, op }) => joinsDuringStep(op, i));
  const time = fc.constantFrom<ClockKind>('short', 'past', 'past', 'settle', 'hour', 'day').map((k) => clockStep(k));
  return [create, create, create, retry, op, op, read, read, booking, booking, pair, readDuring, joinDuring, compare, ...(clock ? [time, time] : [])];
};

/** Cancels every order and booking still held or confirmed, and lets pending decisions settle, for the next run. */
async function cleanup(env: Env, s: CartState) {
  // Never judged: each cancel sent at once.
  await Promise.all([
    ...s.orders.filter((o) => o.status === 'ON_HOLD' || o.status === 'CONFIRMED').map((o) => env.clients[o.tenant].delete(orderPath(env, o.id), CANCEL, { skipSchema: true })),
    ...s.bookings.filter((b) => !b.orderId && (b.status === 'ON_HOLD' || b.status === 'CONFIRMED')).map((b) => env.clients[b.tenant].post(bookingPath(env, b.uuid, 'cancel'), CANCEL, { skipSchema: true })),
  ]);
  // A pending confirmation keeps its places until decided; on a test clock the decision is not waited for in real time.
  if (env.clock.controllable && s.orders.some((o) => o.status === 'PENDING')) {
    await advance(env, currentStep(env), Math.ceil(settleMs(env) / 1000) + 1);
    // Whatever the decision was to be: a server that confirmed what it should have rejected keeps no places either.
    await Promise.all(s.orders.filter((o) => o.status === 'PENDING').map((o) => env.clients[o.tenant].delete(orderPath(env, o.id), CANCEL, { skipSchema: true })));
  }
}

export const cartModel: ExploreModel<CartState> = {
  api: 'cart',
  maxSteps: 14,
  steps: ({ clock }) => arbitraries(clock),
  async init() {
    return { orders: [], bookings: [], capacity: { accepted: 0, freedSince: false } };
  },
  cleanup,
};
