/**
 * A second round of broken copies of the ethernet reference server, each a realistic bug of a kind no registered
 * variant names, to measure the suite's power on bugs it was not told about.
 */
import type { Knex } from 'knex';
import { activationApi } from '../../src/activation/api.js';
import { cartApi } from '../../src/cart/api.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import { EthernetDomain, mergePatch, type DomainOptions } from '../../src/ethernet/domain.js';
import { ORDERS } from '../../src/ethernet/store.js';
import { ApiError } from '../../src/shared/errors.js';
import type { Variant } from './variant.js';

const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);
const domain = (make: (o: DomainOptions) => EthernetDomain) => () => [cartApi(), activationApi(), ethernetApi({ domain: make })];

// ---- paging ----------------------------------------------------------------------------------------------------------

/**
 * The Buyer's orders are paged in memory with `orders.slice(offset, limit)`, the end index taken for a count: the
 * first page is right, a later one is short or empty (offset 2, limit 2 gives nothing), while available counts all.
 */
class ListSliceOffsetAsEnd extends EthernetDomain {
  protected override async listRecords(buyer: string, offset: number, limit: number, trx: Knex = this.db) {
    const all = await this.store.list(trx, { buyer_id: buyer }, 0, 1_000_000);
    return { total: all.total, orders: all.orders.slice(offset, limit) };
  }
}

// ---- a library merge taken for a merge patch -------------------------------------------------------------------------

/** What lodash's `merge` does with an array: merged element by element into the old one, the old tail kept. */
function mergeByIndex(current: unknown, patch: unknown): unknown {
  if (Array.isArray(patch) && Array.isArray(current)) {
    const out = structuredClone(current);
    patch.forEach((p, i) => (out[i] = isObject(p) && isObject(current[i]) ? mergePatch(current[i], p) : structuredClone(p)));
    return out;
  }
  if (isObject(patch) && isObject(current)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(patch)) out[k] = mergeByIndex(current[k], v);
    return out;
  }
  return patch;
}

/**
 * The merge patch is applied with a deep-merge library that merges arrays by index instead of replacing them: a
 * patch whose orderItems has one item merges it into the first item and keeps the others.
 */
class PatchMergesArraysByIndex extends EthernetDomain {
  override async patch(buyer: string, id: string, patch: Record<string, any>): Promise<Record<string, any>> {
    if (!isObject(patch)) return super.patch(buyer, id, patch);
    const order = await this.store.find(this.db, buyer, { id });
    if (!order) return super.patch(buyer, id, patch);
    return super.patch(buyer, id, mergeByIndex(order.document, patch) as Record<string, any>);
  }
}

// ---- items kept in a table of their own ---------------------------------------------------------------------------------

/**
 * A supplemental PUT upserts the order's items by orderItemReference (as into an items table, no delete): an item
 * the replacement leaves out is kept, after the ones it sends.
 */
class PutKeepsOmittedItems extends EthernetDomain {
  override async replace(buyer: string, id: string, body: Record<string, any>): Promise<Record<string, any>> {
    const order = await this.store.find(this.db, buyer, { id });
    if (!order || !isObject(body) || !Array.isArray(body.orderItems) || !Array.isArray(order.document.orderItems)) return super.replace(buyer, id, body);
    const sent = new Set(body.orderItems.map((i: any) => i?.orderItemReference));
    const kept = order.document.orderItems.filter((i: any) => !sent.has(i?.orderItemReference));
    return super.replace(buyer, id, { ...body, orderItems: [...body.orderItems, ...kept].slice(0, 20) });
  }
}

// ---- PUT as an upsert ----------------------------------------------------------------------------------------------------

/**
 * PUT /orders/{id} is an upsert: an id that names no order creates one under it (answered 200) instead of 404.
 * (An id another Buyer's order has is still 404.)
 */
class PutUnknownIdCreates extends EthernetDomain {
  private pathId: string | undefined;
  override newOrderId(): string {
    return this.pathId ?? super.newOrderId();
  }
  override async replace(buyer: string, id: string, body: Record<string, any>): Promise<Record<string, any>> {
    if (await this.db(ORDERS).where({ id }).first()) return super.replace(buyer, id, body);
    this.pathId = id;
    try {
      // create takes the id synchronously, before its first await.
      return this.create(buyer, body);
    } finally {
      this.pathId = undefined;
    }
  }
}

// ---- a case-insensitive collation -------------------------------------------------------------------------------------------

const v = (name: string, breaks: string, description: string, apis: Variant['apis'], extra: Partial<Variant> = {}): Variant => ({ name, api: 'ethernet', breaks, description, apis, ...extra });

export const fresh2EthernetVariants: Variant[] = [
  v('fresh-eth-list-slice-offset-as-end', 'ETH-LIST-BY-BUYER', 'the list pages with slice(offset, limit): a page after the first is short or empty while available counts every order', domain((o) => new ListSliceOffsetAsEnd(o))),
  v('fresh-eth-patch-merges-arrays-by-index', 'ETH-PATCH-MERGE', "PATCH merges arrays element by element (a deep-merge library) instead of replacing them: a patch's one orderItem overwrites the first and the others stay", domain((o) => new PatchMergesArraysByIndex(o))),
  v('fresh-eth-put-keeps-omitted-items', 'ETH-PUT-REPLACES', 'a supplemental PUT upserts items by orderItemReference: an item the replacement leaves out is kept', domain((o) => new PutKeepsOmittedItems(o))),
  v('fresh-eth-put-unknown-id-creates', 'ETH-UNKNOWN-ORDER-404', 'PUT of an order id that does not exist creates the order under that id (200) instead of answering 404', domain((o) => new PutUnknownIdCreates(o))),
];
