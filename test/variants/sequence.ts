/**
 * Broken copies of the reference server whose fault shows only after a particular sequence of operations:
 * none of the hand-written checks catch them (so they are not in the kill table), `ordercert explore` must
 * (test/explore/variants.test.ts). Each breaks one documented rule.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';
import { activationApi } from '../../src/activation/api.js';
import { ActivationDomain, type EventView } from '../../src/activation/domain.js';
import { cartApi } from '../../src/cart/api.js';
import { CartDomain, type BookingRow, type ConfirmRequest, type CancelRequest, type DomainContext, type ExtendRequest, type OrderRow, type OrderView } from '../../src/cart/domain.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import { EthernetDomain } from '../../src/ethernet/domain.js';
import type { OrderRecord } from '../../src/ethernet/store.js';
import type { ApiContext } from '../../src/shared/api.js';
import { ApiError } from '../../src/shared/errors.js';
import type { Variant } from './variant.js';

/**
 * Order reads are cached per order and the cache is dropped by the order operations (extend, confirm,
 * cancel) only: a booking that joins the order, or is confirmed or cancelled on its own, after the order
 * was read is missing from (or stale in) later reads. Statuses are still computed from the clock on read.
 */
class OrderReadCacheDomain extends CartDomain {
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
}

/**
 * The feed's `since` cursor compares event times truncated to whole seconds: events that finished in the
 * same second as the `since` event are skipped (a common timestamp-cursor fault). Reads without since are right.
 */
class SinceBySecondDomain extends ActivationDomain {
  override async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    if (since === undefined) return super.feed(tenant);
    const row = await this.db('act_events').where({ tenant, event_id: since }).first('created_at');
    if (!row) throw new ApiError(400, 'BAD_REQUEST', `Unknown event '${since}'`);
    const second = Math.floor(Date.parse(String(row.created_at)) / 1000);
    const rows = await this.db('act_events').where('tenant', tenant).orderBy('position');
    const later = rows.filter((r: any) => Math.floor(Date.parse(String(r.created_at)) / 1000) > second).map((r: any) => this.eventView(r));
    return (async function* () {
      yield* later;
    })();
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
    name: 'seq-cart-order-read-cache',
    api: 'cart',
    breaks: 'CART-ORDER-READ',
    description: 'order reads are cached; a booking joining (or confirmed or cancelled on its own) after a read is missing from later reads',
    apis: () => [cartApi({ domain: new OrderReadCacheDomain() }), activationApi(), ethernetApi()],
  },
  {
    name: 'seq-act-since-by-second',
    api: 'activation',
    breaks: 'ACT-FEED-SINCE-RETURNS-ALL-LATER',
    description: '?since=E skips the events that finished in the same second as E',
    apis: () => [
      cartApi(),
      activationApi({
        domain: (ctx: ApiContext, catalogue) => new SinceBySecondDomain(ctx.db, ctx.clock, { delaySeconds: ctx.config.activationDelaySeconds, catalogue }),
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
