/**
 * What the Cart model expects of each answer: the state it keeps (orders and bookings of both tenants with
 * statuses, holds, pending decisions) and the judgements of reads and operations, each naming its rule.
 * A status is judged as of the request's window: a hold ending inside it, or a pending decision not yet due,
 * allows either reading, and the model follows the one seen.
 */
import { brief, is4xx, ok, type Judge, type Obs, type Tenant } from './core.js';

export type Status = 'ON_HOLD' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED' | 'PENDING' | 'REJECTED';
export type Decision = 'CONFIRMED' | 'REJECTED';
/** A status as of a request: EITHER (ON_HOLD or EXPIRED: a hold ends inside its window), DECIDING (PENDING or the decision). */
export type Seen = Status | 'EITHER' | 'DECIDING';
/** Which availability of the profile a booking takes: the open one, the small one, the pending one or the rejecting one. */
export type Avail = 'open' | 'small' | 'async' | 'rejecting';
export type OrderOp = 'confirm' | 'extend' | 'cancel';
export type BookingOp = 'read' | 'confirm' | 'cancel';

/** A confirmation not instant: what the supplier will decide, and the server time by which it has (settleSeconds). */
export interface Pending {
  decision: Decision;
  settleBy: number;
}

export interface CBooking {
  uuid: string;
  n: number;
  tenant: Tenant;
  orderId?: string;
  avail: Avail;
  units: number;
  status: Status;
  hold: number | null;
  /** The rule that fixed this booking's status last. */
  rule: string;
  /** Cancelled with its ON_HOLD order: its places must be free again (CART-ORDER-CANCEL-ENDS-HOLD). */
  freed?: boolean;
  pending?: Pending;
  supplierReference?: string;
  /** The create request as first sent (a retry is judged against it). */
  request: Record<string, any>;
  /**
   * It joined its order in a step that also sent an order operation at the same moment: its hold may be as its answer
   * said or as that operation (an extension) left it, so the next read fixes it.
   */
  joinedAtOnce?: boolean;
  holdUnsure?: boolean;
}

export interface COrder {
  id: string;
  n: number;
  tenant: Tenant;
  status: Status;
  /** Server time of utcExpiresAt; NaN until a read tells it (an order created beside another write). */
  expires: number;
  rule: string;
  bookings: string[];
  pending?: Pending;
  /** Its bookings are of the option whose confirmations are not instant. */
  async: boolean;
}

export interface CartState {
  orders: COrder[];
  bookings: CBooking[];
  /** The largest use of the small availability (places) the server has accepted, and whether places were freed by an order cancel since. */
  capacity: { accepted: number; freedSince: boolean };
}

export const time = (iso: unknown) => (typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) : null);
export const isErrorArray = (body: unknown) => Array.isArray(body) && body.length > 0 && body.every((e) => e && typeof e.errorCode === 'string' && typeof e.errorMessage === 'string');
export const orderOf = (s: CartState, tenant: Tenant, id: string) => s.orders.find((o) => o.tenant === tenant && o.id === id);
export const bookingsOf = (s: CartState, o: COrder) => o.bookings.map((u) => s.bookings.find((b) => b.uuid === u && b.tenant === o.tenant)!);
const isStatus = (x: unknown): x is Status => ['ON_HOLD', 'CONFIRMED', 'CANCELLED', 'EXPIRED', 'PENDING', 'REJECTED'].includes(x as string);

/** The supplier's decision on an order: REJECTED when any booking holds a place of the rejecting availability. */
export const decisionFor = (s: CartState, o: COrder): Decision => (bookingsOf(s, o).some((b) => b.avail === 'rejecting') ? 'REJECTED' : 'CONFIRMED');

function seen(status: Status, until: number | null, pending: Pending | undefined, obs: Obs): Seen {
  if (status === 'PENDING' && pending) return pending.settleBy <= obs.from ? pending.decision : 'DECIDING';
  if (status !== 'ON_HOLD' || until === null) return status;
  if (Number.isNaN(until)) return 'EITHER';
  if (until <= obs.from) return 'EXPIRED';
  if (until > obs.to) return 'ON_HOLD';
  return 'EITHER';
}
export const bookingSeen = (b: CBooking, obs: Obs) => seen(b.status, b.hold, b.pending, obs);
export const orderSeen = (o: COrder, obs: Obs) => seen(o.status, o.expires, o.pending, obs);
const fuzzy = (x: Seen) => x === 'EITHER' || x === 'DECIDING';

