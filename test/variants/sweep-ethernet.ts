/**
 * Broken copies of the ethernet reference server for the behaviour-model sweep: bugs in the corners the
 * hand-written checks never visit (a state reached by a longer path, two writes at the same moment, a lookup
 * that forgets whose it is, list items beside their orders, a limit's other edge, the clock a day later).
 */
import express from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { Knex } from 'knex';
import { cartApi } from '../../src/cart/api.js';
import { activationApi } from '../../src/activation/api.js';
import { ethernetApi, type EthernetApiOptions } from '../../src/ethernet/api.js';
import { EthernetDomain, type Action } from '../../src/ethernet/domain.js';
import { ORDERS, type OrderRecord } from '../../src/ethernet/store.js';
import { ApiError } from '../../src/shared/errors.js';
import { loadSpec, type ApiModule } from '../../src/shared/api.js';
import type { Variant } from './variant.js';

const withEthernet = (options: EthernetApiOptions) => () => [cartApi(), activationApi(), ethernetApi(options)];
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** A PUT or PATCH naming a version below the current one is taken as a late retry: answered 200, then dropped. */
class OlderVersionDropped extends EthernetDomain {
  protected override async checkNewVersion(trx: Knex, order: OrderRecord, version: string): Promise<void> {
    if (Number(version) < Number(order.buyerOrderVersion)) return;
    return super.checkNewVersion(trx, order, version);
  }
  protected override async storeVersion(trx: Knex, order: OrderRecord, document: Record<string, any>, change: 'CREATE' | 'PUT' | 'PATCH'): Promise<OrderRecord> {
    if (Number(document.buyerOrderVersion) < Number(order.buyerOrderVersion)) return { ...order, document, buyerOrderVersion: document.buyerOrderVersion };
    return super.storeVersion(trx, order, document, change);
  }
}

/** An order may be held once: a hold of an order that was held and released before is refused. */
class HoldOnce extends EthernetDomain {
  override async transition(buyer: string, id: string, action: Action): Promise<Record<string, any>> {
    if (action === 'hold') {
      const order = await this.load(this.db, buyer, { id });
      if (order.status === 'IN_PROGRESS' && order.statusSince !== order.createdAt) throw new ApiError(409, 'BAD_STATE', 'An order can be held once');
    }
    return super.transition(buyer, id, action);
  }
}

/** The state is read outside any transaction and written unconditionally: two transitions at once both win. */
class TransitionRace extends EthernetDomain {
  override async transition(buyer: string, id: string, action: Action): Promise<Record<string, any>> {
    const order = await this.load(this.db, buyer, { id });
    const rule = this.transitions[action];
    if (!rule.from.includes(order.status as any)) throw new ApiError(409, 'BAD_STATE', `An order in ${order.status} cannot change so`);
    const at = this.now();
    await this.db(ORDERS).where({ id: order.id }).update({ status: rule.to, status_since: at, updated_at: at });
    return this.render({ ...order, status: rule.to, statusSince: at, updatedAt: at });
  }
}

/** The purchase order number is checked, then the order inserted, outside a transaction; the index's refusal surfaces as a 500. */
class CreateRace extends EthernetDomain {
  override async create(buyer: string, body: Record<string, any>): Promise<Record<string, any>> {
    if (await this.store.find(this.db, buyer, { pon: body?.buyerPurchaseOrderNumber })) throw new ApiError(409, 'PON_IN_USE', 'Purchase order number in use');
    const created = await super.create(buyer, body).catch((err) => {
      throw err instanceof ApiError && err.code === 'PON_IN_USE' ? new Error('insert failed: UNIQUE constraint') : err;
    });
    return created;
  }
}

/** "Is this purchase order number in use?" asks about every buyer's orders. */
class PonInUseAnyBuyer extends EthernetDomain {
  override async create(buyer: string, body: Record<string, any>): Promise<Record<string, any>> {
    const pon = body?.buyerPurchaseOrderNumber;
    if (typeof pon === 'string' && (await this.db(ORDERS).where({ pon }).first())) throw new ApiError(409, 'PON_IN_USE', `Purchase order number "${pon}" is in use`);
    return super.create(buyer, body);
  }
}

