/**
 * Broken copies of the ethernet reference server, each breaking exactly one documented rule; the conformance
 * suite must fail that rule against each of them.
 */
import express from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { Knex } from 'knex';
import { cartApi } from '../../src/cart/api.js';
import { activationApi } from '../../src/activation/api.js';
import { ethernetApi, type EthernetApiOptions } from '../../src/ethernet/api.js';
import { EthernetDomain, TRANSITIONS, type DomainOptions } from '../../src/ethernet/domain.js';
import { svlanRange, uniqueItemRefs, orderedRefsExist, type SemanticCheck } from '../../src/ethernet/semantic.js';
import { ITEMS, ORDERS, OrderStore, type OrderRecord } from '../../src/ethernet/store.js';
import { loadSpec, type ApiModule } from '../../src/shared/api.js';
import type { Variant } from './variant.js';

const withEthernet = (options: EthernetApiOptions) => () => [cartApi(), activationApi(), ethernetApi(options)];
const domainWith = (extra: Partial<DomainOptions>) => (o: DomainOptions) => new EthernetDomain({ ...o, ...extra });

/** The ordered-reference rule with the purchase order number ignored: every reference is taken as one to this order. */
const refsOfThisOrderOnly: SemanticCheck = (document, known) =>
  orderedRefsExist(
    {
      ...document,
      orderItems: (document.orderItems ?? []).map((item: any) => {
        const detail = { ...item?.orderItemDetail };
        for (const field of ['uniReference', 'enniReference']) {
          if (detail[field]) {
            const { orderId: _id, buyerPurchaseOrderNumber: _pon, ...reference } = detail[field];
            detail[field] = reference;
          }
        }
        return { ...item, orderItemDetail: detail };
      }),
    },
    known,
  );

/** The item references an order has had, looked up in the items table without naming the order: every order's count. */
class ItemRefsOfEveryOrder extends OrderStore {
  override async itemRefsEverOrdered(trx: Knex): Promise<string[]> {
    const rows = await trx(ITEMS).distinct('order_item_reference');
    return rows.map((r: any) => r.order_item_reference);
  }
}

class ItemRefsLookedUpAcrossOrders extends EthernetDomain {
  override readonly store = new ItemRefsOfEveryOrder(this.options.db);
}

class SameVersionAccepted extends EthernetDomain {
  protected override async checkNewVersion(): Promise<void> {}
}

class PonChangeAccepted extends EthernetDomain {
  protected override checkSamePon(): void {}
}

class ListLeaks extends EthernetDomain {
  protected override listRecords(_buyer: string, offset: number, limit: number, trx: Knex = this.options.db) {
    return this.store.list(trx, {}, offset, limit);
  }
}

class ReadsAnyBuyersOrder extends EthernetDomain {
  protected override async load(trx: Knex, buyer: string, by: { id?: string; pon?: string }, lock = false): Promise<OrderRecord> {
    if (by.id === undefined) return super.load(trx, buyer, by, lock);
    const row = await trx(ORDERS).where({ id: by.id }).first();
    return row ? super.load(trx, row.buyer_id, by, lock) : super.load(trx, buyer, by, lock);
  }
}

/** The domain's own schema check of an order ignores the purchase order number's limit of 16 characters. */
class LongPonAccepted extends EthernetDomain {
  protected override checkSchema(body: unknown): void {
    const b = body as Record<string, any>;
    super.checkSchema(typeof b?.buyerPurchaseOrderNumber === 'string' ? { ...b, buyerPurchaseOrderNumber: b.buyerPurchaseOrderNumber.slice(0, 16) } : body);
  }
}

/** The API with its requests validated against `spec` (edited) in front of its routes, as the server does with the real one. */
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

/**
 * Orders whose buyerPurchaseOrderNumber is longer than 16 characters are taken. The server's request validation
 * (against the unedited spec) is switched off and done per API in front of the routes instead, against a spec
 * without that one limit for ethernet; everything else is validated as always.
 */
function longPonServer(): ApiModule[] {
  process.env.ORDERCERT_VALIDATE_REQUESTS = '0'; // read by the server's configuration, after the APIs are built
  const noPonLimit = (spec: Record<string, any>) => delete spec.components.schemas.orderFields.properties.buyerPurchaseOrderNumber.maxLength;
  return [
    validatedAgainst(cartApi(), () => undefined),
    validatedAgainst(activationApi(), () => undefined),
    validatedAgainst(ethernetApi({ domain: (o) => new LongPonAccepted(o) }), noPonLimit),
  ];
}

/** Drops a member every order must carry from every order in an answer (single or list). */
function dropRequestedCompletionDate(body: any): any {
  const strip = (o: any) => {
    if (o && typeof o === 'object' && o.objectType === 'order') delete o.requestedCompletionDate;
  };
  strip(body);
  if (Array.isArray(body?.items)) body.items.forEach(strip);
  return body;
}