function allows(expected: Seen, actual: unknown, until: number | null, pending: Pending | undefined, obs: Obs, booking = false) {
  if (expected === 'EITHER') return actual === 'ON_HOLD' || actual === 'EXPIRED';
  if (expected === 'DECIDING') return actual === 'PENDING' || actual === pending?.decision;
  // A cancelled booking may read EXPIRED (CART-ORDER-CANCEL-DELETE: a cancel that expires the hold), an order once its hold ended.
  return actual === expected || (expected === 'CANCELLED' && actual === 'EXPIRED' && (booking || (until !== null && until <= obs.to)));
}
const shown = (expected: Seen, pending?: Pending) => (expected === 'EITHER' ? 'ON_HOLD or EXPIRED' : expected === 'DECIDING' ? `PENDING or ${pending?.decision}` : expected);

/** The rule a read breaks when it shows another status than the model's. */
function readRule(x: { rule: string; status: Status; pending?: Pending }, expected: Seen, until: number | null, obs: Obs): string {
  if (expected === 'EXPIRED') return 'CART-ORDER-EXPIRES';
  if (x.pending && x.status === 'PENDING') return x.pending.decision === 'REJECTED' ? 'CART-ORDER-REJECT-COLLECTIVE' : 'CART-ORDER-PENDING-FLOW';
  // REJECTED is final: no documented transition leaves it.
  if (x.status === 'REJECTED') return 'CART-ORDER-PENDING-FLOW';
  // Expiry ends holds, not final states.
  if ((expected === 'CONFIRMED' || expected === 'CANCELLED') && until !== null && until <= obs.from) return 'CART-ORDER-READ';
  return x.rule;
}

/** Follows a status seen where the model allowed it: a hold seen expired, a decision seen taken. */
function follow(x: { status: Status; pending?: Pending }, got: unknown) {
  if (got === 'EXPIRED' && x.status === 'ON_HOLD') x.status = 'EXPIRED';
  if (x.status === 'PENDING' && x.pending && got === x.pending.decision) x.status = x.pending.decision;
}

/** Members of a booking that never change once created (its request's). */
const FIXED = ['supplierReference', 'orderId', 'productId', 'optionId', 'availabilityId'] as const;

/** Judges one booking as answered (in an order read, or alone). */
export function judgeBooking(j: Judge, b: CBooking, got: any, obs: Obs, what: string) {
  const expected = bookingSeen(b, obs);
  if (!allows(expected, got?.status, b.hold, b.pending, obs, true)) {
    j.fail(readRule(b, expected, b.hold, obs), `${what}: booking #${b.n} reads ${got?.status}`, { expected: shown(expected, b.pending), actual: got?.status, exchange: obs.ex });
  }
  follow(b, got?.status);
  if (expected === b.pending?.decision) follow(b, expected);
  if (b.status === 'ON_HOLD' && b.hold !== null && !Number.isNaN(b.hold) && got?.utcHoldExpiration !== undefined) {
    const hold = time(got.utcHoldExpiration);
    if (b.holdUnsure && hold !== null) (b.hold = hold), (b.holdUnsure = false);
    if (hold !== null && Math.abs(hold - b.hold) >= 1000) {
      j.fail(b.rule, `${what}: booking #${b.n} holds until ${got.utcHoldExpiration}, though nothing moved its hold`, { expected: new Date(b.hold).toISOString(), actual: got.utcHoldExpiration, exchange: obs.ex });
    }
  }
  const first = { supplierReference: b.supplierReference, orderId: b.orderId ?? null, productId: b.request.productId, optionId: b.request.optionId, availabilityId: b.request.availabilityId };
  for (const m of FIXED) {
    if (got?.[m] === undefined || first[m] === undefined || got[m] === first[m]) continue;
    j.fail(b.rule === 'CART-CREATE-RETRY' ? b.rule : 'CART-ORDER-READ', `${what}: booking #${b.n} reads ${m} ${JSON.stringify(got[m])}`, { expected: first[m], actual: got[m], exchange: obs.ex });
  }
  if (Array.isArray(got?.unitItems) && got.unitItems.length !== b.units) {
    j.fail(b.rule === 'CART-CREATE-RETRY' ? b.rule : 'CART-ORDER-READ', `${what}: booking #${b.n} reads ${got.unitItems.length} unit items`, { expected: b.units, actual: got.unitItems.length, exchange: obs.ex });
  }
}

