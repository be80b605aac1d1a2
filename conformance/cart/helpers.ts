/** Building blocks of the cart checks: bookings and orders made through the API, snapshots, time. */
import { diff } from '../framework/diff.js';
import { excerpt } from '../framework/excerpt.js';
import type { CheckContext } from '../framework/check.js';
import type { ApiClient } from '../framework/http.js';
import type { Exchange } from '../framework/types.js';
import { NotRun } from '../framework/violation.js';

export const SCHEMA_RULE = 'CART-RESPONSE-SCHEMA';
export const CART = { 'X-Capabilities': 'redeam/cart' };

export const ok = (ex: Exchange) => ex.status >= 200 && ex.status < 300;
export const clientError = (ex: Exchange) => ex.status >= 400 && ex.status < 500;

const sup = (t: CheckContext) => `/suppliers/${encodeURIComponent(String(t.profile.supplierId))}`;
export const bookingPath = (t: CheckContext, uuid: string, op = '') => `${sup(t)}/bookings/${uuid}${op ? '/' + op : ''}`;
export const orderPath = (t: CheckContext, orderId: string, op = '') => `${sup(t)}/orders/${encodeURIComponent(orderId)}${op ? '/' + op : ''}`;
export const bookingsPath = (t: CheckContext) => `${sup(t)}/bookings`;

export const CONTACT = { fullName: 'Conformance Tester', emailAddress: 'tester@example.com', phoneNumber: '+46700000000', locales: ['en'], country: 'SE' };
export const CONFIRM = { contact: CONTACT };
export const CANCEL = { reason: 'CUSTOMER', reasonDetails: 'conformance check' };
export const extendBody = (minutes: number) => ({ reason: 'CUSTOMER_REQUESTED', reasonDetails: 'conformance check', holdExpirationMinutes: minutes });

export interface BookingOptions {
  uuid?: string;
  orderId?: string;
  minutes?: number;
  availabilityId?: string;
  units?: number;
}

/**
 * The sales channel every booking names. Our spec leaves channelName and channelId optional, Redeam's pending-booking
 * table requires both: sending them keeps the suite's requests acceptable to a server that enforces that table.
 */
export const CHANNEL = { channelName: 'ordercert', channelId: '5b0c7a52-3f1e-4d7b-9a61-0c2e8f4d9b13' };

export function bookingBody(t: CheckContext, o: BookingOptions = {}) {
  return {
    uuid: o.uuid ?? t.uuid(),
    resellerReference: t.uid('ref'),
    ...CHANNEL,
    productId: t.profile.productId,
    optionId: t.profile.optionId,
    availabilityId: o.availabilityId ?? t.profile.availabilityId,
    unitItems: Array.from({ length: o.units ?? 1 }, () => ({ unitId: t.profile.unitId })),
    holdExpirationMinutes: o.minutes ?? 30,
    ...(o.orderId ? { orderId: o.orderId } : {}),
  };
}

/** Creates a booking (with the cart header when it names an order); the answer is returned unjudged. */
export const createBooking = (t: CheckContext, o: BookingOptions = {}, client: ApiClient = t.alpha, options: { skipSchema?: boolean } = {}) =>
  client.post(bookingsPath(t), bookingBody(t, o), { headers: o.orderId ? CART : {}, ...options });

/** An order with `holds.length` bookings, the i-th asking for holds[i] minutes. A prerequisite, not judged. */
export async function buildOrder(t: CheckContext, holds: number[] = [30, 30, 30], client: ApiClient = t.alpha) {
  const orderId = t.uid('ord-');
  const uuids: string[] = [];
  for (const minutes of holds) {
    const uuid = t.uuid();
    await t.prerequisite(`creating booking ${uuids.length + 1} of order ${orderId}`, async () => {
      const ex = await createBooking(t, { uuid, orderId, minutes }, client);
      if (!ok(ex)) throw new Error(`create booking answered ${ex.status}: ${excerpt(ex.text, 200)}`);
    });
    uuids.push(uuid);
  }
  return { orderId, uuids };
}

export async function readOrder(t: CheckContext, orderId: string, client: ApiClient = t.alpha): Promise<any> {
  return t.prerequisite(`reading order ${orderId}`, async () => {
    const ex = await client.get(orderPath(t, orderId));
    if (ex.status !== 200) throw new Error(`GET order answered ${ex.status}: ${excerpt(ex.text, 200)}`);
    return ex.body;
  });
}

export async function readBooking(t: CheckContext, uuid: string, client: ApiClient = t.alpha): Promise<any> {
  return t.prerequisite(`reading booking ${uuid}`, async () => {
    const ex = await client.get(bookingPath(t, uuid));
    if (ex.status !== 200) throw new Error(`GET booking answered ${ex.status}: ${excerpt(ex.text, 200)}`);
    return ex.body;
  });
}

