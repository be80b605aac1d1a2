/**
 * Cart domain: bookings on hold against limited capacity, grouped in orders whose collective operations
 * (extend, confirm, cancel) run as one transaction over the order and all its bookings. No HTTP here.
 *
 * Expiry is computed from the clock on every read and inside every transaction, so nothing needs to sweep:
 * a hold past its time reads EXPIRED and no longer counts against capacity.
 *
 * Pending confirmations work the same way. Confirming bookings of an option whose confirmations are not instant
 * writes PENDING together with the supplier's decision and when it takes effect (now + the pending delay); from
 * that moment on the order and every booking read as decided: all CONFIRMED, or all REJECTED with their places
 * given back. The decision is one for the whole order, so it is all-or-nothing by construction.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../shared/clock.js';
import { forUpdate } from '../shared/db.js';
import { ApiError } from '../shared/errors.js';
import { confirmationOf, findSupplier } from './catalogue.js';

export type Status = 'ON_HOLD' | 'EXPIRED' | 'PENDING' | 'REJECTED' | 'CONFIRMED' | 'CANCELLED';

export interface DomainContext {
  db: Knex;
  /** Where plain reads go (a read-only pool on SQLite); db when absent. */
  reader?: Knex;
  clock: Clock;
  /** Seconds the supplier takes to decide a pending confirmation (PENDING_SECONDS when absent). */
  pendingSeconds?: number;
}

/** The supplier's decision delay when the server is given none (CART_PENDING_SECONDS). */
export const PENDING_SECONDS = 5;

/** Error codes of the API's error array. */
export const CODES = {
  invalid: 'core/9001',
  unauthorized: 'core/9002',
  uuidReused: 'core/9003',
  noCapacity: 'core/9004',
  orderNotOnHold: 'core/9005',
  bookingBlocks: 'core/9006',
  expired: 'core/9007',
  cannotExtend: 'core/9009',
  notFound: 'core/9010',
} as const;

export interface Contact {
  fullName: string;
  emailAddress: string;
  phoneNumber?: string;
  locales?: string[];
  country?: string;
}

export interface BookingRequest {
  uuid: string;
  resellerReference?: string;
  channelName?: string;
  channelId?: string;
  productId: string;
  optionId: string;
  availabilityId: string;
  unitItems: Array<{ unitId: string }>;
  holdExpirationMinutes: number;
  orderId?: string;
}

export interface ExtendRequest {
  reason: string;
  reasonDetails?: string;
  holdExpirationMinutes: number;
}

export interface ConfirmRequest {
  resellerReference?: string;
  contact: Contact;
}

export interface CancelRequest {
  reason: string;
  reasonDetails?: string;
}

export interface BookingRow {
  tenant: string;
  uuid: string;
  supplier_id: string;
  supplier_reference: string;
  reseller_reference: string | null;
  status: Status;
  utc_hold_expiration: string | null;
  utc_confirmed_at: string | null;
  product_id: string;
  option_id: string;
  availability_id: string;
  unit_items: string;
  units: number;
  contact: string | null;
  order_id: string | null;
  position: number;
  fingerprint: string;
  cancel_reason: string | null;
  utc_created_at: string;
  /** For a PENDING booking: when the supplier's decision takes effect, and what it is. */
  utc_decision_at?: string | null;
  decision?: Status | null;
}

export interface OrderRow {
  tenant: string;
  supplier_id: string;
  id: string;
  status: Status;
  utc_expires_at: string;
  utc_created_at: string;
  cancel_reason: string | null;
  utc_decision_at?: string | null;
  decision?: Status | null;
}

export interface PendingDecision {
  decision: 'CONFIRMED' | 'REJECTED';
  /** When the decision takes effect (RFC 3339). */
  at: string;
}