/** The uuids of the bookings an order answer lists, sorted (undefined: it lists none). */
const listedUuids = (body: any): string[] | undefined => (Array.isArray(body?.bookings) ? body.bookings.map((b: any) => b?.uuid).sort() : undefined);
const listsExactly = (listed: string[], o: COrder) => JSON.stringify(listed) === JSON.stringify([...o.bookings].sort());

/** Judges an order as answered: its bookings, its status and expiry, each booking's status, a decision taken for all. */
export function judgeOrder(j: Judge, s: CartState, o: COrder, body: any, obs: Obs, what: string) {
  if (body?.id !== o.id) j.fail('CART-ORDER-READ', `${what}: the order answered has id ${body?.id}`, { expected: o.id, actual: body?.id, exchange: obs.ex });
  const listed = listedUuids(body) ?? [];
  if (!listsExactly(listed, o)) {
    j.fail('CART-ORDER-READ', `${what}: order #${o.n} does not list exactly its bookings`, { expected: [...o.bookings].sort(), actual: listed, exchange: obs.ex });
  }
  const expires = time(body?.utcExpiresAt);
  if (Number.isNaN(o.expires) && expires !== null) {
    // First read of an order created beside another write: it is timed from now on.
    o.expires = expires;
    for (const b of bookingsOf(s, o)) if (b.hold === null) b.hold = expires;
  }
  const expected = orderSeen(o, obs);
  if (!allows(expected, body?.status, o.expires, o.pending, obs)) {
    j.fail(readRule(o, expected, o.expires, obs), `${what}: order #${o.n} reads ${body?.status}`, { expected: shown(expected, o.pending), actual: body?.status, exchange: obs.ex });
  }
  const wasPending = o.status === 'PENDING';
  follow(o, body?.status);
  if (expected === o.pending?.decision) follow(o, expected);
  if (o.status === 'ON_HOLD' && expires !== null && Math.abs(expires - o.expires) >= 1000) {
    j.fail(o.rule, `${what}: order #${o.n} expires at ${body.utcExpiresAt}, though nothing extended it`, { expected: new Date(o.expires).toISOString(), actual: body.utcExpiresAt, exchange: obs.ex });
  }
  const books = bookingsOf(s, o);
  const pendingBooks = books.filter((b) => b.status === 'PENDING');
  // A decided or cancelled order holds nothing: a booking still on hold in it either joined after the order left
  // ON_HOLD (at the same moment as the operation) or was passed over by it. Judged before each booking's own
  // status, so that a late join is named as such.
  if (['CONFIRMED', 'CANCELLED', 'REJECTED'].includes(body?.status)) {
    const held = books.filter((b) => (body?.bookings ?? []).find((x: any) => x?.uuid === b.uuid)?.status === 'ON_HOLD');
    if (held.length) {
      const rule = held.some((b) => b.joinedAtOnce) ? 'CART-ORDER-JOIN-ONLY-ON-HOLD' : 'CART-ORDER-OPS-COLLECTIVE';
      j.fail(rule, `${what}: order #${o.n} reads ${body.status} while booking(s) ${held.map((b) => `#${b.n}`).join(', ')} read ON_HOLD`, {
        expected: `no booking on hold in a ${body.status} order`,
        actual: (body?.bookings ?? []).map((x: any) => x?.status),
        exchange: obs.ex,
      });
    }
  }
  for (const b of books) {
    const got = (body?.bookings ?? []).find((x: any) => x?.uuid === b.uuid);
    if (got) judgeBooking(j, b, got, obs, what);
  }
  // The supplier's decision is the order's: once the order reads decided, so does every booking that was waiting.
  if (wasPending && (body?.status === 'CONFIRMED' || body?.status === 'REJECTED')) {
    const behind = pendingBooks.filter((b) => (body?.bookings ?? []).find((x: any) => x?.uuid === b.uuid)?.status !== body.status);
    if (behind.length) {
      j.fail(body.status === 'REJECTED' ? 'CART-ORDER-REJECT-COLLECTIVE' : 'CART-ORDER-PENDING-FLOW', `${what}: order #${o.n} reads ${body.status} while booking(s) ${behind.map((b) => `#${b.n}`).join(', ')} do not`, {
        expected: `every booking ${body.status}`,
        actual: (body?.bookings ?? []).map((x: any) => x?.status),
        exchange: obs.ex,
      });
    }
  }
}

