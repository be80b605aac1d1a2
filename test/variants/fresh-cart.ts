/**
 * Broken copies of the cart reference server, each a realistic bug of a kind no earlier variant names: written to
 * measure the suite's power on bugs it was not told about.
 */
import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { activationApi } from '../../src/activation/api.js';
import { cartApi, cartErrorBody } from '../../src/cart/api.js';
import {
  CartDomain,
  CODES,
  MAX_HOLD_MINUTES,
  type BookingRequest,
  type BookingRow,
  type CancelRequest,
  type DomainContext,
  type OrderRow,
  type OrderView,
  type Status,
} from '../../src/cart/domain.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import { loadSpec, type ApiModule } from '../../src/shared/api.js';
import { ApiError } from '../../src/shared/errors.js';
import { withEdge } from '../tolerance/edge.js';
import type { Variant } from './variant.js';

const withCart = (cart: ApiModule) => () => [cart, activationApi(), ethernetApi()];
const withDomain = (domain: CartDomain) => withCart(cartApi({ domain }));

// ---- a time boundary ---------------------------------------------------------------------------------------

/** The clock read to the whole minute, as a `date_trunc('minute', now())` column would give it. */
const toMinute = (now: Date) => Math.floor(now.getTime() / 60_000) * 60_000;

/**
 * Holds are judged against the clock truncated to the minute: an order (or booking) stays ON_HOLD, confirmable and
 * joinable, for up to 59 seconds after its utcExpiresAt (utcHoldExpiration).
 */
class ExpiryToTheMinute extends CartDomain {
  override effectiveOrderStatus(row: OrderRow, now: Date): Status {
    if (row.status === 'ON_HOLD') return Date.parse(row.utc_expires_at) <= toMinute(now) ? 'EXPIRED' : 'ON_HOLD';
    return super.effectiveOrderStatus(row, now);
  }
  override effectiveBookingStatus(row: BookingRow, now: Date): Status {
    if (row.status === 'ON_HOLD' && row.utc_hold_expiration) return Date.parse(row.utc_hold_expiration) <= toMinute(now) ? 'EXPIRED' : 'ON_HOLD';
    return super.effectiveBookingStatus(row, now);
  }
}

// ---- a cache that one write path forgets ---------------------------------------------------------------------

/**
 * The bookings an order holds are cached (per order, in memory) the first time the order is seen; the booking
 * rows themselves are read fresh. The order operations never change membership, and the path that adds a booking
 * to an existing order does not update the cache: a booking that joins an order the server has already seen is
 * missing from the order's reads.
 */
class OrderMembersCached extends CartDomain {
  private readonly members = new Map<string, string[]>();
  private key = (tenant: string, supplierId: string, orderId: string) => JSON.stringify([tenant, supplierId, orderId]);

  override async createBooking(ctx: DomainContext, tenant: string, supplierId: string, req: BookingRequest, cartEnabled: boolean) {
    const made = await super.createBooking(ctx, tenant, supplierId, req, cartEnabled);
    const orderId = made.booking.orderId;
    if (made.created && orderId && !this.members.has(this.key(tenant, supplierId, orderId))) {
      const rows: Array<{ uuid: string }> = await ctx.db('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId }).orderBy('position').select('uuid');
      this.members.set(this.key(tenant, supplierId, orderId), rows.map((r) => r.uuid));
    }
    return made;
  }

  override async getOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string): Promise<OrderView> {
    const view = await super.getOrder(ctx, tenant, supplierId, orderId);
    const key = this.key(tenant, supplierId, orderId);
    const cached = this.members.get(key);
    if (!cached) {
      this.members.set(key, view.bookings.map((b) => b.uuid));
      return view;
    }
    return { ...view, bookings: view.bookings.filter((b) => cached.includes(b.uuid)) };
  }
}

// ---- a partial update ------------------------------------------------------------------------------------------

/**
 * The order cancel's UPDATE of the bookings was written for holds (`... AND status = 'ON_HOLD'`): cancelling a
 * CONFIRMED order marks the order CANCELLED (and answers every booking CANCELLED) but leaves its bookings CONFIRMED.
 */
class CancelUpdatesOnlyHolds extends CartDomain {
  override async cancelOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: CancelRequest): Promise<OrderView> {
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
      await trx('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId, status: 'ON_HOLD' }).update(changes);
      await trx('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).update(changes);
      return this.toOrder({ ...order, ...changes }, bookings.map((b) => ({ ...b, ...changes })), now);
    });
  }
}

// ---- a check that looks at the wrong field ------------------------------------------------------------------

/**
 * Order confirmation checks the order's expiry and each booking's status column, but not each booking's own hold:
 * a booking whose utcHoldExpiration has passed (its order's has not) is confirmed with the others.
 */
class ConfirmChecksStatusColumn extends CartDomain {
  protected override requireBookings(bookings: BookingRow[], wanted: Status, now: Date, orderId: string, action: string) {
    if (action !== 'confirmed') return super.requireBookings(bookings, wanted, now, orderId, action);
    const blocking = bookings.find((b) => b.status !== wanted);
    if (blocking) {
      throw new ApiError(409, CODES.bookingBlocks, `Order ${orderId} cannot be confirmed: booking ${blocking.uuid} is ${blocking.status}`, { bookingUuid: blocking.uuid });
    }
  }
}

// ---- a wrong default ---------------------------------------------------------------------------------------------

