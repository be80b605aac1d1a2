/**
 * Broken copies of the Cart API, each breaking exactly one documented rule. The conformance suite must
 * report that rule as failed against each of them (test/selftest/kill-table.test.ts).
 */
import express, { type ErrorRequestHandler } from 'express';
import { activationApi } from '../../src/activation/api.js';
import { cartApi, cartErrorBody } from '../../src/cart/api.js';
import { findSupplier } from '../../src/cart/catalogue.js';
import {
  CartDomain,
  type BookingRequest,
  type BookingRow,
  type ConfirmRequest,
  type DomainContext,
  type ExtendRequest,
  type OrderRow,
  type OrderView,
  type Status,
} from '../../src/cart/domain.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import type { ApiModule } from '../../src/shared/api.js';
import { toApiError } from '../../src/shared/api.js';
import { ApiError } from '../../src/shared/errors.js';
import type { Variant } from './variant.js';

const withCart = (cart: ApiModule) => () => [cart, activationApi(), ethernetApi()];

/** Books a unitId the option does not have as the option's first unit, as if it were a default. */
class AnyUnitDomain extends CartDomain {
  protected override createBookingOnce(ctx: DomainContext, tenant: string, supplierId: string, req: BookingRequest, cartEnabled: boolean) {
    const units = findSupplier(supplierId)?.products.find((p) => p.id === req.productId)?.options.find((o) => o.id === req.optionId)?.units ?? [];
    const unitItems = req.unitItems.map((u) => (units.includes(u.unitId) ? u : { unitId: units[0] }));
    return super.createBookingOnce(ctx, tenant, supplierId, { ...req, unitItems }, cartEnabled);
  }
}

/** Confirms an order booking by booking, each in its own transaction: a blocked booking leaves earlier ones CONFIRMED. */
class PartialConfirmDomain extends CartDomain {
  override async confirmOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: ConfirmRequest): Promise<OrderView> {
    const { bookings } = await this.loadOrder(ctx.db, tenant, supplierId, orderId, false);
    for (const b of bookings) await this.confirmBooking(ctx, tenant, supplierId, b.uuid, req);
    await ctx.db('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).update({ status: 'CONFIRMED' });
    return this.getOrder(ctx, tenant, supplierId, orderId);
  }
}

/** Order confirmation judges holds as if no time had passed: expired orders and bookings are confirmed. */
class ExpiredConfirmableDomain extends CartDomain {
  protected override requireOrderOnHold(order: OrderRow, now: Date, action: string) {
    super.requireOrderOnHold(order, action === 'confirmed' ? new Date(0) : now, action);
  }
  protected override requireBookings(bookings: BookingRow[], wanted: Status, now: Date, orderId: string, action: string) {
    super.requireBookings(bookings, wanted, action === 'confirmed' ? new Date(0) : now, orderId, action);
  }
}

/** Lets bookings join an order in any status. */
class JoinAnyOrderDomain extends CartDomain {
  protected override requireJoinable() {}
}

/** Finds orders by supplier and id only, whoever created them. */
class CrossTenantReadDomain extends CartDomain {
  override async getOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string): Promise<OrderView> {
    const order: OrderRow | undefined = await ctx.db('cart_orders').where({ supplier_id: supplierId, id: orderId }).orderBy('utc_created_at').first();
    if (!order) throw new ApiError(404, 'core/9010', `Order ${orderId} not found`);
    return super.getOrder(ctx, order.tenant, supplierId, orderId);
  }
}

/** Extends the order's expiry but leaves every booking's hold where it was. */
class ExtendIgnoresBookingsDomain extends CartDomain {
  override async extendOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: ExtendRequest): Promise<OrderView> {
    await ctx.db.transaction(async (trx) => {
      const now = ctx.clock.now();
      const { order, bookings } = await this.loadOrder(trx, tenant, supplierId, orderId, true);
      this.requireOrderOnHold(order, now, 'extended');
      this.requireBookings(bookings, 'ON_HOLD', now, orderId, 'extended');
      await trx('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).update({ utc_expires_at: this.extendedExpiry(order, req) });
    });
    return this.getOrder(ctx, tenant, supplierId, orderId);
  }
}

/** "Extends" by moving the expiry earlier by the requested minutes. */
class ExtendEarlierDomain extends CartDomain {
  protected override extendedExpiry(order: OrderRow, req: ExtendRequest): string {
    return new Date(Date.parse(order.utc_expires_at) - req.holdExpirationMinutes * 60_000).toISOString();
  }
}

/** Order answers lack the required utcExpiresAt. */
class MissingFieldDomain extends CartDomain {
  override toOrder(order: OrderRow, bookings: BookingRow[], now: Date): OrderView {
    const view: Partial<OrderView> = { ...super.toOrder(order, bookings, now) };
    delete view.utcExpiresAt;
    return view as OrderView;
  }
}

/** A repeated order confirm answers the CONFIRMED order whatever its bookings became since (a cancelled one included). */
class RepeatConfirmIgnoresBookingsDomain extends CartDomain {
  override async confirmOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: ConfirmRequest): Promise<OrderView> {
    const { order } = await this.loadOrder(ctx.db, tenant, supplierId, orderId, false);
    if (order.status === 'CONFIRMED') return this.getOrder(ctx, tenant, supplierId, orderId);
    return super.confirmOrder(ctx, tenant, supplierId, orderId, req);
  }
}

