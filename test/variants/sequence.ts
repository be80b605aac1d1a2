/**
 * Broken copies of the reference server whose fault shows only after a particular sequence of operations:
 * none of the hand-written checks catch them (so they are not in the kill table), `ordercert explore` must
 * (test/explore/variants.test.ts). Each breaks one documented rule.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';
import { activationApi } from '../../src/activation/api.js';
import { ActivationDomain, type OrderInput, type OrderRow as ActivationOrderRow, type OrderView as ActivationOrderView } from '../../src/activation/domain.js';
import { cartApi } from '../../src/cart/api.js';
import { CartDomain, type BookingRow, type ConfirmRequest, type CancelRequest, type DomainContext, type ExtendRequest, type OrderRow, type OrderView } from '../../src/cart/domain.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import { EthernetDomain } from '../../src/ethernet/domain.js';
import type { OrderRecord } from '../../src/ethernet/store.js';
import type { ApiContext } from '../../src/shared/api.js';
import { ApiError } from '../../src/shared/errors.js';
import type { Variant } from './variant.js';

/**
 * Order reads are cached per order, and every operation on the order or one of its bookings drops the entry,
 * except a booking joining the order: a booking that joins after the order was read is missing from later reads.
 */
class JoinMissesCacheDomain extends CartDomain {
  private cache = new Map<string, { order: OrderRow; bookings: BookingRow[] }>();
  private key = (tenant: string, supplierId: string, orderId: string) => `${tenant}\n${supplierId}\n${orderId}`;

  override async getOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string): Promise<OrderView> {
    const key = this.key(tenant, supplierId, orderId);
    let hit = this.cache.get(key);
    if (!hit) {
      hit = await this.loadOrder(ctx.db, tenant, supplierId, orderId, false);
      this.cache.set(key, hit);
    }
    return this.toOrder(hit.order, hit.bookings, ctx.clock.now());
  }
  private async forget(ctx: DomainContext, tenant: string, supplierId: string, uuid: string) {
    const row = await ctx.db('cart_bookings').where({ tenant, supplier_id: supplierId, uuid }).first('order_id');
    if (row?.order_id) this.cache.delete(this.key(tenant, supplierId, row.order_id));
  }
  override async extendOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: ExtendRequest) {
    this.cache.delete(this.key(tenant, supplierId, orderId));
    return super.extendOrder(ctx, tenant, supplierId, orderId, req);
  }
  override async confirmOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: ConfirmRequest) {
    this.cache.delete(this.key(tenant, supplierId, orderId));
    return super.confirmOrder(ctx, tenant, supplierId, orderId, req);
  }
  override async cancelOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: CancelRequest) {
    this.cache.delete(this.key(tenant, supplierId, orderId));
    return super.cancelOrder(ctx, tenant, supplierId, orderId, req);
  }
  override async confirmBooking(ctx: DomainContext, tenant: string, supplierId: string, uuid: string, req: ConfirmRequest) {
    const view = await super.confirmBooking(ctx, tenant, supplierId, uuid, req);
    await this.forget(ctx, tenant, supplierId, uuid);
    return view;
  }
  override async cancelBooking(ctx: DomainContext, tenant: string, supplierId: string, uuid: string, req: CancelRequest) {
    const view = await super.cancelBooking(ctx, tenant, supplierId, uuid, req);
    await this.forget(ctx, tenant, supplierId, uuid);
    return view;
  }
  override async extendBooking(ctx: DomainContext, tenant: string, supplierId: string, uuid: string, req: ExtendRequest) {
    const view = await super.extendBooking(ctx, tenant, supplierId, uuid, req);
    await this.forget(ctx, tenant, supplierId, uuid);
    return view;
  }
}

/**
 * The order in progress is looked up by access, service and operation, not by access and service: a DEACTIVATE
 * placed while an ACTIVATE of the same service is still RECEIVED is answered as if nothing were in progress
 * (here 200 DONE_SUCCESS, nothing to do), instead of 200 with the order in progress.
 */
