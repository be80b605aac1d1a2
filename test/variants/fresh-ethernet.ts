/**
 * Broken copies of the ethernet reference server, each a realistic bug of a kind no earlier variant names: written to
 * measure the suite's power on bugs it was not told about.
 */
import type { Knex } from 'knex';
import { activationApi } from '../../src/activation/api.js';
import { cartApi } from '../../src/cart/api.js';
import { ethernetApi, type EthernetApiOptions } from '../../src/ethernet/api.js';
import { EthernetDomain, OPEN_STATES, TRANSITIONS, type Action, type DomainOptions, type OrderStatus } from '../../src/ethernet/domain.js';
import { ORDERS, type Change, type OrderRecord } from '../../src/ethernet/store.js';
import type { ApiModule } from '../../src/shared/api.js';
import { ApiError } from '../../src/shared/errors.js';
import type { Variant } from './variant.js';

const withEthernet = (options: EthernetApiOptions) => () => [cartApi(), activationApi(), ethernetApi(options)];
const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The cancel transition's "from" list was written from the happy path (ACKNOWLEDGED, IN_PROGRESS, PENDING) and
 * forgets HELD: a held order cannot be cancelled (409), though the state diagram has HELD -> CANCELLED.
 */
const CANCEL_FORGETS_HELD = { ...TRANSITIONS, cancel: { from: ['ACKNOWLEDGED', 'IN_PROGRESS', 'PENDING'] as OrderStatus[], to: 'CANCELLED' as OrderStatus } };

/**
 * The PATCH path stores the new document but forgets to carry its buyerOrderVersion into the version column and
 * the version history (only PUT does): after a PATCH to version "2", a PUT naming "2", the order's current
 * version, is taken as new.
 */
class PatchVersionNotRecorded extends EthernetDomain {
  protected override async storeVersion(trx: Knex, order: OrderRecord, document: Record<string, any>, change: Change): Promise<OrderRecord> {
    if (change !== 'PATCH') return super.storeVersion(trx, order, document, change);
    const next: OrderRecord = { ...order, document, revision: order.revision + 1, updatedAt: this.now() };
    await this.store.replaceDocument(trx, next, change);
    return next;
  }
}

/**
 * The merge is a shallow one (Object.assign over the top-level members): an object in the patch replaces the
 * order's whole member instead of being merged into it, so a patch of one contact's e-mail drops the contact's
 * other members (and is refused when they were required).
 */
class ShallowMergePatch extends EthernetDomain {
  override async patch(buyer: string, id: string, patch: Record<string, any>): Promise<Record<string, any>> {
    if (!isObject(patch)) return super.patch(buyer, id, patch);
    const current = (await this.load(this.db, buyer, { id })).document;
    const shallow: Record<string, any> = { ...patch };
    for (const [key, value] of Object.entries(patch)) {
      // What Object.assign does, said as a merge patch: every member of the old object not named again is removed.
      if (isObject(value) && isObject(current[key])) shallow[key] = { ...Object.fromEntries(Object.keys(current[key]).map((k) => [k, null])), ...value };
    }
    return super.patch(buyer, id, shallow);
  }
}

/**
 * cancel, hold and release are one conditional UPDATE (WHERE id, buyer and status IN the allowed states); no row
 * changed is answered 409 BAD_STATE, whether the order was in another state, another buyer's, or not there at all.
 */
class TransitionMissingAnswers409 extends EthernetDomain {
  override async transition(buyer: string, id: string, action: Action): Promise<Record<string, any>> {
    const rule = this.transitions[action];
    return this.db.transaction(async (trx) => {
      const at = this.now();
      const changed = await trx(ORDERS).where({ id, buyer_id: buyer }).whereIn('status', rule.from).update({ status: rule.to, status_since: at, updated_at: at });
      if (!changed) throw new ApiError(409, 'BAD_STATE', `The order cannot be ${action === 'cancel' ? 'cancelled' : action === 'hold' ? 'held' : 'released'} in its current state`);
      return this.render(await this.load(trx, buyer, { id }));
    });
  }
}

/**
 * GET /orders/{id} is answered from a read-through cache; PUT and PATCH evict the order, but cancel, hold and
 * release (written by another code path) do not: an order read before a transition reads in its old state after it.
 */
class StaleReadCache extends EthernetDomain {
  private readonly cache = new Map<string, Record<string, any>>();
  override async get(buyer: string, id: string): Promise<Record<string, any>> {
    const key = `${buyer}\u0000${id}`;
    const hit = this.cache.get(key);
    if (hit) return structuredClone(hit);
    const order = await super.get(buyer, id);
    this.cache.set(key, structuredClone(order));
    return order;
  }
  override async replace(buyer: string, id: string, body: Record<string, any>): Promise<Record<string, any>> {
    this.cache.delete(`${buyer}\u0000${id}`);
    return super.replace(buyer, id, body);
  }
  override async patch(buyer: string, id: string, patch: Record<string, any>): Promise<Record<string, any>> {
    this.cache.delete(`${buyer}\u0000${id}`);
    return super.patch(buyer, id, patch);
  }
}