/** ?pon= finds the newest order with that number, whoever's, and answers 404 when it is not the caller's. */
class PonLookupNewestOfAnyBuyer extends EthernetDomain {
  protected override async load(trx: Knex, buyer: string, by: { id?: string; pon?: string }, lock = false): Promise<OrderRecord> {
    if (by.id !== undefined || by.pon === undefined) return super.load(trx, buyer, by, lock);
    const row = await trx(ORDERS).where({ pon: by.pon }).orderBy('created_at', 'desc').first();
    if (row && row.buyer_id !== buyer) throw new ApiError(404, 'NOT_FOUND', `No order with purchase order number "${by.pon}"`);
    return super.load(trx, buyer, by, lock);
  }
}

/** The list's summary shows every open order as IN_PROGRESS. */
class ListOpenAsInProgress extends EthernetDomain {
  override async list(buyer: string, offset: number, limit: number) {
    const page = await super.list(buyer, offset, limit);
    return { ...page, items: page.items.map((o) => (o.orderStatus === 'HELD' ? { ...o, orderStatus: 'IN_PROGRESS' } : o)) };
  }
}

/** The list shows each order as it was created (its first version), not as it is. */
class ListFirstVersion extends EthernetDomain {
  override async list(buyer: string, offset: number, limit: number) {
    const page = await super.list(buyer, offset, limit);
    const items = await Promise.all(
      page.items.map(async (o) => {
        const [first] = await this.store.versions(this.db, o.id);
        const { objectType: _type, ...document } = first?.document ?? {};
        return first ? { ...o, ...document, id: o.id, orderStatus: o.orderStatus } : o;
      }),
    );
    return { ...page, items };
  }
}

/** A supplemental order without items is taken as "the items stay as they are". */
class PutWithoutItemsKeepsThem extends EthernetDomain {
  override async replace(buyer: string, id: string, body: Record<string, any>): Promise<Record<string, any>> {
    if (Array.isArray(body?.orderItems) && body.orderItems.length === 0) {
      const current = await this.load(this.db, buyer, { id });
      body = { ...body, orderItems: current.document.orderItems };
    }
    return super.replace(buyer, id, body);
  }
}

/** Fulfilment computed on read: an order whose status has not changed for a day reads COMPLETED, final or not. */
class CompletedAfterADay extends EthernetDomain {
  override render(order: OrderRecord): Record<string, any> {
    const stale = this.options.clock.now().getTime() - Date.parse(order.statusSince) >= DAY_MS;
    return super.render(stale && order.status !== 'COMPLETED' ? { ...order, status: 'COMPLETED' } : order);
  }
}

/** A final order an hour old is answered from the archive, which keeps no contacts but the order's own. */
class ArchivedFinalOrders extends EthernetDomain {
  override render(order: OrderRecord): Record<string, any> {
    const archived = ['CANCELLED', 'COMPLETED', 'FAILED', 'PARTIAL', 'REJECTED'].includes(order.status) && this.options.clock.now().getTime() - Date.parse(order.statusSince) >= HOUR_MS;
    if (!archived) return super.render(order);
    const { buyerImplementationContact: _i, buyerTechnicalContact: _t, ...kept } = order.document;
    return super.render({ ...order, document: kept });
  }
}

/** The API with its requests validated against an edited spec in front of its routes (the server's own validation off). */
function validatedAgainst(api: ApiModule, edit: (spec: Record<string, any>) => void): ApiModule {
  const spec = loadSpec(api.name);
  spec.servers = [{ url: api.mountPath }];
  edit(spec);
  const validator = OpenApiValidator.middleware({
    apiSpec: spec as any,
    validateRequests: { allowUnknownQueryParameters: false, discriminator: true },
    validateResponses: false,
    validateSecurity: false,
    ignoreUndocumented: false,
  });
  return {
    ...api,
    routes: (ctx) => {
      const router = express.Router();
      router.use(validator);
      router.use(api.routes(ctx));
      return router;
    },
  };
}