/** What all-or-nothing compares: the order's status and expiry, and each booking's status and hold. */
export function snapshot(order: any) {
  return {
    status: order?.status,
    utcExpiresAt: order?.utcExpiresAt,
    bookings: (order?.bookings ?? [])
      .map((b: any) => ({ uuid: b.uuid, status: b.status, utcHoldExpiration: b.utcHoldExpiration ?? null }))
      .sort((a: any, b: any) => String(a.uuid).localeCompare(String(b.uuid))),
  };
}

/** What a booking's create settled, member by member (a reused uuid must leave all of it as it was). */
export function bookingSnapshot(b: any) {
  return {
    uuid: b?.uuid,
    supplierReference: b?.supplierReference,
    resellerReference: b?.resellerReference,
    status: b?.status,
    utcHoldExpiration: b?.utcHoldExpiration ?? null,
    productId: b?.productId,
    optionId: b?.optionId,
    units: (b?.unitItems ?? []).map((u: any) => u?.unitId),
    orderId: b?.orderId ?? null,
  };
}

export const bookingStatuses = (order: any): string[] => (order?.bookings ?? []).map((b: any) => b.status);

/** Runs a step and requires a 2xx answer (a prerequisite, not judged). */
export async function must(t: CheckContext, what: string, step: () => Promise<Exchange>): Promise<Exchange> {
  return t.prerequisite(what, async () => {
    const ex = await step();
    if (!ok(ex)) throw new Error(`answered ${ex.status}: ${excerpt(ex.text, 200)}`);
    return ex;
  });
}

/** Moves the server's time (or waits) until `isoTime` has passed. */
export async function advancePast(t: CheckContext, isoTime: string, extraSeconds = 2) {
  const now = await t.clock.now();
  const seconds = Math.max(0, Math.ceil((Date.parse(isoTime) - now.getTime()) / 1000)) + extraSeconds;
  await t.clock.advance(seconds);
}

/** True when the body is the API's error array. */
export function isErrorArray(body: unknown): boolean {
  return (
    Array.isArray(body) &&
    body.length > 0 &&
    body.every(
      (e) => e && typeof e === 'object' && typeof e.errorClass === 'string' && typeof e.errorCode === 'string' && typeof e.errorMessage === 'string' && typeof e.retryable === 'boolean',
    )
  );
}

/** Fails the check's rule unless the answer is a 4xx with the error array. */
export function expectError(t: CheckContext, ex: Exchange, what: string, statuses?: number[]) {
  t.expect(statuses ? statuses.includes(ex.status) : clientError(ex), `${what} answered ${ex.status}`, {
    expected: statuses ? `status ${statuses.join(' or ')} with the error array` : 'a 4xx answer with the error array',
    actual: `${ex.status}: ${excerpt(ex.text, 300)}`,
    exchange: ex,
  });
  t.expect(isErrorArray(ex.body), `${what}: the error body is not the error array`, {
    expected: '[{ errorClass, errorCode, errorMessage, retryable }]',
    actual: excerpt(ex.text, 300),
    exchange: ex,
  });
}

/** Fails unless the order reads exactly as `before` did. */
export async function expectUnchanged(t: CheckContext, orderId: string, before: any, what: string, ex?: Exchange) {
  const after = snapshot(await readOrder(t, orderId));
  t.expectEqual(after, before, `${what} changed the order or its bookings`, ex);
}

/** Sends a request the server must refuse (a 4xx, or one of `statuses`), then reads the order and its bookings unchanged. */
export async function expectRefusedUnchanged(t: CheckContext, orderId: string, what: string, send: () => Promise<Exchange>, statuses?: number[]): Promise<Exchange> {
  const before = snapshot(await readOrder(t, orderId));
  const ex = await send();
  expectError(t, ex, what, statuses);
  await expectUnchanged(t, orderId, before, what, ex);
  return ex;
}

export type OrderOp = 'confirm' | 'extend' | 'cancel';

/** Pause between two reads of an order still PENDING (the wait itself is bounded by the check's budget). */
const SETTLE_POLL_MS = 250;

/**
 * Follows a PENDING order until the supplier has decided: the clock moves the profile's settleSeconds on (or that
 * much real time passes), then the order is read until it is no longer PENDING, within the check's budget. An order
 * that never settles fails the check's rule when `judged`, else the check is not run. Answers the order as read.
 */
export const settled = (t: CheckContext, orderId: string, judged = false, client: ApiClient = t.alpha): Promise<any> =>
  followUntilDecided(t, `order ${orderId}`, () => readOrder(t, orderId, client), judged);

/** The same for a single booking confirmed on its own. */
export const settledBooking = (t: CheckContext, uuid: string, judged = false, client: ApiClient = t.alpha): Promise<any> =>
  followUntilDecided(t, `booking ${uuid}`, () => readBooking(t, uuid, client), judged);

