/** Building blocks of the ethernet checks: orders built from the source's examples, and comparisons. */
import { excerpt } from '../framework/excerpt.js';
import type { CheckContext } from '../framework/check.js';
import type { ApiClient } from '../framework/http.js';
import type { Exchange } from '../framework/types.js';
import { CREATE_EXAMPLE, PUT_EXAMPLE } from './examples.js';
import { specMembers } from './members.js';

export type Order = Record<string, any>;

export const MERGE_PATCH = { 'Content-Type': 'application/merge-patch+json' };
/** The statuses the source (201) and its repository (200) give cancel, hold and release. */
export const TRANSITION_OK = [200, 201];
export const FINAL_EXAMPLE = 'CANCELLED';

function profileValue(t: CheckContext, key: string): string {
  const value = t.profile[key];
  if (typeof value !== 'string' || value === '') throw new Error(`the profile's ethernet section needs "${key}"`);
  return value;
}

export const buyerA = (t: CheckContext) => profileValue(t, 'buyerIdA');
export const buyerB = (t: CheckContext) => profileValue(t, 'buyerIdB');

/** A fresh purchase order number (at most 16 characters). */
export const newPon = (t: CheckContext) => t.uid('PO');

/** The source's create example, for `buyer` (tenant A by default), the profile's seller and a fresh PON. */
export function orderBody(t: CheckContext, buyer: 'A' | 'B' = 'A'): Order {
  const body = structuredClone(CREATE_EXAMPLE);
  body.buyerId = buyer === 'A' ? buyerA(t) : buyerB(t);
  body.sellerId = profileValue(t, 'sellerId');
  body.buyerPurchaseOrderNumber = newPon(t);
  return body;
}

/** The source's PUT example, made a supplemental order of `created`. */
export function putBody(created: Order): Order {
  const body = structuredClone(PUT_EXAMPLE);
  body.buyerId = created.buyerId;
  body.sellerId = created.sellerId;
  body.buyerPurchaseOrderNumber = created.buyerPurchaseOrderNumber;
  return body;
}

/** Creates an order as a step the check does not judge; answers the created order. */
export async function createOrder(t: CheckContext, body: Order, client: ApiClient = t.alpha): Promise<Order> {
  // The request runs outside the prerequisite: an answer that breaks the spec's schema is a failure, not a skip.
  const res = await client.post('/orders', body);
  return t.prerequisite('creating an order', async () => {
    if (res.status !== 201) throw new Error(`POST /orders answered ${res.status}: ${excerpt(res.text, 300)}`);
    if (typeof res.body?.id !== 'string' || res.body.id === '') throw new Error('the created order has no id');
    return res.body;
  });
}

export const orderPath = (id: string) => `/orders/${encodeURIComponent(id)}`;

/** Reads an order by id as a step the check does not judge. */
export async function readOrder(t: CheckContext, id: string, client: ApiClient = t.alpha): Promise<Exchange> {
  const res = await client.get(orderPath(id));
  return t.prerequisite('reading the order back', async () => {
    if (res.status !== 200) throw new Error(`GET ${orderPath(id)} answered ${res.status}`);
    return res;
  });
}

/** Moves an order through the buyer's transitions, as steps the check does not judge. */
export async function drive(t: CheckContext, id: string, actions: Array<'hold' | 'release' | 'cancel'>): Promise<void> {
  for (const action of actions) {
    const res = await t.alpha.post(`${orderPath(id)}/${action}`);
    await t.prerequisite(`${action} of the order`, async () => {
      if (!TRANSITION_OK.includes(res.status)) throw new Error(`POST .../${action} answered ${res.status}: ${excerpt(res.text, 200)}`);
    });
  }
}

/**
 * The first place where `got` does not carry what was `sent` (members of `sent` must be in `got` with equal
 * values; `got` may have more members). Undefined when everything sent came back.
 */
