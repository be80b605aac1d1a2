/**
 * Cart servers that choose differently from the reference where the Redeam documents let them. The suite must
 * certify every one (test/selftest/tolerance-table.test.ts).
 */
import { activationApi } from '../../src/activation/api.js';
import { cartApi } from '../../src/cart/api.js';
import { CartDomain, CODES, type BookingRequest, type BookingView, type CancelRequest, type DomainContext, type ExtendRequest, type OrderView } from '../../src/cart/domain.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import type { ApiModule } from '../../src/shared/api.js';
import { ApiError } from '../../src/shared/errors.js';
import { withEdge, withOwnLimits } from './edge.js';
import type { ToleranceVariant } from './variant.js';

const withCart = (cart: ApiModule) => () => [cart, activationApi(), ethernetApi()];

const HOLD_CAP_MINUTES = 3;

/**
 * Holds and extensions are granted for at most three minutes, whatever was asked: the request is capped on arrival,
 * and a retry is still recognised by what was asked.
 */
const capHolds = withEdge(cartApi({ domain: new (class extends CartDomain {
  protected override fingerprint(supplierId: string, req: BookingRequest, orderId: string | null): string {
    const asked = (req as BookingRequest & { askedHoldMinutes?: number }).askedHoldMinutes;
    return super.fingerprint(supplierId, { ...req, holdExpirationMinutes: asked ?? req.holdExpirationMinutes }, orderId);
  }
})() }), (req, _res, next) => {
  if (req.method === 'POST' && /\/(bookings|extend)$/.test(req.path) && typeof req.body?.holdExpirationMinutes === 'number') {
    req.body.askedHoldMinutes = req.body.holdExpirationMinutes;
    req.body.holdExpirationMinutes = Math.min(req.body.holdExpirationMinutes, HOLD_CAP_MINUTES);
  }
  next();
});

/** No hold is ever extended: every extension (of an order or booking the caller has) is refused with an error and changes nothing. */
class NoExtensions extends CartDomain {
  override async extendOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string): Promise<OrderView> {
    await this.getOrder(ctx, tenant, supplierId, orderId); // another reseller's or an unknown order is still 404
    throw new ApiError(409, CODES.cannotExtend, 'This supplier does not extend holds');
  }
  override async extendBooking(ctx: DomainContext, tenant: string, supplierId: string, uuid: string): Promise<never> {
    await this.getBooking(ctx, tenant, supplierId, uuid);
    throw new ApiError(409, CODES.cannotExtend, 'This supplier does not extend holds');
  }
}

/** A confirmed order is final here: cancelling it is refused (bookings can still be cancelled one by one where allowed). */
class ConfirmedIsFinal extends CartDomain {
  override async cancelOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: CancelRequest): Promise<OrderView> {
    const { order } = await this.loadOrder(ctx.db, tenant, supplierId, orderId, false);
    if (this.effectiveOrderStatus(order, ctx.clock.now()) === 'CONFIRMED') {
      throw new ApiError(409, CODES.orderNotOnHold, `Order ${orderId} is CONFIRMED; a confirmed order cannot be cancelled`);
    }
    return super.cancelOrder(ctx, tenant, supplierId, orderId, req);
  }
}