export interface BookingView {
  uuid: string;
  resellerReference: string | null;
  supplierReference: string;
  status: Status;
  cancellable: boolean;
  utcHoldExpiration: string | null;
  utcConfirmedAt: string | null;
  productId: string;
  optionId: string;
  availabilityId: string;
  unitItems: Array<{ unitId: string }>;
  contact: Contact | null;
  orderId: string | null;
}

export interface OrderView {
  id: string;
  status: Status;
  utcExpiresAt: string;
  bookings: BookingView[];
}

/** Limits of the reference server: holds and extensions are granted for at most this many minutes. */
export const MAX_HOLD_MINUTES = 60;

const iso = (d: Date) => d.toISOString();
const addMinutes = (isoTime: string, minutes: number) => new Date(Date.parse(isoTime) + minutes * 60_000).toISOString();
const minIso = (a: string, b: string) => (Date.parse(a) <= Date.parse(b) ? a : b);
/** A PENDING row whose decision has taken effect by `now` reads as the decision. */
const decided = (row: { status: Status; utc_decision_at?: string | null; decision?: Status | null }, now: Date): Status =>
  row.status === 'PENDING' && row.decision && row.utc_decision_at && Date.parse(row.utc_decision_at) <= now.getTime() ? row.decision : row.status;
const isUniqueViolation = (err: any) =>
  err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT' || /UNIQUE constraint failed/i.test(String(err?.message));

export class CartDomain {
  // ---- state as seen now -------------------------------------------------------------------------------

  /** A booking's status as of `now`: a hold past its time is EXPIRED whether or not anything wrote that. */
  effectiveBookingStatus(row: BookingRow, now: Date): Status {
    if (row.status === 'ON_HOLD' && row.utc_hold_expiration && Date.parse(row.utc_hold_expiration) <= now.getTime()) return 'EXPIRED';
    return decided(row, now);
  }

  /** An order's status as of `now`: an order on hold past utcExpiresAt is EXPIRED. */
  effectiveOrderStatus(row: OrderRow, now: Date): Status {
    if (row.status === 'ON_HOLD' && Date.parse(row.utc_expires_at) <= now.getTime()) return 'EXPIRED';
    return decided(row, now);
  }

  toBooking(row: BookingRow, now: Date): BookingView {
    const status = this.effectiveBookingStatus(row, now);
    return {
      uuid: row.uuid,
      resellerReference: row.reseller_reference ?? null,
      supplierReference: row.supplier_reference,
      status,
      cancellable: status === 'ON_HOLD' || status === 'CONFIRMED',
      utcHoldExpiration: row.utc_hold_expiration ?? null,
      // A pending confirmation the supplier accepted was confirmed when the decision took effect.
      utcConfirmedAt: row.utc_confirmed_at ?? (status === 'CONFIRMED' && row.status === 'PENDING' ? (row.utc_decision_at ?? null) : null),
      productId: row.product_id,
      optionId: row.option_id,
      availabilityId: row.availability_id,
      unitItems: JSON.parse(row.unit_items),
      contact: row.contact ? JSON.parse(row.contact) : null,
      orderId: row.order_id ?? null,
    };
  }

  toOrder(order: OrderRow, bookings: BookingRow[], now: Date): OrderView {
    return {
      id: order.id,
      status: this.effectiveOrderStatus(order, now),
      utcExpiresAt: order.utc_expires_at,
      bookings: bookings.map((b) => this.toBooking(b, now)),
    };
  }

  // ---- bookings ----------------------------------------------------------------------------------------

  /**
   * Creates a booking on hold (joining or creating the order when `cartEnabled` and an orderId is given).
   * A retry with the same uuid and body returns the original booking with `created: false`.
   */
  async createBooking(
    ctx: DomainContext,
    tenant: string,
    supplierId: string,
    req: BookingRequest,
    cartEnabled: boolean,
  ): Promise<{ booking: BookingView; created: boolean }> {
    try {
      return await this.createBookingOnce(ctx, tenant, supplierId, req, cartEnabled);
    } catch (err) {
      // Two concurrent creates with one uuid: the loser's insert hits the key; the retry finds the winner's booking.
      if (isUniqueViolation(err)) return this.createBookingOnce(ctx, tenant, supplierId, req, cartEnabled);
      throw err;
    }
  }

