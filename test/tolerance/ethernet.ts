/** Ethernet Order servers that choose differently from the reference where the CableLabs documents let them. */
import { activationApi } from '../../src/activation/api.js';
import { cartApi } from '../../src/cart/api.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import { EthernetDomain } from '../../src/ethernet/domain.js';
import { ApiError } from '../../src/shared/errors.js';
import { loadSpec, type ApiModule } from '../../src/shared/api.js';
import { request_createOrder } from '../../generated/ethernet/validators.js';
import { mapAnswers, withEdge } from './edge.js';
import type { ToleranceVariant } from './variant.js';

const withEthernet = (ethernet: ApiModule) => () => [cartApi(), activationApi(), ethernet];

/** The members every order must carry (the spec's orderFields and order), and nothing else. */
const REQUIRED = ['objectType', 'id', 'orderStatus', 'buyerId', 'sellerId', 'buyerPurchaseOrderNumber', 'buyerOrderVersion', 'orderDate', 'orderActivity', 'desiredResponses', 'requestedCompletionDate', 'billingInfo', 'buyerOrderContact', 'orderType', 'orderItems'];
const ITEM_REQUIRED = ['objectType', 'orderItemReference', 'action', 'quantity'];
const pick = (o: any, keys: string[]) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));

/** List items are summaries: an order's required members only (its items without their details). */
function summariseListItems(body: any): any {
  if (!Array.isArray(body?.items) || typeof body.available !== 'number') return body;
  return { ...body, items: body.items.map((o: any) => ({ ...pick(o, REQUIRED), orderItems: (o.orderItems ?? []).map((i: any) => pick(i, ITEM_REQUIRED)) })) };
}

/** The Buyer's transitions answer 200 with the order instead of 201. */
const transitions200 = withEdge(ethernetApi(), (req, res, next) => {
  if (req.method === 'POST' && /\/orders\/[^/]+\/(hold|release|cancel)$/.test(req.path)) {
    const status = res.status.bind(res);
    res.status = (code: number) => status(code === 201 ? 200 : code);
  }
  next();
});

/** Buyers are known by account ids of the seller's own, not by their login names. */
const accountIds = withEdge(ethernetApi(), (_req, res, next) => {
  res.locals.tenant = `ACCT-${String(res.locals.tenant).toUpperCase()}-0001`;
  next();
});

/** A list asked for another Buyer's buyerId answers an empty list (200) instead of 403. */
const foreignListEmpty = withEdge(ethernetApi(), (req, res, next) => {
  const buyerId = req.query.buyerId;
  if (req.method === 'GET' && /\/orders$/.test(req.path) && typeof buyerId === 'string' && buyerId !== res.locals.tenant && req.query.id === undefined && req.query.pon === undefined) {
    res.status(200).json({ available: 0, returned: 0, items: [] });
    return;
  }
  next();
});

/** The documented alternative refusal statuses: 400 for another buyer's buyerId, 409 for a PUT's other PON, 400 for its same version. */
const otherRefusalStatuses = withEdge(ethernetApi(), (req, res, next) => {
  const json = res.json.bind(res);
  res.json = (body: any) => {
    const codes: string[] = (body?.orderMessages ?? []).map((m: any) => m.errorCode);
    if (res.statusCode === 403 && req.method === 'POST') res.status(400);
    else if (codes.includes('PON_MISMATCH')) res.status(409);
    else if (codes.includes('SAME_VERSION')) res.status(400);
    return json(body);
  };
  next();
});

/** A PATCH of an order that another PATCH is still changing is refused as a conflict (409) rather than queued. */
class PatchConflicts extends EthernetDomain {
  private readonly changing = new Set<string>();
  override async patch(buyer: string, id: string, patch: Record<string, any>): Promise<Record<string, any>> {
    if (this.changing.has(id)) throw new ApiError(409, 'CONFLICT', `Order "${id}" is being changed by another request; read it and try again`);
    this.changing.add(id);
    try {
      return await super.patch(buyer, id, patch);
    } finally {
      this.changing.delete(id);
    }
  }
}

/** A link in the full form of CableLabs' link schema (objectType, href, rel, title, method, type). */
const fullLink = (link: any, title: string) => ({ objectType: 'link', href: link?.href, rel: 'self', title, method: 'get', type: 'application/json' });

/** An order with the members CableLabs' order schema adds: the expected completion (a date, as its description allows), a restoration priority, each item's status. */
function cableLabsOrder(o: any): any {
  return {
    ...o,
    link: fullLink(o.link, 'Retrieve the Order'),
    expectedCompletionDate: String(o.requestedCompletionDate ?? '').slice(0, 10) || undefined,
    restorationPriority: 'TSP-E3',
    orderItems: (o.orderItems ?? []).map((item: any) => ({ ...item, orderItemStatus: o.orderStatus })),
  };
}

/**
 * Every answer in the forms of CableLabs' JSON Schemas where the seed allows them: full links, the list with its
 * objectType and the array also as `orders` (the seed's `items` kept), orders with the extra members, and error
 * entries as the schema defines them (objectType orderError, code, severity, messageInformation, field) beside the
 * members it requires.
 */