export const ethernetVariants: Variant[] = [
  {
    name: 'ethernet-release-from-in-progress',
    api: 'ethernet',
    breaks: 'ETH-RELEASE-ONLY-HELD',
    description: 'release is allowed from IN_PROGRESS as well as from HELD',
    apis: withEthernet({ domain: domainWith({ transitions: { ...TRANSITIONS, release: { from: ['HELD', 'IN_PROGRESS'], to: 'IN_PROGRESS' } } }) }),
  },
  {
    name: 'ethernet-hold-from-final',
    api: 'ethernet',
    breaks: 'ETH-FINAL-STATES',
    description: 'a CANCELLED (or other final) order can still be held',
    apis: withEthernet({
      domain: domainWith({ transitions: { ...TRANSITIONS, hold: { from: ['IN_PROGRESS', 'CANCELLED', 'COMPLETED', 'FAILED', 'PARTIAL', 'REJECTED'], to: 'HELD' } } }),
    }),
  },
  {
    name: 'ethernet-put-same-version',
    api: 'ethernet',
    breaks: 'ETH-PUT-NEW-VERSION',
    description: 'a supplemental order (PUT) with the current buyerOrderVersion is accepted',
    apis: withEthernet({ domain: (o) => new SameVersionAccepted(o) }),
  },
  {
    name: 'ethernet-put-changes-pon',
    api: 'ethernet',
    breaks: 'ETH-PUT-SAME-PON',
    description: 'a supplemental order (PUT) may change the buyerPurchaseOrderNumber',
    apis: withEthernet({ domain: (o) => new PonChangeAccepted(o) }),
  },
  {
    name: 'ethernet-list-leaks-other-buyer',
    api: 'ethernet',
    breaks: 'ETH-LIST-BY-BUYER',
    description: "GET /orders?buyerId= lists every buyer's orders",
    apis: withEthernet({ domain: (o) => new ListLeaks(o) }),
  },
  {
    name: 'ethernet-reads-other-buyers-order',
    api: 'ethernet',
    breaks: 'ETH-TENANT-ISOLATION',
    description: "any buyer can read and change another buyer's order by its id",
    apis: withEthernet({ domain: (o) => new ReadsAnyBuyersOrder(o) }),
  },
  {
    name: 'ethernet-dangling-uni-reference-accepted',
    api: 'ethernet',
    breaks: 'ETH-ORDERED-REF-EXISTS',
    description: 'an orderedUniReference naming no item of the order is accepted',
    apis: withEthernet({ domain: domainWith({ semanticChecks: [uniqueItemRefs, svlanRange] }) }),
  },
  {
    name: 'ethernet-reference-to-another-order-refused',
    api: 'ethernet',
    breaks: 'ETH-ORDERED-REF-EXISTS',
    description: "an orderedUniReference is looked up among this order's items whatever buyerPurchaseOrderNumber it gives, so a UNI ordered in the buyer's other order is refused as dangling",
    apis: withEthernet({ domain: domainWith({ semanticChecks: [uniqueItemRefs, refsOfThisOrderOnly, svlanRange] }) }),
  },
  {
    name: 'ethernet-duplicate-item-reference-accepted',
    api: 'ethernet',
    breaks: 'ETH-ITEM-REF-UNIQUE',
    description: 'two items with one orderItemReference pass the semantic checks',
    apis: withEthernet({ domain: domainWith({ semanticChecks: [orderedRefsExist, svlanRange] }) }),
  },
  {
    name: 'ethernet-item-refs-of-other-orders-accepted',
    api: 'ethernet',
    breaks: 'ETH-ORDERED-REF-EXISTS',
    description: "a supplemental PUT's orderedUniReference may name an item any order has had (the items table searched without the order)",
    apis: withEthernet({ domain: (o) => new ItemRefsLookedUpAcrossOrders(o) }),
  },
  {
    name: 'ethernet-svlan-range-unchecked',
    api: 'ethernet',
    breaks: 'ETH-SVLAN-RANGE',
    description: 'enniSvlanIdLast below enniSvlanId is accepted',
    apis: withEthernet({ domain: domainWith({ semanticChecks: [uniqueItemRefs, orderedRefsExist] }) }),
  },
  {
    name: 'ethernet-order-without-requested-completion-date',
    api: 'ethernet',
    breaks: 'ETH-RESPONSE-SCHEMA',
    description: 'orders are answered without requestedCompletionDate, a required member',
    apis: withEthernet({ mapResponse: dropRequestedCompletionDate }),
  },
  {
    name: 'ethernet-long-pon-accepted',
    api: 'ethernet',
    breaks: 'ETH-PON-LENGTH',
    description: 'an order whose buyerPurchaseOrderNumber has 17 characters (the spec allows 16) is created',
    apis: longPonServer,
  },
];