/** The members of a Booking in specs/cart/openapi.yaml: those a server adds of its own are not compared. */
const BOOKING_MEMBERS = ['uuid', 'resellerReference', 'supplierReference', 'status', 'cancellable', 'utcHoldExpiration', 'utcConfirmedAt', 'productId', 'optionId', 'availabilityId', 'unitItems', 'contact', 'orderId'];

/** A member's value without what a server adds inside it: unit items by unitId, the contact by the members sent. */
const CONTACT_MEMBERS = ['fullName', 'emailAddress', 'phoneNumber', 'locales', 'country'];
function specOnly(member: string, value: any): unknown {
  if (member === 'unitItems' && Array.isArray(value)) return value.map((u) => u?.unitId);
  if (member === 'contact' && value && typeof value === 'object') return Object.fromEntries(CONTACT_MEMBERS.map((k) => [k, value[k]]));
  return value;
}

/** Every booking of the order read alone must read as it does in the order, member by member (spec members both show). */
export function compareDerived(j: Judge, s: CartState, o: COrder, obs: Obs, alone: Obs[]) {
  const inOrder: any[] = Array.isArray(obs.ex.body?.bookings) ? obs.ex.body.bookings : [];
  bookingsOf(s, o).forEach((b, k) => {
    const a = alone[k];
    if (!a) return;
    if (a.ex.status !== 200) return j.fail('CART-ORDER-READ', `booking #${b.n} of order #${o.n} read alone answered ${a.ex.status}`, { expected: 'status 200 with the booking', actual: brief(a.ex), exchange: a.ex });
    judgeBooking(j, b, a.ex.body, a, 'GET booking');
    const there = inOrder.find((x) => x?.uuid === b.uuid);
    if (!there) return;
    // Between the two reads a hold may end or a decision be taken: then only what does not follow the status is compared.
    const moving = fuzzy(bookingSeen(b, obs)) || fuzzy(bookingSeen(b, a)) || there.status !== a.ex.body?.status;
    const skip = moving ? ['status', 'cancellable', 'utcConfirmedAt'] : [];
    const differs = BOOKING_MEMBERS.filter((m) => !skip.includes(m) && m in there && m in (a.ex.body ?? {}) && JSON.stringify(specOnly(m, there[m])) !== JSON.stringify(specOnly(m, a.ex.body[m])));
    if (differs.length) {
      j.fail('CART-ORDER-READ', `booking #${b.n} reads otherwise alone than in order #${o.n} (${o.status}): ${differs.join(', ')}`, {
        expected: Object.fromEntries(differs.map((m) => [m, there[m]])),
        actual: Object.fromEntries(differs.map((m) => [m, a.ex.body[m]])),
        exchange: a.ex,
      });
    }
  });
}

/** Places of the small availability certainly taken by the model's bookings (live holds and confirmed ones). */
export function smallInUse(s: CartState, obs: Obs) {
  return s.bookings.filter((b) => b.avail === 'small' && (b.status === 'CONFIRMED' || bookingSeen(b, obs) === 'ON_HOLD')).reduce((n, b) => n + b.units, 0);
}
/** ... and places that may still be taken (expired holds, bookings cancelled other than with their ON_HOLD order). */
export function smallMaybeInUse(s: CartState) {
  return s.bookings.filter((b) => b.avail === 'small' && !b.freed).reduce((n, b) => n + b.units, 0);
}

const refusedRightly = (ex: Obs['ex']) => is4xx(ex) && isErrorArray(ex.body);
const statusesIn = (body: any): string[] => (body?.bookings ?? []).map((b: any) => b?.status);