/** Every API validated as always, but ethernet against a spec `edit` loosened. */
const loosened = (edit: (spec: Record<string, any>) => void, options: EthernetApiOptions = {}) => (): ApiModule[] => {
  process.env.ORDERCERT_VALIDATE_REQUESTS = '0'; // read by the server's configuration, after the APIs are built
  return [validatedAgainst(cartApi(), () => undefined), validatedAgainst(activationApi(), () => undefined), validatedAgainst(ethernetApi(options), edit)];
};
const listLimitParameter = (spec: Record<string, any>) => spec.paths['/orders'].get.parameters.find((p: any) => p.name === 'limit');

const variant = (name: string, breaks: string, description: string, apis: () => ApiModule[], extra: Partial<Variant> = {}): Variant => ({
  name: `sweep-ethernet-${name}`,
  api: 'ethernet',
  breaks,
  description,
  apis,
  ...extra,
});

export const sweepEthernetVariants: Variant[] = [
  // Operations from states the checks did not reach.
  variant('older-version-dropped', 'ETH-PUT-REPLACES', 'a PUT (or PATCH) going back to an earlier buyerOrderVersion answers 200 but the order keeps its later version', withEthernet({ domain: (o) => new OlderVersionDropped(o) })),
  variant('hold-once', 'ETH-HOLD', 'an order held and released before cannot be held again (409)', withEthernet({ domain: (o) => new HoldOnce(o) })),
  // Two writes at the same moment.
  variant('transition-race', 'ETH-FINAL-STATES', 'cancel, hold and release read the state outside a transaction and write it unconditionally', withEthernet({ domain: (o) => new TransitionRace(o) }), {
    alsoBreaks: ['ETH-CANCEL', 'ETH-HOLD', 'ETH-RELEASE-ONLY-HELD'],
  }),
  variant('create-race-500', 'ETH-PON-UNIQUE', 'two identical creates at once: the second fails on the unique index with a 500, not a 409', withEthernet({ domain: (o) => new CreateRace(o) })),
  // Lookups that forget whose they are.
  variant('pon-in-use-any-buyer', 'ETH-PON-UNIQUE', "a create is refused (409) when another buyer has used its purchase order number", withEthernet({ domain: (o) => new PonInUseAnyBuyer(o) })),
  variant('pon-lookup-any-buyer', 'ETH-GET-BY-ID-OR-PON', "GET ?pon= answers 404 when another buyer's newer order has the same purchase order number", withEthernet({ domain: (o) => new PonLookupNewestOfAnyBuyer(o) })),
  // List items beside the orders they list.
  variant('list-held-as-in-progress', 'ETH-LIST-BY-BUYER', 'list items show a HELD order as IN_PROGRESS', withEthernet({ domain: (o) => new ListOpenAsInProgress(o) })),
  variant('list-first-version', 'ETH-LIST-BY-BUYER', 'list items show each order as first created, not its current version', withEthernet({ domain: (o) => new ListFirstVersion(o) })),
  // A limit's other edge.
  variant('list-limit-zero', 'ETH-FIELD-LIMITS', 'GET /orders?limit=0 (below the minimum of 1) answers a page', loosened((spec) => (listLimitParameter(spec).schema.minimum = 0))),
  variant('put-without-items', 'ETH-ORDER-ITEMS-LIMIT', 'a PUT with no orderItems (below the minimum of 1) is accepted and keeps the items', loosened((spec) => (spec.components.schemas.orderFields.properties.orderItems.minItems = 0), { domain: (o) => new PutWithoutItemsKeepsThem(o) })),
  // The clock an hour or a day later.
  variant('completed-after-a-day', 'ETH-FINAL-STATES', 'an order whose status has not changed for a day reads COMPLETED, a CANCELLED one too', withEthernet({ domain: (o) => new CompletedAfterADay(o) })),
  variant('final-archived-after-an-hour', 'ETH-FINAL-STATES', 'a final order an hour old is answered without its implementation and technical contacts', withEthernet({ domain: (o) => new ArchivedFinalOrders(o) })),
];