class InProgressPerOperationDomain extends ActivationDomain {
  /** The reference createOrder, with the in-progress lookup narrowed to the same operation. */
  override async createOrder(tenant: string, input: OrderInput): Promise<{ status: 200 | 201; order: ActivationOrderView }> {
    this.validate(input);
    const serviceType = this.options.catalogue.serviceType(input.service)!;
    const bad = (cause: string) => new ApiError(400, 'BAD_REQUEST', cause);
    return this.db.transaction(async (trx) => {
      await this.lockAccess(trx, input.accessId);
      const inProgress: ActivationOrderRow | undefined = await trx('act_orders')
        .where({ tenant, access_id: input.accessId, service: input.service, state: 'RECEIVED', operation: input.operation })
        .orderBy('created_at')
        .first();
      if (inProgress) return { status: 200 as const, order: this.toView(inProgress) };
      const active = await trx('act_active').where({ access_id: input.accessId, service_type: serviceType }).first();
      const noop = { status: 200 as const, order: { accessId: input.accessId, service: input.service, operation: input.operation, state: 'DONE_SUCCESS' as const, message: '' } };
      if (input.operation === 'ACTIVATE') {
        if (active && active.tenant !== tenant) throw bad('ServiceType is already claimed by other Service Provider.');
        if (active && active.service === input.service) return noop;
        if (active) throw bad(`Another Service of ServiceType '${serviceType}' is already active.`);
      } else if (!active || active.tenant !== tenant || active.service !== input.service) {
        return noop;
      }
      const row = this.receivedRow(tenant, input, serviceType, this.options.delaySeconds);
      await trx('act_orders').insert(row);
      return { status: 201 as const, order: this.toView(row) };
    });
  }
}

/**
 * A merge patch is applied to the order's first version (the versions are read oldest first), not its current
 * one; only the version number is taken from the current one. A PATCH after a supplemental PUT undoes the PUT.
 */
class PatchOnFirstVersionDomain extends EthernetDomain {
  private patching = new AsyncLocalStorage<boolean>();

  override patch(buyer: string, id: string, patch: Record<string, any>) {
    return this.patching.run(true, () => super.patch(buyer, id, patch));
  }
  protected override async load(trx: Knex, buyer: string, by: { id?: string; pon?: string }, lock = false): Promise<OrderRecord> {
    const order = await super.load(trx, buyer, by, lock);
    if (!this.patching.getStore()) return order;
    const [first] = await this.store.versions(trx, order.id);
    return first ? { ...order, document: { ...first.document, buyerOrderVersion: order.document.buyerOrderVersion } } : order;
  }
}

export const sequenceVariants: Variant[] = [
  {
    name: 'seq-cart-join-after-read-missing',
    api: 'cart',
    breaks: 'CART-ORDER-READ',
    // The cache is filled by a read in two statements: one made while an operation commits keeps half of it.
    alsoBreaks: ['CART-ORDER-ALL-OR-NOTHING'],
    description: 'order reads are cached and a joining booking does not drop the entry: a booking that joins after a read is missing from later reads',
    apis: () => [cartApi({ domain: new JoinMissesCacheDomain() }), activationApi(), ethernetApi()],
  },
  {
    name: 'seq-act-in-progress-per-operation',
    api: 'activation',
    breaks: 'ACT-ORDER-IN-PROGRESS',
    description: 'a DEACTIVATE while an ACTIVATE of the same service is in progress is answered as if nothing were in progress',
    apis: () => [
      cartApi(),
      activationApi({
        domain: (ctx: ApiContext, catalogue) => new InProgressPerOperationDomain(ctx.db, ctx.clock, { delaySeconds: ctx.config.activationDelaySeconds, catalogue }),
      }),
      ethernetApi(),
    ],
  },
  {
    name: 'seq-eth-patch-on-first-version',
    api: 'ethernet',
    breaks: 'ETH-PATCH-MERGE',
    description: 'a merge patch after a supplemental PUT is applied to the order as first created, undoing the PUT',
    apis: () => [cartApi(), activationApi(), ethernetApi({ domain: (o) => new PatchOnFirstVersionDomain(o) })],
  },
];