/**
 * The vendor's copy of the spec makes an extension's holdExpirationMinutes optional with a default of 30 (the
 * reference's validation is off, the copy's runs in its place): an extension without minutes extends by 30.
 */
function extendMinutesDefaulted() {
  process.env.ORDERCERT_VALIDATE_REQUESTS = '0';
  const spec = loadSpec('cart');
  spec.servers = [{ url: '/cart' }];
  const extend = spec.components.schemas.ExtendRequest;
  extend.required = (extend.required as string[]).filter((k) => k !== 'holdExpirationMinutes');
  extend.properties.holdExpirationMinutes.default = 30;
  const validate = OpenApiValidator.middleware({ apiSpec: spec as any, validateRequests: { allowUnknownQueryParameters: false }, validateResponses: false, validateSecurity: false, ignoreUndocumented: false });
  const edge: RequestHandler = (req, res, next) => {
    const chain = [...validate];
    const step = (err?: unknown): void => {
      if (err) return next(err);
      if (chain.length) return chain.shift()!(req, res, step);
      if (req.method === 'POST' && /\/extend$/.test(req.path) && req.body && typeof req.body === 'object' && req.body.holdExpirationMinutes === undefined) {
        req.body.holdExpirationMinutes = 30;
      }
      next();
    };
    step();
  };
  return [withEdge(cartApi(), edge), activationApi(), ethernetApi()];
}

// ---- an error in the wrong shape ---------------------------------------------------------------------------------

/** The authentication layer answers 401 with its own body ({ message }), not the API's error array. */
const unauthorizedPlainBody = (): ApiModule => {
  const base = cartApi();
  return { ...base, errorBody: (error: ApiError) => (error.status === 401 ? { message: 'Unauthorized' } : cartErrorBody(error)) };
};

// ---- a retry key built from the wrong value ------------------------------------------------------------------------

/**
 * A retry is recognised by the hold the server granted, not the one asked for: two creates with one uuid asking
 * for different holds above the 60-minute cap (say 90 and 120) are taken for the same request.
 */
class RetryKeyByGrantedHold extends CartDomain {
  protected override fingerprint(supplierId: string, req: BookingRequest, orderId: string | null): string {
    return super.fingerprint(supplierId, { ...req, holdExpirationMinutes: Math.min(req.holdExpirationMinutes, MAX_HOLD_MINUTES) }, orderId);
  }
}

// ---- a member dropped in one answer ------------------------------------------------------------------------------

/**
 * The booking read (GET /bookings/{uuid}) serialises with a replacer that drops null members: a held booking read
 * alone lacks contact, utcConfirmedAt (and resellerReference when none was given); every other answer has them.
 */
const bookingReadDropsNulls = withCart(
  withEdge(cartApi(), (req, res, next) => {
    if (req.method === 'GET' && /\/bookings\/[^/]+$/.test(req.path)) {
      const json = res.json.bind(res);
      res.json = (body: unknown) => json(JSON.parse(JSON.stringify(body, (_k, v) => (v === null ? undefined : v))));
    }
    next();
  }),
);

const v = (name: string, breaks: string, description: string, apis: Variant['apis'], extra: Partial<Variant> = {}): Variant => ({ name, api: 'cart', breaks, description, apis, ...extra });

export const freshCartVariants: Variant[] = [
  v('fresh-cart-expiry-to-the-minute', 'CART-ORDER-EXPIRES', 'holds are judged against the clock truncated to the minute: an order reads ON_HOLD and can be confirmed up to 59 s past utcExpiresAt', withDomain(new ExpiryToTheMinute())),
  v('fresh-cart-order-members-cached', 'CART-BOOKING-JOINS-ORDER', "an order's booking list is cached when first seen and the join path does not update it: a joining booking is missing from the order read", withDomain(new OrderMembersCached())),
  v('fresh-cart-cancel-updates-only-holds', 'CART-ORDER-CANCEL-CONFIRMED', "an order cancel updates only ON_HOLD bookings: a cancelled CONFIRMED order keeps its bookings CONFIRMED", withDomain(new CancelUpdatesOnlyHolds()), {
    alsoBreaks: ['CART-ORDER-OPS-COLLECTIVE'],
  }),
  v('fresh-cart-confirm-checks-status-column', 'CART-ORDER-CONFIRM-EXPIRED-BOOKING', "order confirm checks the bookings' status column, not their holds: a booking whose hold has passed is confirmed with the order", withDomain(new ConfirmChecksStatusColumn())),
  v('fresh-cart-extend-minutes-defaulted', 'CART-ORDER-EXTEND-INPUT', "an extension without holdExpirationMinutes is accepted and extends by a default 30 minutes", extendMinutesDefaulted),
  v('fresh-cart-unauthorized-plain-body', 'CART-AUTH', 'a 401 answers { message: "Unauthorized" } instead of the error array', withCart(unauthorizedPlainBody())),
  v('fresh-cart-retry-key-granted-hold', 'CART-CREATE-RETRY', 'a retried create is recognised by the granted (capped) hold: a reused uuid asking for another hold above 60 minutes returns the original', withDomain(new RetryKeyByGrantedHold())),
  v('fresh-cart-booking-read-drops-nulls', 'CART-RESPONSE-SCHEMA', 'GET of a booking drops null members (contact, utcConfirmedAt, ...): a held booking read alone lacks required members', bookingReadDropsNulls),
];