async function followUntilDecided(t: CheckContext, what: string, read: () => Promise<any>, judged: boolean): Promise<any> {
  let current = await read();
  if (current?.status !== 'PENDING') return current;
  const seconds = Number(t.profile.settleSeconds);
  if (!(seconds > 0)) {
    throw new NotRun(`${what} is PENDING and the profile has no cart.settleSeconds`, 'give cart.settleSeconds: the seconds after which a PENDING confirmation has settled');
  }
  // The declared settling time is the server's: the check's budget grows by it (a real-time wait grows it itself).
  if (t.clock.controllable) t.clock.allow(seconds * 1000);
  await t.clock.advance(seconds);
  for (;;) {
    current = await read();
    if (current?.status !== 'PENDING') return current;
    if (t.deadline() < SETTLE_POLL_MS * 2) break;
    await t.sleep(SETTLE_POLL_MS);
  }
  const message = `${what} took longer than the profile's settleSeconds (${seconds} s): still PENDING at the end of the check's budget`;
  if (judged) t.fail(message, { expected: 'CONFIRMED or REJECTED', actual: current?.status });
  throw new NotRun(`the pending confirmation settling: ${message}`, `declare in cart.settleSeconds the time your server really takes to decide (more than ${seconds} s), or give a longer --timeout`);
}

/**
 * Performs an order operation; the answer's schema is not checked here (the caller judges it). A confirm answered
 * PENDING (a supplier whose confirmations are not instant) is followed until it settles: the checks that confirm
 * an order to judge what follows mean the supplier's decision.
 */
export async function orderOp(t: CheckContext, op: OrderOp, orderId: string, client: ApiClient = t.alpha, options: { skipSchema?: boolean } = { skipSchema: true }) {
  if (op === 'confirm') {
    const ex = await client.post(orderPath(t, orderId, 'confirm'), CONFIRM, options);
    if (ok(ex) && (ex.body as any)?.status === 'PENDING') await settled(t, orderId, false, client);
    return ex;
  }
  if (op === 'extend') return client.post(orderPath(t, orderId, 'extend'), extendBody(10), options);
  return client.delete(orderPath(t, orderId), CANCEL, options);
}

export type Block = 'confirmed' | 'cancelled' | 'expired';

/**
 * A three-booking order whose second booking blocks collective operations: confirmed or cancelled on its
 * own through the booking endpoints, or expired (its hold shorter than the order's, then time moves on).
 * Returns the order and a snapshot taken just before the caller's operation.
 */
export async function blockedOrder(t: CheckContext, block: Block) {
  const holds = block === 'expired' ? [30, 1, 30] : [30, 30, 30];
  const { orderId, uuids } = await buildOrder(t, holds);
  const blocker = uuids[1];
  if (block === 'confirmed') await must(t, 'confirming booking 2 on its own', () => t.alpha.post(bookingPath(t, blocker, 'confirm'), CONFIRM));
  if (block === 'cancelled') await must(t, 'cancelling booking 2 on its own', () => t.alpha.post(bookingPath(t, blocker, 'cancel'), CANCEL));
  if (block === 'expired') {
    const order = await readOrder(t, orderId);
    const b = order.bookings.find((x: any) => x.uuid === blocker);
    if (!b?.utcHoldExpiration || !(Date.parse(b.utcHoldExpiration) + 10_000 < Date.parse(order.utcExpiresAt))) {
      throw new NotRun(
        `a booking whose hold ends before its order expires: asked for holds of ${holds.join(', ')} minutes, the server granted booking 2 a hold until ${b?.utcHoldExpiration} and the order until ${order.utcExpiresAt}: no booking expires alone`,
        "declare capabilities.perBookingHolds: false if your server holds every booking until its order's utcExpiresAt",
      );
    }
    await advancePast(t, b.utcHoldExpiration);
  }
  const before = snapshot(await readOrder(t, orderId));
  return { orderId, uuids, blocker, before };
}

/** Fails unless the order has bookings and every one reads one of `wanted`. */
export const statusesAll = (t: CheckContext, order: any, wanted: string[], message: string) => {
  const statuses = bookingStatuses(order);
  if (statuses.length === 0) t.fail(message, { expected: `every booking ${wanted.join(' or ')}`, actual: 'no bookings' });
  const differences = statuses.flatMap((s, i) => (wanted.includes(s) ? [] : [{ pointer: `/bookings/${i}/status`, expected: wanted.join(' or '), actual: s, kind: 'changed' as const }]));
  if (differences.length) t.fail(message, { expected: `every booking ${wanted.join(' or ')}`, actual: statuses, differences });
};

/**
 * All-or-nothing: fails unless the order and every booking read `wanted` (the first of `wanted` the order itself
 * reads, else the first), naming each member that differs by JSON pointer (`/bookings/1/status`).
 */
export function expectOrderAll(t: CheckContext, order: any, wanted: string[], message: string, exchange?: Exchange): void {
  const status = wanted.includes(order?.status) ? order.status : wanted[0];
  const shape = (o: any) => ({ status: o?.status, bookings: (o?.bookings ?? []).map((b: any) => ({ status: b?.status })) });
  const expected = { status, bookings: (order?.bookings ?? []).map(() => ({ status })) };
  const differences = diff(expected, shape(order));
  if (!order?.bookings?.length) t.fail(message, { expected: `the order and every booking ${wanted.join(' or ')}`, actual: 'an order without bookings', exchange });
  if (differences.length) t.fail(message, { expected, actual: shape(order), exchange, differences });
}
