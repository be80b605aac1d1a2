/**
 * A second round of broken copies of the cart reference server, each a realistic bug of a kind no registered variant
 * names, to measure the suite's power on bugs it was not told about.
 */
import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { Knex } from 'knex';
import { activationApi } from '../../src/activation/api.js';
import { cartApi } from '../../src/cart/api.js';
import {
  CartDomain,
  CODES,
  type BookingRow,
  type BookingView,
  type ConfirmRequest,
  type DomainContext,
  type OrderView,
  type PendingDecision,
} from '../../src/cart/domain.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import { loadSpec, type ApiModule } from '../../src/shared/api.js';
import { forUpdate } from '../../src/shared/db.js';
import { ApiError } from '../../src/shared/errors.js';
import { withEdge } from '../tolerance/edge.js';
import type { Variant } from './variant.js';

const withCart = (cart: ApiModule) => () => [cart, activationApi(), ethernetApi()];
const withDomain = (domain: CartDomain) => withCart(cartApi({ domain }));

// ---- a validator option with a wider reach than meant --------------------------------------------------------------

const COERCED = 'fresh-cart-body-types-coerced';
// The reference validator must be off before the server reads its configuration (serve-extra reads it first).
if (process.env.ORDERCERT_VARIANT === COERCED) process.env.ORDERCERT_VALIDATE_REQUESTS = '0';

/**
 * The vendor runs the validator with `coerceTypes: true` (meant for query parameters, which arrive as strings), and
 * the option reaches request bodies too: `"holdExpirationMinutes": "30"`, `true` for a number, `5` for a string are
 * converted instead of refused.
 */
function bodyTypesCoerced(): ApiModule[] {
  process.env.ORDERCERT_VALIDATE_REQUESTS = '0';
  const spec = loadSpec('cart');
  spec.servers = [{ url: '/cart' }];
  const validate = OpenApiValidator.middleware({
    apiSpec: spec as any,
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: true, discriminator: true },
    validateResponses: false,
    validateSecurity: false,
    ignoreUndocumented: false,
  });
  const edge: RequestHandler = (req, res, next) => {
    const chain = [...validate];
    const step = (err?: unknown): void => {
      if (err) return next(err);
      if (chain.length) return chain.shift()!(req, res, step);
      next();
    };
    step();
  };
  return [withEdge(cartApi(), edge), activationApi(), ethernetApi()];
}

// ---- one supplier call per order -------------------------------------------------------------------------------------

// ---- a counter one path forgets -----------------------------------------------------------------------------------

/**
 * Held places are released by the booking cancel path only (as if it decremented the availability's held counter);
 * the order cancel marks its holds CANCELLED but leaves their places taken until the old holds would have ended.
 */
class OrderCancelKeepsPlaces extends CartDomain {
  protected override async takeCapacity(trx: Knex.Transaction, supplierId: string, availabilityId: string, units: number, now: Date) {
    await super.takeCapacity(trx, supplierId, availabilityId, units, now);
    const availability = await forUpdate(trx, trx('cart_availabilities').where({ supplier_id: supplierId, id: availabilityId })).first();
    const nowIso = now.toISOString();
    const inAvailability = () => trx('cart_bookings').where({ supplier_id: supplierId, availability_id: availabilityId });
    const [{ kept }] = await inAvailability().where('status', 'CONFIRMED').sum({ kept: 'units' });
    const [{ pending }] = await inAvailability()
      .where('status', 'PENDING')
      .andWhere((q) => q.where('decision', 'CONFIRMED').orWhere('utc_decision_at', '>', nowIso))
      .sum({ pending: 'units' });
    const [{ held }] = await inAvailability().where('status', 'ON_HOLD').andWhere('utc_hold_expiration', '>', nowIso).sum({ held: 'units' });
    // Holds cancelled with their order (never confirmed) whose time has not yet run out still count.
    const [{ stale }] = await trx('cart_bookings as b')
      .join('cart_orders as o', function () {
        this.on('o.tenant', 'b.tenant').andOn('o.supplier_id', 'b.supplier_id').andOn('o.id', 'b.order_id');
      })
      .where({ 'b.supplier_id': supplierId, 'b.availability_id': availabilityId, 'b.status': 'CANCELLED', 'o.status': 'CANCELLED' })
      .whereNull('b.utc_confirmed_at')
      .andWhere('b.utc_hold_expiration', '>', nowIso)
      .sum({ stale: 'b.units' });
    const taken = Number(kept ?? 0) + Number(pending ?? 0) + Number(held ?? 0) + Number(stale ?? 0);
    if (taken + units > Number(availability.capacity)) {
      throw new ApiError(409, CODES.noCapacity, `Availability ${availabilityId} has ${Math.max(0, availability.capacity - taken)} places left, ${units} asked`);
    }
  }
}