/** Judges an order operation's answer and applies it to the model. */
export function applyOrderOp(s: CartState, o: COrder, op: OrderOp, obs: Obs, j: Judge, decide: (s: CartState, o: COrder) => Decision, settleMs: number) {
  const { ex } = obs;
  // An operation acts on every booking of the order: its answer, the order as the operation left it, lists them all.
  const listed = ok(ex) ? listedUuids(ex.body) : undefined;
  if (listed && !listsExactly(listed, o)) {
    return j.fail('CART-ORDER-OPS-COLLECTIVE', `the answer of an accepted order ${op} does not list exactly the bookings of order #${o.n}`, { expected: [...o.bookings].sort(), actual: listed, exchange: ex });
  }
  const order = orderSeen(o, obs);
  const books = bookingsOf(s, o).map((b) => ({ b, seen: bookingSeen(b, obs) }));
  if (order === 'DECIDING' || order === 'REJECTED') return pendingOrderOp(o, op, order, books, obs, j);
  const unsure = order === 'EITHER' || books.some((x) => x.seen === 'EITHER');
  const live = (x: { seen: Seen }) => x.seen === 'ON_HOLD' || x.seen === 'EITHER';
  // Why the operation must fail (undefined: it may succeed), as the rule that says so.
  let mustFail: string | undefined;
  if (op === 'confirm') {
    if (order === 'CANCELLED') mustFail = 'CART-ORDER-CONFIRM-NOT-ON-HOLD';
    else if (order === 'EXPIRED') mustFail = 'CART-ORDER-EXPIRES';
    else if (order === 'CONFIRMED') mustFail = books.every((x) => x.seen === 'CONFIRMED') ? undefined : 'CART-ORDER-ALL-OR-NOTHING';
    else if (books.some((x) => x.seen === 'EXPIRED')) mustFail = 'CART-ORDER-CONFIRM-EXPIRED-BOOKING';
    else if (books.some((x) => !live(x))) mustFail = 'CART-ORDER-ALL-OR-NOTHING';
  } else if (op === 'extend') {
    if (order === 'CONFIRMED' || order === 'CANCELLED') mustFail = 'CART-ORDER-EXTEND-ONLY-ON-HOLD';
    else if (order === 'EXPIRED') mustFail = 'CART-ORDER-EXTEND-REJECT-ERROR';
    else if (books.some((x) => !live(x))) mustFail = 'CART-ORDER-EXTEND-ONLY-ON-HOLD';
  } else if (order === 'ON_HOLD' && books.some((x) => !live(x))) mustFail = 'CART-ORDER-ALL-OR-NOTHING';
  const mustSucceed = op === 'cancel' && order === 'ON_HOLD' && !unsure && books.every((x) => x.seen === 'ON_HOLD');

  if (!ok(ex)) {
    if (mustSucceed) return j.fail('CART-ORDER-CANCEL-DELETE', `cancelling an ON_HOLD order answered ${ex.status}`, { expected: 'status 200, the order and every booking cancelled', actual: brief(ex), exchange: ex });
    if (!refusedRightly(ex)) {
      j.fail(mustFail ? 'CART-ORDER-BLOCKED-OP-ERROR' : op === 'extend' ? 'CART-ORDER-EXTEND-REJECT-ERROR' : 'CART-ORDER-BLOCKED-OP-ERROR', `a refused order ${op} answered ${ex.status}`, { expected: 'a 4xx answer with the error array', actual: brief(ex), exchange: ex });
    }
    // Refused: everything must read as before.
    o.rule = 'CART-ORDER-ALL-OR-NOTHING';
    for (const { b } of books) b.rule = 'CART-ORDER-ALL-OR-NOTHING';
    return;
  }
  if (mustFail && !unsure) return j.fail(mustFail, `order ${op} succeeded on an order that was ${order} with bookings ${books.map((x) => x.seen).join(', ')}`, { expected: 'the operation fails with an error and changes nothing', actual: brief(ex), exchange: ex });
  const body = ex.body;
  const statuses = statusesIn(body);
  if (op === 'confirm') {
    if (o.async && order !== 'CONFIRMED') return confirmAsync(s, o, obs, j, decide(s, o), settleMs);
    if (body?.status !== 'CONFIRMED' || !statuses.every((st) => st === 'CONFIRMED')) {
      j.fail('CART-ORDER-OPS-COLLECTIVE', 'an accepted order confirm left the order or a booking not CONFIRMED', { expected: 'order and every booking CONFIRMED', actual: { order: body?.status, bookings: statuses }, exchange: ex });
    }
    o.status = 'CONFIRMED';
    o.rule = 'CART-ORDER-CONFIRM-ALL';
    for (const { b } of books) Object.assign(b, { status: 'CONFIRMED', rule: 'CART-ORDER-OPS-COLLECTIVE' });
  } else if (op === 'cancel') {
    if (!['CANCELLED', 'EXPIRED'].includes(body?.status) || statuses.some((st) => st === 'ON_HOLD' || st === 'CONFIRMED' || st === 'PENDING')) {
      j.fail('CART-ORDER-OPS-COLLECTIVE', 'an accepted order cancel left the order or a booking held, pending or confirmed', { expected: 'no booking ON_HOLD, PENDING or CONFIRMED', actual: { order: body?.status, bookings: statuses }, exchange: ex });
    }
    const wasHeld = order === 'ON_HOLD';
    // A cancelled hold may read CANCELLED or EXPIRED (CART-ORDER-CANCEL-DELETE): the model keeps what was answered.
    o.status = body?.status === 'EXPIRED' ? 'EXPIRED' : 'CANCELLED';
    o.rule = 'CART-ORDER-CANCEL-DELETE';
    for (const { b, seen } of books) {
      if (wasHeld && seen === 'ON_HOLD' && b.avail === 'small') (b.freed = true), (s.capacity.freedSince = true);
      const got = (body?.bookings ?? []).find((x: any) => x?.uuid === b.uuid)?.status;
      Object.assign(b, { status: got === 'EXPIRED' ? 'EXPIRED' : 'CANCELLED', rule: 'CART-ORDER-OPS-COLLECTIVE' });
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

/** An accepted confirm of an order whose confirmations are not instant: PENDING, or decided at once, for all. */
function confirmAsync(s: CartState, o: COrder, obs: Obs, j: Judge, decision: Decision, settleMs: number) {
  const { ex } = obs;
  const statuses = statusesIn(ex.body);
  const answered = ex.body?.status;
  const rule = decision === 'REJECTED' ? 'CART-ORDER-REJECT-COLLECTIVE' : 'CART-ORDER-PENDING-FLOW';
  if ((answered !== 'PENDING' && answered !== decision) || !statuses.every((st) => st === answered)) {
    j.fail(rule, `an accepted confirm of an order the supplier decides later (${decision}) answered the order ${answered} with bookings ${statuses.join(', ')}`, {
      expected: `order and every booking PENDING, or all ${decision}`,
      actual: { order: answered, bookings: statuses },
      exchange: ex,
    });
  }
  const pending: Pending = { decision, settleBy: obs.to + settleMs };
  const status: Status = answered === decision ? decision : 'PENDING';
  Object.assign(o, { status, pending, rule });
  for (const b of bookingsOf(s, o)) Object.assign(b, { status, pending, rule });
}

/** An order operation on a PENDING (DECIDING) or REJECTED order: only what changes nothing, or a cancel of everything. */
function pendingOrderOp(o: COrder, op: OrderOp, order: Seen, books: { b: CBooking; seen: Seen }[], obs: Obs, j: Judge) {
  const { ex } = obs;
  const decision = o.pending?.decision;
  const state = order === 'DECIDING' ? 'PENDING' : order;
  if (!ok(ex)) {
    if (!refusedRightly(ex)) j.fail('CART-ORDER-BLOCKED-OP-ERROR', `a refused ${op} of a ${state} order answered ${ex.status}`, { expected: 'a 4xx answer with the error array', actual: brief(ex), exchange: ex });
    if (op === 'confirm' && order === 'DECIDING') j.fail('CART-CONFIRM-CANCEL-IDEMPOTENT', `repeating the confirm of a PENDING order answered ${ex.status}`, { expected: 'success, the order still PENDING or decided', actual: brief(ex), exchange: ex });
    return;
  }
  if (op === 'extend') return j.fail('CART-ORDER-EXTEND-ONLY-ON-HOLD', `an extension of a ${state} order succeeded`, { expected: 'a 4xx answer with the error array, nothing changed', actual: brief(ex), exchange: ex });
  const body = ex.body;
  const statuses = statusesIn(body);
  const kept = order === 'DECIDING' ? ['PENDING', decision] : [order];
  const waiting = books.filter((x) => x.b.status === o.status).map((x) => x.b.uuid);
  const waitingStatuses = (body?.bookings ?? []).filter((x: any) => waiting.includes(x?.uuid)).map((x: any) => x?.status);
  // An answer that changes nothing (the order as it is) is allowed for a repeated confirm and for a cancel.
  if (kept.includes(body?.status) && waitingStatuses.every((st: string) => st === body.status)) {
    if (body.status === decision) for (const x of [o, ...books.map((y) => y.b)]) if (x.status === 'PENDING') x.status = decision!;
    return;
  }
  if (op === 'cancel' && order === 'DECIDING' && body?.status === 'CANCELLED') {
    if (statuses.some((st) => ['ON_HOLD', 'PENDING', 'CONFIRMED', 'REJECTED'].includes(st))) {
      j.fail('CART-ORDER-OPS-COLLECTIVE', 'an accepted cancel of a PENDING order left a booking held, pending or decided', { expected: 'every booking CANCELLED', actual: { order: body?.status, bookings: statuses }, exchange: ex });
    }
    // Cancelled: the supplier's later decision must not bring it back.
    Object.assign(o, { status: 'CANCELLED', pending: undefined, rule: 'CART-ORDER-ALL-OR-NOTHING' });
    for (const { b } of books) if (b.status === 'PENDING' || b.status === decision) Object.assign(b, { status: 'CANCELLED', pending: undefined, rule: 'CART-ORDER-ALL-OR-NOTHING' });
    return;
  }
  const rule = op === 'cancel' && order === 'DECIDING' ? 'CART-ORDER-ALL-OR-NOTHING' : order === 'DECIDING' && decision === 'REJECTED' ? 'CART-ORDER-REJECT-COLLECTIVE' : 'CART-ORDER-PENDING-FLOW';
  j.fail(rule, `an order ${op} of a ${state} order answered the order ${body?.status} with bookings ${statuses.join(', ')}`, {
    expected: `the order and its waiting bookings ${kept.join(' or ')}${op === 'cancel' && order === 'DECIDING' ? ', or every booking CANCELLED' : ''}`,
    actual: { order: body?.status, bookings: statuses },
    exchange: ex,
  });
}

/** What a booking's own confirm or cancel may answer, from a status the documents fix: else the rule broken. */
function bookingOpAllows(live: Seen, op: 'confirm' | 'cancel', b: CBooking): { allowed: string[]; rule: string } | undefined {
  if (live === 'DECIDING') return { allowed: op === 'confirm' ? ['PENDING', b.pending!.decision] : ['PENDING', b.pending!.decision, 'CANCELLED'], rule: 'CART-ORDER-PENDING-FLOW' };
  if (live === 'REJECTED') return { allowed: ['REJECTED'], rule: 'CART-ORDER-PENDING-FLOW' };
  if (live === 'CANCELLED') return { allowed: ['CANCELLED', 'EXPIRED'], rule: 'CART-ORDER-PENDING-FLOW' };
  if (live === 'EXPIRED') return { allowed: op === 'confirm' ? ['EXPIRED'] : ['EXPIRED', 'CANCELLED'], rule: 'CART-ORDER-EXPIRES' };
  return undefined;
}

/** Judges a booking operation on one's own booking (read, confirm or cancel on its own) and applies it. */
export function applyBookingOp(s: CartState, b: CBooking, op: BookingOp, obs: Obs, j: Judge, settleMs: number) {
  const { ex } = obs;
  if (op === 'read') {
    if (ex.status !== 200) return j.fail('CART-ORDER-READ', `GET booking answered ${ex.status}`, { expected: 'status 200', actual: brief(ex), exchange: ex });
    return judgeBooking(j, b, ex.body, obs, 'GET booking');
  }
  const live = bookingSeen(b, obs);
  if (op === 'cancel' && live === 'ON_HOLD' && !ok(ex)) {
    j.fail('CART-CANCEL-RECOMMENDED', `cancelling an ON_HOLD booking answered ${ex.status}`, { expected: 'status 200, the booking CANCELLED', actual: brief(ex), exchange: ex });
  }
  if (!ok(ex)) return void (b.rule = 'CART-ORDER-READ');
  const status = ex.body?.status;
  const fixed = bookingOpAllows(live, op, b);
  if (fixed && !fixed.allowed.includes(status)) {
    return j.fail(fixed.rule, `a booking ${op} of booking #${b.n}, ${live === 'DECIDING' ? 'PENDING' : live}, answered it ${status}`, { expected: fixed.allowed.join(' or '), actual: status, exchange: ex });
  }
  // Otherwise either outcome of a single-booking confirm or cancel is the server's; the model follows the answer.
  if (!isStatus(status)) return;
  if (status === 'PENDING' && !b.pending) b.pending = { decision: b.avail === 'rejecting' ? 'REJECTED' : 'CONFIRMED', settleBy: obs.to + settleMs };
  if (status !== 'PENDING' && status !== b.pending?.decision) b.pending = undefined;
  // A booking of an order acknowledged so must stay so: an order operation that overwrites it broke all-or-nothing.
  Object.assign(b, { status, rule: b.orderId ? 'CART-ORDER-ALL-OR-NOTHING' : 'CART-ORDER-READ' });
  void s;
}