  protected fingerprint(supplierId: string, req: BookingRequest, orderId: string | null): string {
    return JSON.stringify({
      supplierId,
      productId: req.productId,
      optionId: req.optionId,
      availabilityId: req.availabilityId,
      unitItems: req.unitItems.map((u) => u.unitId),
      holdExpirationMinutes: req.holdExpirationMinutes,
      resellerReference: req.resellerReference ?? null,
      orderId,
    });
  }

  protected async createBookingOnce(
    ctx: DomainContext,
    tenant: string,
    supplierId: string,
    req: BookingRequest,
    cartEnabled: boolean,
  ): Promise<{ booking: BookingView; created: boolean }> {
    const supplier = findSupplier(supplierId);
    if (!supplier) throw new ApiError(404, CODES.notFound, `Supplier ${supplierId} not found`);
    const product = supplier.products.find((p) => p.id === req.productId);
    if (!product) throw new ApiError(400, CODES.invalid, `Unknown productId ${req.productId}`);
    const option = product.options.find((o) => o.id === req.optionId);
    if (!option) throw new ApiError(400, CODES.invalid, `Unknown optionId ${req.optionId} for product ${req.productId}`);
    if (!option.availabilities.some((a) => a.id === req.availabilityId)) {
      throw new ApiError(400, CODES.invalid, `Unknown availabilityId ${req.availabilityId}`);
    }
    const badUnit = req.unitItems.find((u) => !option.units.includes(u.unitId));
    if (badUnit) throw new ApiError(400, CODES.invalid, `Unknown unitId ${badUnit.unitId}`);

    const orderId = cartEnabled && req.orderId ? req.orderId : null;
    const fingerprint = this.fingerprint(supplierId, req, orderId);

    return ctx.db.transaction(async (trx) => {
      const now = ctx.clock.now();
      const existing: BookingRow | undefined = await forUpdate(trx, trx('cart_bookings').where({ tenant, uuid: req.uuid })).first();
      if (existing) {
        if (existing.fingerprint !== fingerprint) {
          throw new ApiError(409, CODES.uuidReused, `Booking uuid ${req.uuid} was already used with a different request`, { bookingUuid: req.uuid });
        }
        return { booking: this.toBooking(existing, now), created: false };
      }

      let hold = addMinutes(iso(now), Math.min(req.holdExpirationMinutes, MAX_HOLD_MINUTES));
      let position = 0;
      if (orderId) {
        // Lock order before availability, in every code path, so that two transactions never wait on each other.
        await trx('cart_orders')
          .insert({ tenant, supplier_id: supplierId, id: orderId, status: 'ON_HOLD', utc_expires_at: hold, utc_created_at: iso(now) })
          .onConflict(['tenant', 'supplier_id', 'id'])
          .ignore();
        const order: OrderRow = await forUpdate(trx, trx('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId })).first();
        this.requireJoinable(order, now);
        hold = minIso(hold, order.utc_expires_at);
        const [{ n }] = await trx('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId }).count({ n: '*' });
        position = Number(n);
      }

      await this.takeCapacity(trx, supplierId, req.availabilityId, req.unitItems.length, now);

      const row: BookingRow = {
        tenant,
        uuid: req.uuid,
        supplier_id: supplierId,
        supplier_reference: 'CRT-' + crypto.randomBytes(5).toString('hex').toUpperCase(),
        reseller_reference: req.resellerReference ?? null,
        status: 'ON_HOLD',
        utc_hold_expiration: hold,
        utc_confirmed_at: null,
        product_id: req.productId,
        option_id: req.optionId,
        availability_id: req.availabilityId,
        unit_items: JSON.stringify(req.unitItems.map((u) => ({ unitId: u.unitId }))),
        units: req.unitItems.length,
        contact: null,
        order_id: orderId,
        position,
        fingerprint,
        cancel_reason: null,
        utc_created_at: iso(now),
      };
      await trx('cart_bookings').insert(row);
      return { booking: this.toBooking(row, now), created: true };
    });
  }

  /** Fails unless a booking may join the order now: only while it is ON_HOLD. */
  protected requireJoinable(order: OrderRow, now: Date) {
    const status = this.effectiveOrderStatus(order, now);
    if (status !== 'ON_HOLD') {
      throw new ApiError(409, status === 'EXPIRED' ? CODES.expired : CODES.orderNotOnHold, `Order ${order.id} is ${status}; bookings can only be added while it is ON_HOLD`);
    }
  }

  /** Locks the availability and fails unless `units` places are free (live holds and confirmed bookings count). */
  protected async takeCapacity(trx: Knex.Transaction, supplierId: string, availabilityId: string, units: number, now: Date) {
    const availability = await forUpdate(trx, trx('cart_availabilities').where({ supplier_id: supplierId, id: availabilityId })).first();
    if (!availability) throw new ApiError(400, CODES.invalid, `Unknown availabilityId ${availabilityId}`);
    // Two index range scans (see cart_002_capacity_index): kept bookings, and holds that have not yet expired.
    const inAvailability = () => trx('cart_bookings').where({ supplier_id: supplierId, availability_id: availabilityId });
    const [{ kept }] = await inAvailability().where('status', 'CONFIRMED').sum({ kept: 'units' });
    // A pending confirmation keeps its places until the supplier rejects it.
    const [{ pending }] = await inAvailability()
      .where('status', 'PENDING')
      .andWhere((q) => q.where('decision', 'CONFIRMED').orWhere('utc_decision_at', '>', iso(now)))
      .sum({ pending: 'units' });
    const [{ held }] = await inAvailability().where('status', 'ON_HOLD').andWhere('utc_hold_expiration', '>', iso(now)).sum({ held: 'units' });
    const taken = Number(kept ?? 0) + Number(pending ?? 0) + Number(held ?? 0);
    if (taken + units > Number(availability.capacity)) {
      throw new ApiError(409, CODES.noCapacity, `Availability ${availabilityId} has ${Math.max(0, availability.capacity - taken)} places left, ${units} asked`);
    }
  }

  protected async lockBooking(trx: Knex | Knex.Transaction, tenant: string, supplierId: string, uuid: string): Promise<BookingRow> {
    const row: BookingRow | undefined = await forUpdate(trx as Knex, (trx as Knex)('cart_bookings').where({ tenant, uuid, supplier_id: supplierId })).first();
    if (!row) throw new ApiError(404, CODES.notFound, `Booking ${uuid} not found`);
    return row;
  }

  async getBooking(ctx: DomainContext, tenant: string, supplierId: string, uuid: string): Promise<BookingView> {
    const row: BookingRow | undefined = await (ctx.reader ?? ctx.db)('cart_bookings').where({ tenant, uuid, supplier_id: supplierId }).first();
    if (!row) throw new ApiError(404, CODES.notFound, `Booking ${uuid} not found`);
    return this.toBooking(row, ctx.clock.now());
  }

  async extendBooking(ctx: DomainContext, tenant: string, supplierId: string, uuid: string, req: ExtendRequest): Promise<BookingView> {
    return ctx.db.transaction(async (trx) => {
      const now = ctx.clock.now();
      const row = await this.lockBooking(trx, tenant, supplierId, uuid);
      const status = this.effectiveBookingStatus(row, now);
      if (status !== 'ON_HOLD') throw new ApiError(409, status === 'EXPIRED' ? CODES.expired : CODES.cannotExtend, `Booking ${uuid} is ${status} and cannot be extended`, { bookingUuid: uuid });
      if (row.order_id) throw new ApiError(409, CODES.cannotExtend, `Booking ${uuid} belongs to order ${row.order_id}; extend the order instead`, { bookingUuid: uuid });
      const hold = addMinutes(row.utc_hold_expiration!, Math.min(req.holdExpirationMinutes, MAX_HOLD_MINUTES));
      await trx('cart_bookings').where({ tenant, uuid }).update({ utc_hold_expiration: hold });
      return this.toBooking({ ...row, utc_hold_expiration: hold }, now);
    });
  }

  async confirmBooking(ctx: DomainContext, tenant: string, supplierId: string, uuid: string, req: ConfirmRequest): Promise<BookingView> {
    return ctx.db.transaction(async (trx) => {
      const now = ctx.clock.now();
      const row = await this.lockBooking(trx, tenant, supplierId, uuid);
      const status = this.effectiveBookingStatus(row, now);
      // A repeat is answered with the booking as it is: confirmed, or still waiting for the supplier.
      if (status === 'CONFIRMED' || status === 'PENDING') return this.toBooking(row, now);
      if (status !== 'ON_HOLD') {
        throw new ApiError(409, status === 'EXPIRED' ? CODES.expired : CODES.bookingBlocks, `Booking ${uuid} is ${status} and cannot be confirmed`, { bookingUuid: uuid });
      }
      const changes = this.confirmChanges(req, now, this.pendingDecision(ctx, [row], now));
      await trx('cart_bookings').where({ tenant, uuid }).update(changes);
      return this.toBooking({ ...row, ...changes }, now);
    });
  }

  /**
   * What confirming writes to a booking; the same for every booking of an order (a resellerReference only when
   * given). With a pending decision the bookings wait for it: PENDING, the decision and when it takes effect.
   */
  protected confirmChanges(req: ConfirmRequest, now: Date, pending: PendingDecision | null = null): Partial<BookingRow> {
    return {
      ...(pending ? { status: 'PENDING' as Status, utc_decision_at: pending.at, decision: pending.decision } : { status: 'CONFIRMED' as Status, utc_confirmed_at: iso(now) }),
      contact: JSON.stringify(req.contact),
      ...(req.resellerReference != null ? { reseller_reference: req.resellerReference } : {}),
    };
  }

  /**
   * The supplier's decision on confirming these bookings together, or null when it confirms at once: pending when
   * any booking's option confirms asynchronously, and then REJECTED for all when any holds a rejecting availability.
   */
  protected pendingDecision(ctx: DomainContext, bookings: BookingRow[], now: Date): PendingDecision | null {
    const ways = bookings.map((b) => confirmationOf(b.supplier_id, b.product_id, b.option_id, b.availability_id));
    if (!ways.some((w) => w.pending)) return null;
    const seconds = ctx.pendingSeconds ?? PENDING_SECONDS;
    return { decision: ways.some((w) => w.rejects) ? 'REJECTED' : 'CONFIRMED', at: new Date(now.getTime() + seconds * 1000).toISOString() };
  }

  async cancelBooking(ctx: DomainContext, tenant: string, supplierId: string, uuid: string, req: CancelRequest): Promise<BookingView> {
    return ctx.db.transaction(async (trx) => {
      const now = ctx.clock.now();
      const row = await this.lockBooking(trx, tenant, supplierId, uuid);
      const status = this.effectiveBookingStatus(row, now);
      if (status === 'CANCELLED') return this.toBooking(row, now);
      if (status !== 'ON_HOLD' && status !== 'CONFIRMED') {
        throw new ApiError(409, status === 'EXPIRED' ? CODES.expired : CODES.bookingBlocks, `Booking ${uuid} is ${status} and cannot be cancelled`, { bookingUuid: uuid });
      }
      const changes = { status: 'CANCELLED' as Status, cancel_reason: req.reason };
      await trx('cart_bookings').where({ tenant, uuid }).update(changes);
      return this.toBooking({ ...row, ...changes }, now);
    });
  }

  // ---- orders ------------------------------------------------------------------------------------------

  /** Reads (and on PostgreSQL locks) an order and all its bookings, in the order they were added. */
  protected async loadOrder(trx: Knex, tenant: string, supplierId: string, orderId: string, lock: boolean) {
    const q = trx('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId });
    const order: OrderRow | undefined = await (lock ? forUpdate(trx, q) : q).first();
    if (!order) throw new ApiError(404, CODES.notFound, `Order ${orderId} not found`);
    const bq = trx('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId }).orderBy('position', 'asc');
    const bookings: BookingRow[] = await (lock ? forUpdate(trx, bq) : bq);
    return { order, bookings };
  }

  async getOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string): Promise<OrderView> {
    // One round trip for the order and its bookings: reads are the hot path of a sandbox.
    const rows: Array<
      BookingRow & { o_status: Status; o_utc_expires_at: string; o_utc_created_at: string; o_cancel_reason: string | null; o_utc_decision_at: string | null; o_decision: Status | null }
    > = await (ctx.reader ?? ctx.db)
      .from('cart_orders as o')
      .leftJoin('cart_bookings as b', function () {
        this.on('b.tenant', 'o.tenant').andOn('b.supplier_id', 'o.supplier_id').andOn('b.order_id', 'o.id');
      })
      .where({ 'o.tenant': tenant, 'o.supplier_id': supplierId, 'o.id': orderId })
      .orderBy('b.position', 'asc')
      .select(
        'b.*',
        'o.status as o_status',
        'o.utc_expires_at as o_utc_expires_at',
        'o.utc_created_at as o_utc_created_at',
        'o.cancel_reason as o_cancel_reason',
        'o.utc_decision_at as o_utc_decision_at',
        'o.decision as o_decision',
      );
    if (!rows.length) throw new ApiError(404, CODES.notFound, `Order ${orderId} not found`);
    const first = rows[0];
    const order: OrderRow = {
      tenant,
      supplier_id: supplierId,
      id: orderId,
      status: first.o_status,
      utc_expires_at: first.o_utc_expires_at,
      utc_created_at: first.o_utc_created_at,
      cancel_reason: first.o_cancel_reason,
      utc_decision_at: first.o_utc_decision_at,
      decision: first.o_decision,
    };
    const bookings = rows
      .filter((r) => r.uuid !== null)
      .map(({ o_status, o_utc_expires_at, o_utc_created_at, o_cancel_reason, o_utc_decision_at, o_decision, ...b }) => b as BookingRow);
    return this.toOrder(order, bookings, ctx.clock.now());
  }

  /** Fails unless the order is ON_HOLD (as of now). */
  protected requireOrderOnHold(order: OrderRow, now: Date, action: string) {
    const status = this.effectiveOrderStatus(order, now);
    if (status === 'ON_HOLD') return;
    if (status === 'EXPIRED') throw new ApiError(409, CODES.expired, `Order ${order.id} cannot be ${action}: it expired at ${order.utc_expires_at}`);
    throw new ApiError(409, action === 'extended' ? CODES.cannotExtend : CODES.orderNotOnHold, `Order ${order.id} cannot be ${action}: it is ${status}`);
  }

  /** Fails, naming the first booking that is not in `wanted` as of now. */
  protected requireBookings(bookings: BookingRow[], wanted: Status, now: Date, orderId: string, action: string) {
    for (const b of bookings) {
      const status = this.effectiveBookingStatus(b, now);
      if (status === wanted) continue;
      const why = status === 'EXPIRED' ? `its hold expired at ${b.utc_hold_expiration}` : `it is ${status}`;
      throw new ApiError(409, status === 'EXPIRED' ? CODES.expired : CODES.bookingBlocks, `Order ${orderId} cannot be ${action}: booking ${b.uuid} blocks it (${why}); nothing was changed`, {
        bookingUuid: b.uuid,
      });
    }
  }

  async extendOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: ExtendRequest): Promise<OrderView> {
    return ctx.db.transaction(async (trx) => {
      const now = ctx.clock.now();
      const { order, bookings } = await this.loadOrder(trx, tenant, supplierId, orderId, true);
      this.requireOrderOnHold(order, now, 'extended');
      this.requireBookings(bookings, 'ON_HOLD', now, orderId, 'extended');
      const expires = this.extendedExpiry(order, req);
      await trx('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).update({ utc_expires_at: expires });
      await trx('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId }).update({ utc_hold_expiration: expires });
      return this.toOrder(
        { ...order, utc_expires_at: expires },
        bookings.map((b) => ({ ...b, utc_hold_expiration: expires })),
        now,
      );
    });
  }

  /** The order's new expiry: later by the granted minutes (never more than MAX_HOLD_MINUTES per extension). */
  protected extendedExpiry(order: OrderRow, req: ExtendRequest): string {
    return addMinutes(order.utc_expires_at, Math.min(req.holdExpirationMinutes, MAX_HOLD_MINUTES));
  }

  async confirmOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: ConfirmRequest): Promise<OrderView> {
    return ctx.db.transaction(async (trx) => {
      const now = ctx.clock.now();
      const { order, bookings } = await this.loadOrder(trx, tenant, supplierId, orderId, true);
      if (this.effectiveOrderStatus(order, now) === 'CONFIRMED') {
        // A repeat is answered as the first confirm only while every booking still is CONFIRMED: one cancelled on
        // its own since then makes the order operation fail (seed 000: "the requested operation must fail").
        this.requireBookings(bookings, 'CONFIRMED', now, orderId, 'confirmed again');
        return this.toOrder(order, bookings, now);
      }
      // Still waiting for the supplier: a repeat answers the order as it is.
      if (this.effectiveOrderStatus(order, now) === 'PENDING') {
        this.requireBookings(bookings, 'PENDING', now, orderId, 'confirmed again');
        return this.toOrder(order, bookings, now);
      }
      this.requireOrderOnHold(order, now, 'confirmed');
      this.requireBookings(bookings, 'ON_HOLD', now, orderId, 'confirmed');
      const pending = this.pendingDecision(ctx, bookings, now);
      const changes = this.confirmChanges(req, now, pending);
      const updated = bookings.map((b) => ({ ...b, ...changes }));
      // One statement for every booking of the order.
      if (bookings.length) await trx('cart_bookings').where({ tenant }).whereIn('uuid', bookings.map((b) => b.uuid)).update(changes);
      const orderChanges: Partial<OrderRow> = pending ? { status: 'PENDING', utc_decision_at: pending.at, decision: pending.decision } : { status: 'CONFIRMED' };
      await trx('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).update(orderChanges);
      return this.toOrder({ ...order, ...orderChanges }, updated, now);
    });
  }

  /**
   * Cancels an ON_HOLD order (ending every hold) or a CONFIRMED one (accepted: all bookings CANCELLED).
   * A CANCELLED order is answered unchanged; an EXPIRED one is refused.
   */
  async cancelOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: CancelRequest): Promise<OrderView> {
    return ctx.db.transaction(async (trx) => {
      const now = ctx.clock.now();
      const { order, bookings } = await this.loadOrder(trx, tenant, supplierId, orderId, true);
      const status = this.effectiveOrderStatus(order, now);
      if (status === 'CANCELLED') return this.toOrder(order, bookings, now);
      if (status === 'CONFIRMED') this.requireBookings(bookings, 'CONFIRMED', now, orderId, 'cancelled');
      else {
        this.requireOrderOnHold(order, now, 'cancelled');
        this.requireBookings(bookings, 'ON_HOLD', now, orderId, 'cancelled');
      }
      const changes = { status: 'CANCELLED' as Status, cancel_reason: req.reason };
      await trx('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId }).update(changes);
      await trx('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).update(changes);
      return this.toOrder({ ...order, ...changes }, bookings.map((b) => ({ ...b, ...changes })), now);
    });
  }
}