// ---- a read that hides what it thinks is dead ---------------------------------------------------------------------

/**
 * The order read's join keeps live bookings only (`AND b.status <> 'CANCELLED'`): a cancelled booking, alone or with
 * its order, is no longer listed in GET /orders/{orderId} (the operations' answers still list every booking).
 */
class OrderReadHidesCancelled extends CartDomain {
  override async getOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string): Promise<OrderView> {
    const view = await super.getOrder(ctx, tenant, supplierId, orderId);
    return { ...view, bookings: view.bookings.filter((b) => b.status !== 'CANCELLED') };
  }
}

// ---- a retry that writes again ----------------------------------------------------------------------------------------

/**
 * The supplier is asked how to confirm once per order, with the order's first booking (its product, option and
 * availability), and the answer is applied to every booking: an order whose first booking confirms at once is
 * confirmed at once whole, a later booking on an availability that always rejects included.
 */
class DecisionFromFirstBooking extends CartDomain {
  protected override pendingDecision(ctx: DomainContext, bookings: BookingRow[], now: Date): PendingDecision | null {
    return super.pendingDecision(ctx, bookings.slice(0, 1), now);
  }
}

/**
 * A repeated confirm of a CONFIRMED order (or booking) runs the confirmation again: utcConfirmedAt moves to the
 * repeat's time and the contact becomes the repeat's.
 */
class RepeatConfirmRewrites extends CartDomain {
  override async confirmOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: ConfirmRequest): Promise<OrderView> {
    const before = await ctx.db('cart_orders').where({ tenant, supplier_id: supplierId, id: orderId }).first();
    const repeat = !!before && this.effectiveOrderStatus(before, ctx.clock.now()) === 'CONFIRMED';
    const view = await super.confirmOrder(ctx, tenant, supplierId, orderId, req);
    if (!repeat) return view;
    await ctx.db('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: orderId }).update(this.confirmChanges(req, ctx.clock.now()));
    return this.getOrder(ctx, tenant, supplierId, orderId);
  }
  override async confirmBooking(ctx: DomainContext, tenant: string, supplierId: string, uuid: string, req: ConfirmRequest): Promise<BookingView> {
    const before: BookingRow | undefined = await ctx.db('cart_bookings').where({ tenant, supplier_id: supplierId, uuid }).first();
    const repeat = !!before && this.effectiveBookingStatus(before, ctx.clock.now()) === 'CONFIRMED';
    const view = await super.confirmBooking(ctx, tenant, supplierId, uuid, req);
    if (!repeat) return view;
    await ctx.db('cart_bookings').where({ tenant, supplier_id: supplierId, uuid }).update(this.confirmChanges(req, ctx.clock.now()));
    return this.getBooking(ctx, tenant, supplierId, uuid);
  }
}

const v = (name: string, breaks: string, description: string, apis: Variant['apis'], extra: Partial<Variant> = {}): Variant => ({ name, api: 'cart', breaks, description, apis, ...extra });

export const fresh2CartVariants: Variant[] = [
  v(COERCED, 'CART-BAD-INPUT', 'request bodies are validated with coerceTypes: "30" for holdExpirationMinutes (and other wrongly typed scalars) is converted and accepted, not refused', bodyTypesCoerced),
  v('fresh-cart-decision-from-first-booking', 'CART-ORDER-REJECT-COLLECTIVE', "the supplier's decision is taken for the order's first booking only: a later booking on a rejecting availability is confirmed with it", withDomain(new DecisionFromFirstBooking()), {
    alsoBreaks: ['CART-ORDER-PENDING-FLOW'],
  }),
  v('fresh-cart-order-cancel-keeps-places', 'CART-ORDER-CANCEL-ENDS-HOLD', "an order cancel marks its holds CANCELLED but their places stay taken until the old holds would have ended", withDomain(new OrderCancelKeepsPlaces())),
  v('fresh-cart-order-read-hides-cancelled', 'CART-ORDER-READ', 'GET of an order leaves out its CANCELLED bookings (cancelled alone or with the order)', withDomain(new OrderReadHidesCancelled()), {
    alsoBreaks: ['CART-ORDER-CANCEL-DELETE', 'CART-ORDER-ALL-OR-NOTHING'],
  }),
  v('fresh-cart-repeat-confirm-rewrites', 'CART-CONFIRM-CANCEL-IDEMPOTENT', "a repeated confirm of a CONFIRMED order or booking writes the confirmation again: utcConfirmedAt moves to the repeat's time, the contact becomes the repeat's", withDomain(new RepeatConfirmRewrites())),
];
