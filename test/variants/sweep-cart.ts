/**
 * Broken copies of the Cart API that only the behaviour-model sweep reaches: operations from pending and
 * rejected orders, writes at the same moment, final states a day later, limits at their edge, retries with one
 * member changed or reordered, bookings read alone against the order's, lookups that forget the tenant.
 * Each breaks one documented rule (test/selftest/kill-table.test.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';
import { activationApi } from '../../src/activation/api.js';
import { cartApi } from '../../src/cart/api.js';
import { CartDomain, CODES, type BookingRequest, type BookingRow, type CancelRequest, type ConfirmRequest, type DomainContext, type OrderRow, type OrderView, type Status } from '../../src/cart/domain.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import { ApiError } from '../../src/shared/errors.js';
import { withOwnLimits } from '../tolerance/edge.js';
import type { Variant } from './variant.js';

const withCart = (domain: CartDomain) => () => [cartApi({ domain }), activationApi(), ethernetApi()];
/** The supplier's own system, called between a check and the write it allows (a fifth of a second, as over the internet). */
const supplierCall = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const past = (iso: string | null | undefined, now: Date, seconds = 0) => !!iso && Date.parse(iso) + seconds * 1000 <= now.getTime();

// ---- operations from pending and rejected orders ------------------------------------------------------------