/** Cancelling an ON_HOLD order expires its hold: the order and its bookings read EXPIRED ("should expire the hold"). */
class CancelExpires extends CartDomain {
  override async cancelOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: CancelRequest): Promise<OrderView> {
    const cancelled = await super.cancelOrder(ctx, tenant, supplierId, orderId, req);
    const wasOnHold = cancelled.bookings.every((b) => b.status === 'CANCELLED') && cancelled.bookings.every((b) => !b.utcConfirmedAt);
    if (!wasOnHold) return cancelled;
    await ctx.db('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId }).update({ status: 'EXPIRED' });
    await ctx.db('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).update({ status: 'EXPIRED' });
    return this.getOrder(ctx, tenant, supplierId, orderId);
  }
}

/** Redeam's pending-booking table makes channelName and channelId required: a create without them is refused. */
const requireChannel = withEdge(cartApi(), (req, _res, next) => {
  if (req.method === 'POST' && /\/bookings$/.test(req.path)) {
    const missing = ['channelName', 'channelId'].filter((k) => typeof req.body?.[k] !== 'string' || req.body[k] === '');
    if (missing.length) return next(new ApiError(400, CODES.invalid, `Missing required field(s): ${missing.join(', ')}`));
  }
  next();
});

/** Every confirmation is instant: the supplier never leaves one PENDING (the demo's asynchronous option included). */
class SynchronousOnly extends CartDomain {
  protected override pendingDecision(): null {
    return null;
  }
}

/**
 * One hold per order: a booking that joins an order is held until the order's utcExpiresAt, whatever it asked, and
 * extending one booking of an order extends the order (every booking with it). No booking ever expires alone.
 */
class OneHoldPerOrder extends CartDomain {
  protected override async createBookingOnce(ctx: DomainContext, tenant: string, supplierId: string, req: BookingRequest, cartEnabled: boolean) {
    const made = await super.createBookingOnce(ctx, tenant, supplierId, req, cartEnabled);
    const orderId = made.booking.orderId;
    if (!made.created || !orderId) return made;
    const order = await ctx.db('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).first();
    await ctx.db('cart_bookings').where({ tenant, uuid: req.uuid }).update({ utc_hold_expiration: order.utc_expires_at });
    return { booking: await this.getBooking(ctx, tenant, supplierId, req.uuid), created: true };
  }
  override async extendBooking(ctx: DomainContext, tenant: string, supplierId: string, uuid: string, req: ExtendRequest): Promise<BookingView> {
    const booking = await this.getBooking(ctx, tenant, supplierId, uuid);
    if (!booking.orderId) return super.extendBooking(ctx, tenant, supplierId, uuid, req);
    await this.extendOrder(ctx, tenant, supplierId, booking.orderId, req);
    return this.getBooking(ctx, tenant, supplierId, uuid);
  }
}

/** The spec's own request limits (holds, unit items, lengths) drawn elsewhere by the server's own validator. */
const limitsDrawn = (l: { holdMinutes: [number, number]; maxUnitItems: number; maxLength: number; orderIdLength: [number, number] }) =>
  withCart(
    withOwnLimits(cartApi(), (schemas) => {
      const hold = { minimum: l.holdMinutes[0], maximum: l.holdMinutes[1] };
      const p = schemas.BookingRequest.properties;
      Object.assign(p.holdExpirationMinutes, hold);
      Object.assign(schemas.ExtendRequest.properties.holdExpirationMinutes, hold);
      p.unitItems.maxItems = l.maxUnitItems;
      for (const member of ['resellerReference', 'channelName']) p[member].maxLength = l.maxLength;
      schemas.OrderId.pattern = `^[A-Za-z0-9._-]{${l.orderIdLength[0]},${l.orderIdLength[1]}}$`;
    }),
  );

/** OrderIds unique to the supplier (the source's words): a create naming an orderId another reseller holds is refused. */
class SupplierOrderIds extends CartDomain {
  override async createBooking(ctx: DomainContext, tenant: string, supplierId: string, req: BookingRequest, cartEnabled: boolean) {
    if (cartEnabled && req.orderId) {
      const taken = await ctx.db('cart_orders').where({ supplier_id: supplierId, id: req.orderId }).whereNot({ tenant }).first();
      if (taken) throw new ApiError(409, CODES.orderNotOnHold, 'This orderId is in use');
    }
    return super.createBooking(ctx, tenant, supplierId, req, cartEnabled);
  }
}

export const cartTolerance: ToleranceVariant[] = [
  {
    name: 'cart-own-limits-wider',
    sweep: true,
    apis: ['cart'],
    choice: 'requests past the spec\'s own limits are taken: holds of 0 to 2880 minutes, up to 40 unit items, references and order ids up to 200 characters (an empty orderId is no order)',
    allowedBy: 'specs/cart/openapi.yaml: the request limits are the spec\'s own ("a server may accept more, or refuse less"); the sources set none',
    strict: true,
    server: limitsDrawn({ holdMinutes: [0, 2880], maxUnitItems: 40, maxLength: 200, orderIdLength: [0, 200] }),
  },
  {
    name: 'cart-own-limits-narrower',
    sweep: true,
    apis: ['cart'],
    choice: 'the limits are narrower than the spec\'s: holds of 1 to 720 minutes, at most 10 unit items, references and order ids up to 50 characters; past them, 400',
    allowedBy: 'specs/cart/openapi.yaml: the request limits are the spec\'s own ("a server may accept more, or refuse less"); the sources set none',
    strict: true,
    server: limitsDrawn({ holdMinutes: [1, 720], maxUnitItems: 10, maxLength: 50, orderIdLength: [1, 50] }),
  },
  {
    name: 'cart-holds-capped-3-minutes',
    apis: ['cart'],
    choice: 'holds and extensions are granted for at most 3 minutes, whatever was asked',
    allowedBy: 'CART-ORDER-EXPIRY-TIME, CART-ORDER-EXTEND-NOT-EARLIER ("the platform may hold or extend for less time than asked")',
    strict: true,
    server: withCart(capHolds),
  },
  {
    name: 'cart-extensions-refused',
    apis: ['cart'],
    choice: 'every extension is refused (409, error array) and changes nothing',
    allowedBy: 'CART-ORDER-EXTEND-NOT-EARLIER, CART-ORDER-EXTEND-REJECT-ERROR ("If the extension is rejected, an error must be returned")',
    strict: true,
    server: withCart(cartApi({ domain: new NoExtensions() })),
  },
  {
    name: 'cart-confirmed-order-not-cancellable',
    apis: ['cart'],
    choice: 'cancelling a CONFIRMED order is refused (409) and changes nothing',
    allowedBy: 'CART-ORDER-CANCEL-CONFIRMED ("the OBS may accept or reject the cancellation request")',
    strict: true,
    server: withCart(cartApi({ domain: new ConfirmedIsFinal() })),
  },
  {
    name: 'cart-cancel-expires-hold',
    apis: ['cart'],
    choice: 'cancelling an ON_HOLD order leaves the order and every booking EXPIRED',
    allowedBy: 'CART-ORDER-CANCEL-DELETE ("should expire the hold"; CANCELLED, or EXPIRED)',
    strict: true,
    server: withCart(cartApi({ domain: new CancelExpires() })),
  },
  {
    name: 'cart-channel-required',
    apis: ['cart'],
    choice: 'a booking create without channelName and channelId is refused with 400 (Redeam pending-booking table)',
    allowedBy: 'reference/cart.md booking request fields: channelName and channelId required',
    strict: true,
    server: withCart(requireChannel),
  },
  {
    name: 'cart-synchronous-confirmation-only',
    sweep: true,
    apis: ['cart'],
    choice: 'every confirmation is instant (never PENDING); the profile declares asyncConfirmation and asyncRejection false',
    allowedBy: 'CART-ORDER-PENDING-FLOW, CART-ORDER-REJECT-COLLECTIVE: a confirmation "may be" pending or rejected (a possibility, not an obligation)',
    strict: true,
    fullyJudged: true,
    profile: {
      capabilities: { asyncConfirmation: false, asyncRejection: false },
      cart: { asyncOptionId: undefined, asyncAvailabilityId: undefined, rejectingAvailabilityId: undefined },
    },
    server: withCart(cartApi({ domain: new SynchronousOnly() })),
  },
  {
    name: 'cart-one-hold-per-order',
    sweep: true,
    apis: ['cart'],
    choice: "every booking of an order is held until the order's utcExpiresAt (one timer per order); the profile declares perBookingHolds false",
    allowedBy: 'CART-ORDER-EXPIRY-TIME, CART-ORDER-CONFIRM-EXPIRED-BOOKING (the seed gives the hold to the Order)',
    strict: true,
    fullyJudged: true,
    profile: { capabilities: { perBookingHolds: false } },
    server: withCart(cartApi({ domain: new OneHoldPerOrder() })),
  },
  {
    name: 'cart-order-ids-unique-per-supplier',
    sweep: true,
    apis: ['cart'],
    choice: "an orderId is unique to the supplier: a create naming one another reseller holds is refused (409, error array); the profile declares resellerOrderIds false",
    allowedBy: 'reference/cart.md: orderIds are "unique to the supplier" (the spec adds the reseller); capabilities.resellerOrderIds',
    strict: true,
    profile: { capabilities: { resellerOrderIds: false } },
    server: withCart(cartApi({ domain: new SupplierOrderIds() })),
  },
];