export function firstDifference(sent: unknown, got: unknown, path = ''): string | undefined {
  if (Array.isArray(sent)) {
    if (!Array.isArray(got) || got.length !== sent.length) return `${path || '(body)'}: expected an array of ${sent.length}, got ${JSON.stringify(got)?.slice(0, 80)}`;
    for (let i = 0; i < sent.length; i++) {
      const d = firstDifference(sent[i], got[i], `${path}/${i}`);
      if (d) return d;
    }
    return undefined;
  }
  if (sent && typeof sent === 'object') {
    if (!got || typeof got !== 'object' || Array.isArray(got)) return `${path || '(body)'}: expected an object, got ${JSON.stringify(got)?.slice(0, 80)}`;
    for (const [k, v] of Object.entries(sent)) {
      const d = firstDifference(v, (got as Record<string, unknown>)[k], `${path}/${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return sent === got ? undefined : `${path}: sent ${JSON.stringify(sent)}, got ${JSON.stringify(got)}`;
}

/** Fails unless the answered order carries every member the buyer sent (objectType aside: `order` in answers). */
export function expectCarries(t: CheckContext, sent: Order, got: Exchange, what: string): void {
  const { objectType: _ignored, ...rest } = sent;
  const difference = firstDifference(rest, got.body);
  t.expect(!difference, `${what} does not carry what the buyer sent: ${difference}`, { expected: 'every posted member, as posted', actual: difference, exchange: got });
}

/** Fails unless every member the spec names reads as it did (a refused request changed nothing). */
export async function expectUnchanged(t: CheckContext, id: string, before: Order, what: string, client: ApiClient = t.alpha): Promise<void> {
  const after = await client.get(orderPath(id));
  t.expectStatus(after, 200, `GET ${orderPath(id)} after ${what}`);
  const [was, is] = [specMembers(before), specMembers(after.body)];
  const difference = firstDifference(was, is) ?? firstDifference(is, was);
  t.expect(!difference, `${what} was refused but the order changed: ${difference}`, { expected: 'the order as it was', actual: difference, exchange: after });
}

/** Fails unless no order of the caller has the purchase order number (a refused create created nothing). */
export async function expectNotCreated(t: CheckContext, pon: string, what: string, client: ApiClient = t.alpha): Promise<void> {
  const res = await client.get('/orders', { query: { pon } });
  t.expect(res.status === 404, `${what} was refused but an order with its purchase order number exists`, {
    expected: `GET /orders?pon=${pon} answers 404`,
    actual: `status ${res.status}`,
    exchange: res,
  });
}

/**
 * What an invalid order's POST /orders may answer: 400 (this spec's), or 405 "Invalid input." (the source's own
 * status for it, endpoints/orders.json; docs/SOURCES.md). Other operations answer invalid input 400 only.
 */
export const INVALID_ORDER = [400, 405];

/** Fails unless the answer is a refusal with one of `statuses` carrying an errorResponse. */
export function expectRefused(t: CheckContext, res: Exchange, statuses: number[], what: string): void {
  t.expectStatus(res, statuses, what);
  t.expect(res.body?.objectType === 'errorResponse' && Array.isArray(res.body?.orderMessages) && res.body.orderMessages.length > 0, `${what}: the refusal is not in the error shape`, {
    expected: '{ objectType: errorResponse, orderMessages: [...] }',
    actual: excerpt(res.text, 300),
    exchange: res,
  });
}

export const uniItem = (body: Order) => body.orderItems.find((i: Order) => i.orderItemDetail?.objectType === 'uniProductOrder');
export const eplItem = (body: Order) => body.orderItems.find((i: Order) => i.orderItemDetail?.objectType === 'accessEplProductOrder');

/** Posts an order the server must refuse with one of `statuses`, then proves nothing was created. */
export async function expectCreateRefused(t: CheckContext, body: Order, statuses: number[], what: string) {
  const res = await t.alpha.post('/orders', body);
  expectRefused(t, res, statuses, what);
  await expectNotCreated(t, body.buyerPurchaseOrderNumber, what);
}

/** Runs one buyer transition and checks the answer: an allowed one, or a refused one that changed nothing. */
export async function transition(t: CheckContext, id: string, action: 'hold' | 'release' | 'cancel', expected: string | 'refused') {
  const before = expected === 'refused' ? (await readOrder(t, id)).body : undefined;
  const res = await t.alpha.post(`${orderPath(id)}/${action}`);
  if (expected === 'refused') {
    expectRefused(t, res, [409], `${action} of an order in ${before!.orderStatus}`);
    await expectUnchanged(t, id, before!, `${action} of an order in ${before!.orderStatus}`);
    return;
  }
  t.expectStatus(res, TRANSITION_OK, `${action} of the order`);
  if (res.status === 200) t.note(`${action} answered 200 (the source documents 201; both are accepted)`);
  t.expectEqual(res.body?.orderStatus, expected, `${action} answered an orderStatus other than ${expected}`, res);
  const after = await readOrder(t, id);
  t.expectEqual(after.body?.orderStatus, expected, `after ${action} the order does not read ${expected}`, after);
}

const ref = (n: number) => String(n).padStart(2, '0');

/**
 * Items a seller would accept together: `pairs` EVCs, each an access EPL item ordering its own new UNI (items 01 and
 * 02, 03 and 04, ...), with ids of their own, then `spareUnis` more UNIs on their own. Built from the example's two items.
 */
export function coherentItems(body: Order, pairs: number, spareUnis = 0): Order[] {
  const epl = eplItem(body);
  const uni = uniItem(body);
  const items: Order[] = [];
  const newUni = (n: number) => {
    const item = structuredClone(uni);
    item.orderItemReference = ref(n);
    item.orderItemDetail.buyerUniId = `${uni.orderItemDetail.buyerUniId}-${ref(n)}`;
    return item;
  };
  for (let p = 0; p < pairs; p++) {
    const evc = structuredClone(epl);
    evc.orderItemReference = ref(2 * p + 1);
    evc.orderItemDetail.buyerOvcId = `${epl.orderItemDetail.buyerOvcId}-${ref(p + 1)}`;
    delete evc.orderItemDetail.sellerOvcId; // a new EVC's seller id is the seller's to assign
    evc.orderItemDetail.uniReference = { objectType: 'orderedUniReference', orderItemReference: ref(2 * p + 2) };
    items.push(evc, newUni(2 * p + 2));
  }
  for (let s = 0; s < spareUnis; s++) items.push(newUni(2 * pairs + s + 1));
  return items;
}