function cableLabsForms(body: any): any {
  if (body?.objectType === 'errorResponse') {
    return {
      ...body,
      orderMessages: (body.orderMessages ?? []).map((m: any) => ({
        ...m,
        objectType: 'orderError',
        code: m.errorCode,
        severity: 'ERROR',
        messageInformation: m.errorDescription,
        field: m.orderItemReference ? `orderItems/${m.orderItemReference}` : '(order)',
        correctionRequired: true,
      })),
    };
  }
  if (body?.objectType === 'order') return cableLabsOrder(body);
  if (Array.isArray(body?.items) && typeof body.available === 'number') {
    const items = body.items.map(cableLabsOrder);
    return { ...body, objectType: 'orderList', link: fullLink(body.link, 'Orders of the Buyer'), items, orders: items };
  }
  return body;
}

/**
 * Invalid orders are answered 405 "Invalid input.", the status the source's POST /orders documents: the server
 * validates a create's body itself (its spec copy takes any body there) and answers every refusal of a create 405.
 */
function invalidCreates405(): ApiModule {
  const api = ethernetApi();
  const spec = loadSpec('ethernet');
  spec.paths['/orders'].post.requestBody.content['application/json'].schema = {};
  return withEdge({ ...api, spec }, (req, res, next) => {
    if (req.method !== 'POST' || req.path !== '/orders') return next();
    const status = res.status.bind(res);
    res.status = (code: number) => status(code === 400 ? 405 : code);
    if (!request_createOrder(req.body)) return void res.status(400).json(api.errorBody(new ApiError(400, 'INVALID', 'Invalid input.')));
    next();
  });
}

export const ethernetTolerance: ToleranceVariant[] = [
  {
    name: 'ethernet-transitions-200-allowed',
    apis: ['ethernet'],
    choice: 'hold, release and cancel answer 200 with the order instead of 201',
    allowedBy: 'ETH-CANCEL, ETH-HOLD, ETH-RELEASE-ONLY-HELD (201, or 200)',
    // The source's 201 is a SHOULD of its own (ETH-TRANSITION-201): warned, so certified without --strict.
    strict: false,
    server: withEthernet(transitions200),
  },
  {
    name: 'ethernet-buyer-account-ids',
    apis: ['ethernet'],
    choice: "buyerIds are the seller's account ids (ACCT-ALPHA-0001), not the login names",
    allowedBy: 'ETH-BUYER-ID-IS-CALLER (the Buyer is the authenticated caller; its id is the profile buyerIdA/buyerIdB)',
    strict: true,
    profile: { ethernet: { buyerIdA: 'ACCT-ALPHA-0001', buyerIdB: 'ACCT-BETA-0001' } },
    server: withEthernet(accountIds),
  },
  {
    name: 'ethernet-list-items-required-members-only',
    apis: ['ethernet'],
    choice: "list items carry an order's required members only (details by id or pon)",
    allowedBy: "ETH-LIST-BY-BUYER reading: the list names the caller's orders; the spec's order schema sets what each item carries",
    strict: true,
    server: withEthernet(ethernetApi({ mapResponse: summariseListItems })),
  },
  {
    name: 'ethernet-foreign-buyer-list-empty',
    apis: ['ethernet'],
    choice: "GET /orders?buyerId=<another buyer> answers 200 with an empty list instead of 403",
    allowedBy: "ETH-LIST-BY-BUYER (a buyerId other than the caller's answers 403 or an empty list)",
    strict: true,
    server: withEthernet(foreignListEmpty),
  },
  {
    name: 'ethernet-alternative-refusal-statuses',
    apis: ['ethernet'],
    choice: "another buyer's buyerId answers 400, a PUT's other PON 409, a PUT's same version 400",
    allowedBy: 'ETH-BUYER-ID-IS-CALLER (403 or 400), ETH-PUT-SAME-PON (400 or 409), ETH-PUT-NEW-VERSION (409 or 400)',
    strict: true,
    server: withEthernet(otherRefusalStatuses),
  },
  {
    name: 'ethernet-concurrent-patch-409',
    apis: ['ethernet'],
    choice: 'a PATCH of an order while another PATCH of it is in flight answers 409 (a conflict) instead of waiting its turn',
    allowedBy: 'ETH-PATCH-MERGE reading: patches sent at once are each applied or refused as a conflict (409)',
    strict: true,
    server: withEthernet(ethernetApi({ domain: (o) => new PatchConflicts(o) })),
  },
  {
    name: 'ethernet-cablelabs-schema-forms',
    sweep: true,
    apis: ['ethernet'],
    choice: "answers in CableLabs' schema forms: full links, list objectType and orders, expectedCompletionDate, orderItemStatus, orderError entries",
    allowedBy: "CableLabs' order, orderItem, orderList, link and orderMessage schemas, where seed 002 is silent (docs/SOURCES.md)",
    strict: true,
    server: withEthernet(mapAnswers(ethernetApi(), cableLabsForms)),
  },
  {
    name: 'ethernet-invalid-create-405',
    sweep: true,
    apis: ['ethernet'],
    choice: 'an invalid order is answered 405 "Invalid input." (in the error shape), as the source\'s POST /orders documents',
    allowedBy: 'CableLabs endpoints/orders.json (405 "Invalid input."); ETH-ERROR-SHAPE reading; docs/SOURCES.md',
    strict: true,
    server: () => [cartApi(), activationApi(), invalidCreates405()],
  },
];