/** The supplier's Reject reaches every booking but the first, which is decided CONFIRMED: a rejected order with a confirmed booking. */
class PartialRejectDomain extends CartDomain {
  override async confirmOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: ConfirmRequest): Promise<OrderView> {
    const view = await super.confirmOrder(ctx, tenant, supplierId, orderId, req);
    const first = view.bookings[0];
    if (view.status === 'PENDING' && first) {
      await ctx.db('cart_bookings').where({ tenant, uuid: first.uuid, decision: 'REJECTED' }).update({ decision: 'CONFIRMED' });
    }
    return view;
  }
}

/** A PENDING order is treated as still open: bookings can join it (and become PENDING with it). */
class JoinPendingOrderDomain extends CartDomain {
  protected override requireJoinable(order: OrderRow, now: Date) {
    if (this.effectiveOrderStatus(order, now) === 'PENDING') return;
    super.requireJoinable(order, now);
  }
}

/** Errors of order operations are sent with status 200 (the body is still the error array). */
function errorsAs200(): ApiModule {
  const base = cartApi();
  return {
    ...base,
    routes: (ctx) => {
      const router = express.Router();
      router.use(base.routes(ctx));
      const on200: ErrorRequestHandler = (err, req, res, next) => {
        const isOrderOp = /\/orders\/[^/]+(\/(confirm|extend))?$/.test(req.path) && req.method !== 'GET';
        if (!isOrderOp) return next(err);
        res.status(200).json(cartErrorBody(toApiError(err)));
      };
      router.use(on200);
      return router;
    },
  };
}

export const cartVariants: Variant[] = [
  {
    name: 'cart-partial-confirm',
    api: 'cart',
    breaks: 'CART-ORDER-ALL-OR-NOTHING',
    description: 'order confirm runs booking by booking without one transaction; a blocked booking leaves earlier ones CONFIRMED',
    apis: withCart(cartApi({ domain: new PartialConfirmDomain() })),
  },
  {
    name: 'cart-unknown-unit-booked',
    api: 'cart',
    breaks: 'CART-BAD-INPUT',
    description: "a unitId the option does not have is booked as the option's first unit instead of being refused",
    apis: withCart(cartApi({ domain: new AnyUnitDomain() })),
  },
  {
    name: 'cart-expired-confirmable',
    api: 'cart',
    breaks: 'CART-ORDER-EXPIRES',
    description: 'order confirm ignores expiry: an expired order (and expired bookings) can still be confirmed',
    apis: withCart(cartApi({ domain: new ExpiredConfirmableDomain() })),
  },
  {
    name: 'cart-join-closed-order',
    api: 'cart',
    breaks: 'CART-ORDER-JOIN-ONLY-ON-HOLD',
    description: 'bookings can join an order that is confirmed, cancelled or expired',
    apis: withCart(cartApi({ domain: new JoinAnyOrderDomain() })),
  },
  {
    name: 'cart-cross-tenant-order-read',
    api: 'cart',
    breaks: 'CART-TENANCY',
    description: "GET order finds another reseller's order with the same supplier and id",
    apis: withCart(cartApi({ domain: new CrossTenantReadDomain() })),
  },
  {
    name: 'cart-extend-ignores-bookings',
    api: 'cart',
    breaks: 'CART-ORDER-OPS-COLLECTIVE',
    description: "order extend moves the order's expiry but not its bookings' holds",
    apis: withCart(cartApi({ domain: new ExtendIgnoresBookingsDomain() })),
  },
  {
    name: 'cart-extend-earlier',
    api: 'cart',
    breaks: 'CART-ORDER-EXTEND-NOT-EARLIER',
    description: 'order extend moves the expiry earlier by the requested minutes',
    apis: withCart(cartApi({ domain: new ExtendEarlierDomain() })),
  },
  {
    name: 'cart-order-missing-expiry',
    api: 'cart',
    breaks: 'CART-RESPONSE-SCHEMA',
    description: 'order answers lack the required utcExpiresAt field',
    apis: withCart(cartApi({ domain: new MissingFieldDomain() })),
  },
  {
    name: 'cart-repeat-confirm-over-cancelled-booking',
    api: 'cart',
    breaks: 'CART-ORDER-BLOCKED-OP-ERROR',
    description: 'a repeated order confirm answers 200 with the order CONFIRMED beside a booking cancelled on its own',
    apis: withCart(cartApi({ domain: new RepeatConfirmIgnoresBookingsDomain() })),
  },
  {
    name: 'cart-partial-reject',
    api: 'cart',
    breaks: 'CART-ORDER-REJECT-COLLECTIVE',
    description: "a pending order the supplier rejects ends REJECTED with its first booking CONFIRMED",
    apis: withCart(cartApi({ domain: new PartialRejectDomain() })),
  },
  {
    name: 'cart-join-pending-order',
    api: 'cart',
    breaks: 'CART-ORDER-JOIN-ONLY-ON-HOLD',
    description: 'a booking can join an order whose confirmation is PENDING',
    apis: withCart(cartApi({ domain: new JoinPendingOrderDomain() })),
  },
  {
    name: 'cart-order-error-200',
    api: 'cart',
    breaks: 'CART-ORDER-BLOCKED-OP-ERROR',
    description: 'a failed order operation answers 200 (with the error array as body)',
    apis: withCart(errorsAs200()),
  },
];