/**
 * The list query was written for the Buyer's "active orders" screen: it keeps only open orders (and counts only
 * them), so a cancelled order drops out of the Buyer's list.
 */
class ListOpenOrdersOnly extends EthernetDomain {
  protected override async listRecords(buyer: string, offset: number, limit: number, trx: Knex = this.db) {
    const all = await this.store.list(trx, { buyer_id: buyer }, 0, 1_000_000);
    const open = all.orders.filter((o) => OPEN_STATES.includes(o.status as OrderStatus));
    return { total: open.length, orders: open.slice(offset, offset + limit) };
  }
}

/**
 * The duplicate purchase order number path has its own error code, DUPLICATE_PON: 13 characters, one past the
 * error shape's limit of 12 (every other error keeps to it).
 */
function ponConflictLongCode(): ApiModule[] {
  const api = ethernetApi();
  return [
    cartApi(),
    activationApi(),
    {
      ...api,
      errorBody(error) {
        const body = api.errorBody(error) as { orderMessages: Array<Record<string, any>> };
        if (error.code !== 'PON_IN_USE') return body;
        return { ...body, orderMessages: body.orderMessages.map((m) => ({ ...m, errorCode: 'DUPLICATE_PON', code: 'DUPLICATE_PON' })) };
      },
    },
  ];
}

/**
 * cancel, hold and release answer the order as the status update's row has it, the header without its items:
 * orderItems, a member every order carries, is missing from those answers only.
 */
class TransitionAnswerWithoutItems extends EthernetDomain {
  override async transition(buyer: string, id: string, action: Action): Promise<Record<string, any>> {
    const { orderItems: _items, ...header } = await super.transition(buyer, id, action);
    return header;
  }
}

const domain = (make: (o: DomainOptions) => EthernetDomain) => withEthernet({ domain: make });

export const freshEthernetVariants: Variant[] = [
  {
    name: 'fresh-eth-cancel-forgets-held',
    api: 'ethernet',
    breaks: 'ETH-CANCEL',
    description: 'the cancel transition is allowed from ACKNOWLEDGED, IN_PROGRESS and PENDING but not HELD: a held order cannot be cancelled (409)',
    apis: domain((o) => new EthernetDomain({ ...o, transitions: CANCEL_FORGETS_HELD })),
  },
  {
    name: 'fresh-eth-patch-version-not-recorded',
    api: 'ethernet',
    breaks: 'ETH-PUT-NEW-VERSION',
    description: "a PATCH's new buyerOrderVersion is not recorded as used: a later PUT with that (current) version is accepted",
    apis: domain((o) => new PatchVersionNotRecorded(o)),
  },
  {
    name: 'fresh-eth-patch-shallow-merge',
    api: 'ethernet',
    breaks: 'ETH-PATCH-MERGE',
    description: 'PATCH merges only top-level members: an object in the patch replaces the whole member instead of being merged into it',
    apis: domain((o) => new ShallowMergePatch(o)),
  },
  {
    name: 'fresh-eth-transition-missing-answers-409',
    api: 'ethernet',
    breaks: 'ETH-UNKNOWN-ORDER-404',
    alsoBreaks: ['ETH-TENANT-ISOLATION'],
    description: "cancel, hold and release of an unknown (or another buyer's) order answer 409 BAD_STATE, not 404",
    apis: domain((o) => new TransitionMissingAnswers409(o)),
  },
  {
    name: 'fresh-eth-stale-read-after-transition',
    api: 'ethernet',
    breaks: 'ETH-CANCEL',
    alsoBreaks: ['ETH-GET-BY-ID-OR-PON', 'ETH-HOLD', 'ETH-RELEASE-ONLY-HELD', 'ETH-FINAL-STATES'],
    description: 'GET /orders/{id} is cached; PUT and PATCH evict the order but cancel, hold and release do not, so a read after them shows the old state',
    apis: domain((o) => new StaleReadCache(o)),
  },
  {
    name: 'fresh-eth-list-open-orders-only',
    api: 'ethernet',
    breaks: 'ETH-LIST-BY-BUYER',
    description: "the Buyer's list (and its available count) holds open orders only: a cancelled order is no longer listed",
    apis: domain((o) => new ListOpenOrdersOnly(o)),
  },
  {
    name: 'fresh-eth-pon-conflict-long-error-code',
    api: 'ethernet',
    breaks: 'ETH-ERROR-SHAPE',
    alsoBreaks: ['ETH-RESPONSE-SCHEMA'],
    description: 'the 409 for a purchase order number already used carries errorCode DUPLICATE_PON, 13 characters (the limit is 12)',
    apis: ponConflictLongCode,
  },
  {
    name: 'fresh-eth-transition-answer-without-items',
    api: 'ethernet',
    breaks: 'ETH-RESPONSE-SCHEMA',
    description: 'cancel, hold and release answer the order without its orderItems (a required member); reads still carry them',
    apis: domain((o) => new TransitionAnswerWithoutItems(o)),
  },
];