/** A cancel of a PENDING order is taken, but the supplier's decision is not withdrawn: when due, it lands anyway. */
class PendingCancelStillDecided extends CartDomain {
  override async cancelOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: CancelRequest): Promise<OrderView> {
    const { order } = await this.loadOrder(ctx.db, tenant, supplierId, orderId, false);
    if (this.effectiveOrderStatus(order, ctx.clock.now()) !== 'PENDING') {
      // A decision already taken is done with: a later cancel of the confirmed order stands.
      const cancelled = await super.cancelOrder(ctx, tenant, supplierId, orderId, req);
      await ctx.db('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId }).update({ decision: null });
      await ctx.db('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).update({ decision: null });
      return cancelled;
    }
    const changes = { status: 'CANCELLED' as Status, cancel_reason: req.reason };
    await ctx.db('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId }).update(changes);
    await ctx.db('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).update(changes);
    return this.getOrder(ctx, tenant, supplierId, orderId);
  }
  override async cancelBooking(ctx: DomainContext, tenant: string, supplierId: string, uuid: string, req: CancelRequest) {
    const cancelled = await super.cancelBooking(ctx, tenant, supplierId, uuid, req);
    await ctx.db('cart_bookings').where({ tenant, supplier_id: supplierId, uuid }).update({ decision: null });
    return cancelled;
  }
  private late(row: { status: Status; decision?: Status | null; utc_decision_at?: string | null }, now: Date): Status | undefined {
    return row.status === 'CANCELLED' && row.decision && past(row.utc_decision_at, now) ? row.decision : undefined;
  }
  override effectiveOrderStatus(row: OrderRow, now: Date): Status {
    return this.late(row, now) ?? super.effectiveOrderStatus(row, now);
  }
  override effectiveBookingStatus(row: BookingRow, now: Date): Status {
    return this.late(row, now) ?? super.effectiveBookingStatus(row, now);
  }
}

/** A REJECTED order is open again: bookings may join it. */
class RejectedJoinable extends CartDomain {
  protected override requireJoinable(order: OrderRow, now: Date) {
    if (this.effectiveOrderStatus(order, now) !== 'REJECTED') super.requireJoinable(order, now);
  }
}

/** Confirming a REJECTED order puts it on hold again and asks the supplier once more. */
class RejectedConfirmable extends CartDomain {
  override async confirmOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: ConfirmRequest): Promise<OrderView> {
    const { order } = await this.loadOrder(ctx.db, tenant, supplierId, orderId, false);
    if (this.effectiveOrderStatus(order, ctx.clock.now()) === 'REJECTED') {
      const reopen = { status: 'ON_HOLD' as Status, decision: null, utc_decision_at: null };
      await ctx.db('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId }).update(reopen);
      await ctx.db('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).update(reopen);
    }
    return super.confirmOrder(ctx, tenant, supplierId, orderId, req);
  }
}

// ---- writes at the same moment --------------------------------------------------------------------------------

/** Whether an order may be joined is read before the transaction that adds the booking (check, then write). */
class JoinCheckedBeforeWrite extends CartDomain {
  override async createBooking(ctx: DomainContext, tenant: string, supplierId: string, req: BookingRequest, cartEnabled: boolean) {
    if (cartEnabled && req.orderId) {
      const order: OrderRow | undefined = await ctx.db('cart_orders').where({ tenant, supplier_id: supplierId, id: req.orderId }).first();
      if (order) super.requireJoinable(order, ctx.clock.now());
      // The supplier's availability check takes a second: at 200 ms, a confirm sent beside the join on a machine
      // loaded by the other test groups reached the server after the join had written, once in a full run.
      await supplierCall(1000);
    }
    return super.createBooking(ctx, tenant, supplierId, req, cartEnabled);
  }
  protected override requireJoinable() {}
}

/** An order confirm checks the bookings from a read made before its transaction, then confirms every booking of the order. */
class ConfirmChecksStaleBookings extends CartDomain {
  override async confirmOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: ConfirmRequest): Promise<OrderView> {
    const now = ctx.clock.now();
    const before = await this.loadOrder(ctx.db, tenant, supplierId, orderId, false);
    if (this.effectiveOrderStatus(before.order, now) !== 'ON_HOLD') return super.confirmOrder(ctx, tenant, supplierId, orderId, req);
    this.requireBookings(before.bookings, 'ON_HOLD', now, orderId, 'confirmed');
    // The supplier takes a few seconds to confirm (a window wider than the time a loaded machine takes to serve the
    // booking cancel sent at the same moment, so the race shows in every run).
    await supplierCall(3000);
    return ctx.db.transaction(async (trx) => {
      const { order } = await this.loadOrder(trx, tenant, supplierId, orderId, true);
      this.requireOrderOnHold(order, now, 'confirmed');
      const pending = this.pendingDecision(ctx, before.bookings, now);
      await trx('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId }).update(this.confirmChanges(req, now, pending));
      const orderChanges: Partial<OrderRow> = pending ? { status: 'PENDING', utc_decision_at: pending.at, decision: pending.decision } : { status: 'CONFIRMED' };
      await trx('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).update(orderChanges);
      const after = await this.loadOrder(trx, tenant, supplierId, orderId, false);
      return this.toOrder(after.order, after.bookings, now);
    });
  }
}

// ---- final states much later ------------------------------------------------------------------------------------

/** An archiving job: a confirmed order whose hold ended more than 12 hours ago reads EXPIRED, its bookings too. */
class ConfirmedArchived extends CartDomain {
  override effectiveOrderStatus(row: OrderRow, now: Date): Status {
    const status = super.effectiveOrderStatus(row, now);
    return status === 'CONFIRMED' && past(row.utc_expires_at, now, 12 * 3600) ? 'EXPIRED' : status;
  }
  override effectiveBookingStatus(row: BookingRow, now: Date): Status {
    const status = super.effectiveBookingStatus(row, now);
    return status === 'CONFIRMED' && past(row.utc_hold_expiration, now, 12 * 3600) ? 'EXPIRED' : status;
  }
}

/** A retry job sends rejected confirmations to the supplier again an hour later: the order reads PENDING again. */
class RejectedRetried extends CartDomain {
  private retried(row: { status: Status; decision?: Status | null; utc_decision_at?: string | null }, now: Date, status: Status): Status {
    return status === 'REJECTED' && row.decision === 'REJECTED' && past(row.utc_decision_at, now, 3600) ? 'PENDING' : status;
  }
  override effectiveOrderStatus(row: OrderRow, now: Date): Status {
    return this.retried(row, now, super.effectiveOrderStatus(row, now));
  }
  override effectiveBookingStatus(row: BookingRow, now: Date): Status {
    return this.retried(row, now, super.effectiveBookingStatus(row, now));
  }
}

// ---- limits ------------------------------------------------------------------------------------------------------

/**
 * Limits checked after the write: the booking is made, then a request past the reference's limits is answered 400
 * (the server's own validator allows more), and the refused booking stays.
 */
class CheckedAfterWrite extends CartDomain {
  constructor(private readonly past: (req: BookingRequest) => boolean) {
    super();
  }
  override async createBooking(ctx: DomainContext, tenant: string, supplierId: string, req: BookingRequest, cartEnabled: boolean) {
    const made = await super.createBooking(ctx, tenant, supplierId, req, cartEnabled);
    if (this.past(req)) throw new ApiError(400, 'INVALID_REQUEST', 'The request is outside the supplier limits');
    return made;
  }
}
const checkedAfterWrite = (past: (req: BookingRequest) => boolean) =>
  () => [withOwnLimits(cartApi({ domain: new CheckedAfterWrite(past) }), (s) => Object.assign(s.BookingRequest.properties, { holdExpirationMinutes: { type: 'integer' }, unitItems: { ...s.BookingRequest.properties.unitItems, maxItems: 100 } })), activationApi(), ethernetApi()];

// ---- retries ------------------------------------------------------------------------------------------------------

/** A retry is recognised without the orderId: the same uuid naming another order returns the original booking. */
class RetryIgnoresOrder extends CartDomain {
  protected override fingerprint(supplierId: string, req: BookingRequest, _orderId: string | null): string {
    return super.fingerprint(supplierId, req, null);
  }
}

/** A retry is recognised by the request's text as received: the same members in another order are another request. */
class RetryByRawBody extends CartDomain {
  protected override fingerprint(supplierId: string, req: BookingRequest, orderId: string | null): string {
    return JSON.stringify({ supplierId, orderId, req });
  }
}

// ---- bookings read in the order and alone ---------------------------------------------------------------------

/** The order's view of its bookings says cancellable from the stored status: an expired hold still reads cancellable there. */
class OrderViewStaleCancellable extends CartDomain {
  override toOrder(order: OrderRow, bookings: BookingRow[], now: Date): OrderView {
    const view = super.toOrder(order, bookings, now);
    return { ...view, bookings: view.bookings.map((b, i) => ({ ...b, cancellable: bookings[i].status === 'ON_HOLD' || bookings[i].status === 'CONFIRMED' })) };
  }
}

/** The order's view of its bookings gives every decided booking the decision time as utcConfirmedAt, rejected ones too. */
class OrderViewRejectedConfirmedAt extends CartDomain {
  override toOrder(order: OrderRow, bookings: BookingRow[], now: Date): OrderView {
    const view = super.toOrder(order, bookings, now);
    return { ...view, bookings: view.bookings.map((b, i) => (b.status === 'REJECTED' ? { ...b, utcConfirmedAt: bookings[i].utc_decision_at ?? null } : b)) };
  }
}

// ---- lookups that forget the tenant ----------------------------------------------------------------------------------

/** The retry lookup finds a uuid whoever created it: another reseller sending the same body gets that booking. */
class RetryLookupAnyTenant extends CartDomain {
  override async createBooking(ctx: DomainContext, tenant: string, supplierId: string, req: BookingRequest, cartEnabled: boolean) {
    const row: BookingRow | undefined = await ctx.db('cart_bookings').where({ uuid: req.uuid, supplier_id: supplierId }).first();
    if (row && row.fingerprint === this.fingerprint(supplierId, req, cartEnabled && req.orderId ? req.orderId : null)) return { booking: this.toBooking(row, ctx.clock.now()), created: false };
    return super.createBooking(ctx, tenant, supplierId, req, cartEnabled);
  }
}

/** Whether an orderId may be joined is looked up by supplier and id alone: another reseller's closed order blocks it. */
class JoinStatusAnyTenant extends CartDomain {
  override async createBooking(ctx: DomainContext, tenant: string, supplierId: string, req: BookingRequest, cartEnabled: boolean) {
    if (cartEnabled && req.orderId) {
      const order: OrderRow | undefined = await ctx.db('cart_orders').where({ supplier_id: supplierId, id: req.orderId }).orderBy('utc_created_at').first();
      const status = order && this.effectiveOrderStatus(order, ctx.clock.now());
      if (status && status !== 'ON_HOLD') throw new ApiError(409, CODES.orderNotOnHold, `Order ${req.orderId} is ${status}; bookings can only be added while it is ON_HOLD`);
    }
    return super.createBooking(ctx, tenant, supplierId, req, cartEnabled);
  }
}

// ---- reads and answers while another write lands ---------------------------------------------------------------

/** GET order reads the order, then its bookings: two reads, between which another request's write can commit. */
class OrderReadInTwoStatements extends CartDomain {
  override async getOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string): Promise<OrderView> {
    const { order, bookings } = await this.loadOrder(ctx.reader ?? ctx.db, tenant, supplierId, orderId, false);
    return this.toOrder(order, bookings, ctx.clock.now());
  }
}

/** A held order's cancel ends its bookings' holds, tells the supplier, then marks the order: a read in between sees half of it. */
class CancelBookingsBeforeOrder extends CartDomain {
  override async cancelOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: CancelRequest): Promise<OrderView> {
    const now = ctx.clock.now();
    const { order, bookings } = await this.loadOrder(ctx.db, tenant, supplierId, orderId, false);
    if (this.effectiveOrderStatus(order, now) !== 'ON_HOLD' || bookings.some((b) => b.status !== 'ON_HOLD' || past(b.utc_hold_expiration, now))) return super.cancelOrder(ctx, tenant, supplierId, orderId, req);
    const changes = { status: 'CANCELLED' as Status, cancel_reason: req.reason };
    await ctx.db('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId }).update(changes);
    await supplierCall(200);
    await ctx.db('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).update(changes);
    return this.getOrder(ctx, tenant, supplierId, orderId);
  }
}

/**
 * A held order's cancel reads its bookings, tells the supplier, then cancels every booking of the order in one
 * statement (checked again as they now stand) and answers the bookings it first read: one that joined meanwhile is
 * cancelled but not in the answer.
 */
class CancelAnswersBookingsReadBefore extends CartDomain {
  override async cancelOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: CancelRequest): Promise<OrderView> {
    const now = ctx.clock.now();
    const { order, bookings } = await this.loadOrder(ctx.db, tenant, supplierId, orderId, false);
    if (this.effectiveOrderStatus(order, now) !== 'ON_HOLD' || bookings.some((b) => b.status !== 'ON_HOLD' || past(b.utc_hold_expiration, now))) return super.cancelOrder(ctx, tenant, supplierId, orderId, req);
    await supplierCall(200);
    const changes = { status: 'CANCELLED' as Status, cancel_reason: req.reason };
    await ctx.db.transaction(async (trx) => {
      // Checked again as it now stands: only the answer is built from the first read.
      const fresh = await this.loadOrder(trx, tenant, supplierId, orderId, true);
      this.requireOrderOnHold(fresh.order, ctx.clock.now(), 'cancelled');
      this.requireBookings(fresh.bookings, 'ON_HOLD', ctx.clock.now(), orderId, 'cancelled');
      await trx('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId }).update(changes);
      await trx('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).update(changes);
    });
    return this.toOrder({ ...order, ...changes }, bookings.map((b) => ({ ...b, ...changes })), now);
  }
}

/** An order's cancel reads the order and its bookings without a row lock: a booking joining meanwhile is cancelled, not answered. */
class CancelWithoutRowLock extends CartDomain {
  /** Set while a cancel runs (each request its own): only the cancel's reads go unlocked. */
  private readonly cancelling = new AsyncLocalStorage<true>();
  protected override loadOrder(trx: Knex, tenant: string, supplierId: string, orderId: string, lock: boolean) {
    return super.loadOrder(trx, tenant, supplierId, orderId, lock && !this.cancelling.getStore());
  }
  override cancelOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: CancelRequest): Promise<OrderView> {
    return this.cancelling.run(true, () => super.cancelOrder(ctx, tenant, supplierId, orderId, req));
  }
}

const v = (name: string, breaks: string, description: string, apis: Variant['apis'], extra: Partial<Variant> = {}): Variant => ({ name, api: 'cart', breaks, description, apis, ...extra });

export const sweepCartVariants: Variant[] = [
  v('sweep-cart-pending-cancel-still-decided', 'CART-ORDER-ALL-OR-NOTHING', "a PENDING order's cancel is taken, but the supplier's decision lands on it when due", withCart(new PendingCancelStillDecided())),
  v('sweep-cart-rejected-joinable', 'CART-ORDER-JOIN-ONLY-ON-HOLD', 'bookings may join a REJECTED order', withCart(new RejectedJoinable())),
  v('sweep-cart-rejected-confirmable', 'CART-ORDER-PENDING-FLOW', 'confirming a REJECTED order puts it back on hold and PENDING', withCart(new RejectedConfirmable())),
  v('sweep-cart-join-checked-before-write', 'CART-ORDER-JOIN-ONLY-ON-HOLD', "whether an order can be joined is read before the booking's transaction", withCart(new JoinCheckedBeforeWrite())),
  v('sweep-cart-confirm-checks-stale-bookings', 'CART-ORDER-ALL-OR-NOTHING', 'an order confirm checks bookings read before its transaction, then confirms all, one cancelled meanwhile too', withCart(new ConfirmChecksStaleBookings())),
  v('sweep-cart-confirmed-archived', 'CART-ORDER-READ', 'a confirmed order reads EXPIRED 12 hours after its hold ended', withCart(new ConfirmedArchived())),
  v('sweep-cart-rejected-retried', 'CART-ORDER-PENDING-FLOW', 'a rejected order reads PENDING again an hour after the decision', withCart(new RejectedRetried())),
  v('sweep-cart-long-hold-refused-after-write', 'CART-BAD-INPUT', 'a hold over 1440 minutes is refused with 400 after its booking was made: the booking stays', checkedAfterWrite((r) => r.holdExpirationMinutes > 1440 || r.holdExpirationMinutes < 1)),
  v('sweep-cart-unit-items-refused-after-write', 'CART-BAD-INPUT', 'over 20 unit items are refused with 400 after the booking was made: the booking stays', checkedAfterWrite((r) => r.unitItems.length > 20)),
  v('sweep-cart-retry-ignores-order', 'CART-CREATE-RETRY', 'a reused uuid naming another orderId is taken for a retry', withCart(new RetryIgnoresOrder())),
  v('sweep-cart-retry-by-raw-body', 'CART-CREATE-RETRY', 'the same create with its members in another order is refused as another request', withCart(new RetryByRawBody())),
  v('sweep-cart-order-view-stale-cancellable', 'CART-ORDER-READ', "an expired booking reads cancellable in its order's view, not alone", withCart(new OrderViewStaleCancellable())),
  v('sweep-cart-order-view-rejected-confirmed-at', 'CART-ORDER-READ', "a rejected booking carries utcConfirmedAt in its order's view, not alone", withCart(new OrderViewRejectedConfirmedAt())),
  v('sweep-cart-retry-lookup-any-tenant', 'CART-TENANCY', "a create with another reseller's uuid and body returns that reseller's booking", withCart(new RetryLookupAnyTenant())),
  v('sweep-cart-order-read-in-two-statements', 'CART-ORDER-ALL-OR-NOTHING', 'GET order reads the order and then its bookings: a read while a write commits shows half of it', withCart(new OrderReadInTwoStatements())),
  v('sweep-cart-cancel-bookings-before-order', 'CART-ORDER-ALL-OR-NOTHING', "a held order's cancel ends the holds, tells the supplier, then marks the order: a read in between sees it half cancelled", withCart(new CancelBookingsBeforeOrder())),
  v('sweep-cart-cancel-answers-bookings-read-before', 'CART-ORDER-OPS-COLLECTIVE', "a held order's cancel answers the bookings it read before telling the supplier, though it cancels one that joined meanwhile", withCart(new CancelAnswersBookingsReadBefore())),
  v('sweep-cart-cancel-without-row-lock', 'CART-ORDER-OPS-COLLECTIVE', "a held order's cancel reads its bookings without a row lock: one joining meanwhile is cancelled but not answered", withCart(new CancelWithoutRowLock()), { backend: 'postgres' }),
  v('sweep-cart-join-status-any-tenant', 'CART-TENANCY', "a create naming an orderId another reseller closed is refused", withCart(new JoinStatusAnyTenant())),
];
