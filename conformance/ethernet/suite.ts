/**
 * Conformance checks of the Ethernet Order API. Each check builds its own orders from the source's create
 * example (with the profile's buyer and seller ids and a fresh purchase order number) and names one rule.
 */
import { defineSuite, type Check, type CheckContext } from '../framework/check.js';
import * as validators from '../../generated/ethernet/validators.js';
import {
  MERGE_PATCH,
  TRANSITION_OK,
  buyerA,
  buyerB,
  createOrder,
  drive,
  expectCarries,
  expectNotCreated,
  expectRefused,
  expectUnchanged,
  firstDifference,
  newPon,
  orderBody,
  orderPath,
  putBody,
  readOrder,
  type Order,
} from './support.js';

const uniItem = (body: Order) => body.orderItems.find((i: Order) => i.orderItemDetail?.objectType === 'uniProductOrder');
const eplItem = (body: Order) => body.orderItems.find((i: Order) => i.orderItemDetail?.objectType === 'accessEplProductOrder');

/** Posts an order the server must refuse with one of `statuses`, then proves nothing was created. */
async function expectCreateRefused(t: CheckContext, body: Order, statuses: number[], what: string) {
  const res = await t.alpha.post('/orders', body);
  expectRefused(t, res, statuses, what);
  await expectNotCreated(t, body.buyerPurchaseOrderNumber, what);
}

/** Runs one buyer transition and checks the answer: an allowed one, or a refused one that changed nothing. */
async function transition(t: CheckContext, id: string, action: 'hold' | 'release' | 'cancel', expected: string | 'refused') {
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

const checks: Check[] = [
  // ---- responses and errors -------------------------------------------------------------------
  {
    id: 'every-operation-answers-per-schema',
    rule: 'ETH-RESPONSE-SCHEMA',
    title: 'create, get, list, get by ?id= and ?pon=, PUT, PATCH, hold, release and cancel answer bodies valid against the spec',
    async run(t: CheckContext) {
      // Every answer below is validated against the spec by the client; a mismatch fails this rule.
      const body = orderBody(t);
      const created = await t.alpha.post('/orders', body);
      t.expectStatus(created, 201, 'POST /orders');
      const id = created.body.id;
      t.expectStatus(await t.alpha.get(orderPath(id)), 200);
      t.expectStatus(await t.alpha.get('/orders', { query: { buyerId: buyerA(t) } }), 200);
      t.expectStatus(await t.alpha.get('/orders', { query: { id } }), 200);
      t.expectStatus(await t.alpha.get('/orders', { query: { pon: body.buyerPurchaseOrderNumber } }), 200);
      t.expectStatus(await t.alpha.put(orderPath(id), putBody(body)), 200);
      t.expectStatus(await t.alpha.patch(orderPath(id), { notes: 'checked' }, { headers: MERGE_PATCH }), 200);
      for (const action of ['hold', 'release', 'cancel']) t.expectStatus(await t.alpha.post(`${orderPath(id)}/${action}`), TRANSITION_OK);
      t.expectStatus(await t.alpha.get(orderPath('no-such-order-' + t.uid())), 404);
    },
  },
  {
    id: 'invalid-order-answers-error-shape',
    rule: 'ETH-ERROR-SHAPE',
    title: 'an invalid order answers 400 with an errorResponse (errorCode <= 12, errorSeverity, errorDescription <= 150)',
    async run(t: CheckContext) {
      const body = { ...orderBody(t), orderType: 'NOT_A_TYPE' };
      const res = await t.alpha.post('/orders', body, { skipSchema: true });
      t.expectStatus(res, 400, 'POST /orders with an unknown orderType');
      const ok = validators.response_createOrder_400(res.body);
      t.expect(ok, 'the 400 answer is not an errorResponse of the spec', {
        expected: '{ objectType: errorResponse, orderMessages: [{ objectType: orderMessage, errorCode (<= 12), errorSeverity, errorDescription (<= 150) }] }',
        actual: (validators.response_createOrder_400.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; '),
        exchange: res,
      });
      const conflict = await t.alpha.post(`${orderPath('no-such-order-' + t.uid())}/hold`, undefined, { skipSchema: true });
      t.expect(validators.response_holdOrder_404(conflict.body), 'the 404 answer is not an errorResponse of the spec', { actual: conflict.text.slice(0, 300), exchange: conflict });
    },
  },
  {
    id: 'no-credentials-answer-401',
    rule: 'ETH-AUTH-REQUIRED',
    title: 'without credentials, or with a wrong secret, every call answers 401 and creates nothing',
    async run(t: CheckContext) {
      const res = await t.anonymous.get('/orders');
      t.expectStatus(res, 401, 'GET /orders without credentials');
      const body = orderBody(t);
      const post = await t.anonymous.post('/orders', body);
      t.expectStatus(post, 401, 'POST /orders without credentials');
      const user = t.alpha.credentials?.user ?? buyerA(t);
      const wrong = await t.anonymous.post('/orders', body, { headers: { Authorization: `Basic ${Buffer.from(`${user}:certainly-not-the-secret`).toString('base64')}` } });
      t.expectStatus(wrong, 401, 'POST /orders with a wrong secret');
      await expectNotCreated(t, body.buyerPurchaseOrderNumber, 'an unauthenticated create');
    },
  },
  {
    id: 'unknown-order-answers-404',
    rule: 'ETH-UNKNOWN-ORDER-404',
    title: 'get, ?id=, PUT, PATCH, cancel, hold and release of an unknown order id answer 404',
    async run(t: CheckContext) {
      const id = 'no-such-order-' + t.uid();
      const path = orderPath(id);
      const body = orderBody(t);
      const calls = [
        () => t.alpha.get(path),
        () => t.alpha.get('/orders', { query: { id } }),
        () => t.alpha.get('/orders', { query: { pon: newPon(t) } }),
        () => t.alpha.put(path, { ...body, buyerOrderVersion: '2' }),
        () => t.alpha.patch(path, { notes: 'x' }, { headers: MERGE_PATCH }),
        () => t.alpha.post(`${path}/cancel`),
        () => t.alpha.post(`${path}/hold`),
        () => t.alpha.post(`${path}/release`),
      ];
      for (const call of calls) {
        const res = await call();
        expectRefused(t, res, [404], `${res.method} ${new URL(res.url).pathname}${new URL(res.url).search}`);
      }
    },
  },

  // ---- create -----------------------------------------------------------------------------------
  {
    id: 'create-answers-201-with-id-and-in-progress',
    rule: 'ETH-CREATE',
    title: 'POST /orders answers 201 with a seller id, orderStatus IN_PROGRESS and everything posted',
    async run(t: CheckContext) {
      const body = orderBody(t);
      const res = await t.alpha.post('/orders', body);
      t.expectStatus(res, 201, 'POST /orders');
      t.expect(typeof res.body?.id === 'string' && res.body.id.length > 0, 'the created order has no id', { actual: res.body?.id, exchange: res });
      t.expectEqual(res.body.orderStatus, 'IN_PROGRESS', 'a new order does not start IN_PROGRESS', res);
      t.expectEqual(res.body.objectType, 'order', 'the answer is not an order object', res);
      expectCarries(t, body, res, 'the 201 answer');
    },
  },
  {
    id: 'create-without-a-required-member-is-refused',
    rule: 'ETH-CREATE-REQUIRED-FIELDS',
    title: 'an order without one of the required members answers 400 and is not created',
    async run(t: CheckContext) {
      const required = ['objectType', 'buyerId', 'sellerId', 'buyerPurchaseOrderNumber', 'buyerOrderVersion', 'orderDate', 'orderActivity', 'desiredResponses', 'requestedCompletionDate', 'billingInfo', 'buyerOrderContact', 'orderType', 'orderItems'];
      for (const member of required) {
        const body = orderBody(t);
        const pon = body.buyerPurchaseOrderNumber;
        delete body[member];
        const res = await t.alpha.post('/orders', body);
        expectRefused(t, res, [400], `POST /orders without ${member}`);
        await expectNotCreated(t, pon, `an order without ${member}`);
      }
    },
  },
  {
    id: 'twenty-items-accepted-twenty-one-refused',
    rule: 'ETH-ORDER-ITEMS-LIMIT',
    title: 'an order of 20 items is accepted; 21 items or none answer 400 and create nothing',
    async run(t: CheckContext) {
      const items = (n: number, body: Order) =>
        Array.from({ length: n }, (_, i) => ({ ...structuredClone(uniItem(body)), orderItemReference: String(i + 1) }));
      const twenty = orderBody(t);
      twenty.orderItems = items(20, twenty);
      const ok = await t.alpha.post('/orders', twenty);
      t.expectStatus(ok, 201, 'POST /orders with 20 items');
      const many = orderBody(t);
      many.orderItems = items(21, many);
      await expectCreateRefused(t, many, [400], 'an order of 21 items');
      const none = orderBody(t);
      none.orderItems = [];
      await expectCreateRefused(t, none, [400], 'an order without items');
    },
  },
  {
    id: 'duplicate-item-reference-is-refused',
    rule: 'ETH-ITEM-REF-UNIQUE',
    title: 'two items with one orderItemReference answer 400 and nothing is created',
    async run(t: CheckContext) {
      const body = orderBody(t);
      const uni = uniItem(body);
      body.orderItems.push({ ...structuredClone(uni), quantity: 2, action: 'CHANGE' });
      await expectCreateRefused(t, body, [400], `an order with two items "${uni.orderItemReference}"`);
    },
  },
  {
    id: 'dangling-ordered-uni-reference-is-refused',
    rule: 'ETH-ORDERED-REF-EXISTS',
    title: 'an orderedUniReference or orderedEnniReference naming no item of the order answers 400 and nothing changes',
    async run(t: CheckContext) {
      const body = orderBody(t);
      eplItem(body).orderItemDetail.uniReference = { objectType: 'orderedUniReference', orderItemReference: '99' };
      await expectCreateRefused(t, body, [400], 'an orderedUniReference to item "99" of a two-item order');
      const enni = orderBody(t);
      eplItem(enni).orderItemDetail.enniReference = { objectType: 'orderedEnniReference', orderItemReference: '98' };
      await expectCreateRefused(t, enni, [400], 'an orderedEnniReference to item "98" of a two-item order');
      // In a supplemental order too.
      const created = await createOrder(t, orderBody(t));
      const before = (await readOrder(t, created.id)).body;
      const put = putBody(created);
      eplItem(put).orderItemDetail.uniReference = { objectType: 'orderedUniReference', orderItemReference: '97' };
      const res = await t.alpha.put(orderPath(created.id), put);
      expectRefused(t, res, [400], 'a PUT with an orderedUniReference to item "97"');
      await expectUnchanged(t, created.id, before, 'a PUT with a dangling orderedUniReference');
    },
  },
  {
    id: 'svlan-range-upside-down-is-refused',
    rule: 'ETH-SVLAN-RANGE',
    title: 'enniSvlanIdLast below enniSvlanId answers 400 and creates nothing; equal is accepted',
    async run(t: CheckContext) {
      const body = orderBody(t);
      Object.assign(eplItem(body).orderItemDetail, { enniSvlanId: 200, enniSvlanIdLast: 100 });
      await expectCreateRefused(t, body, [400], 'enniSvlanId 200 with enniSvlanIdLast 100');
      const single = orderBody(t);
      Object.assign(eplItem(single).orderItemDetail, { enniSvlanId: 300, enniSvlanIdLast: 300 });
      t.expectStatus(await t.alpha.post('/orders', single), 201, 'POST /orders with enniSvlanId 300 and enniSvlanIdLast 300');
    },
  },
  {
    id: 'pon-used-twice-is-refused',
    rule: 'ETH-PON-UNIQUE',
    title: 'a second create with a purchase order number already used answers 409; ?pon= still finds the first order',
    async run(t: CheckContext) {
      const body = orderBody(t);
      const first = await createOrder(t, body);
      const again = await t.alpha.post('/orders', { ...body, notes: 'second try' });
      expectRefused(t, again, [409], 'a second POST /orders with the same buyerPurchaseOrderNumber');
      const found = await t.alpha.get('/orders', { query: { pon: body.buyerPurchaseOrderNumber } });
      t.expectStatus(found, 200, 'GET /orders?pon=');
      t.expectEqual(found.body?.id, first.id, '?pon= does not answer the first order', found);
      t.expect(found.body?.notes !== 'second try', 'the refused second order replaced the first', { exchange: found });
    },
  },
  {
    id: 'buyer-id-of-another-buyer-is-refused',
    rule: 'ETH-BUYER-ID-IS-CALLER',
    title: "an order whose buyerId is another buyer's answers 403 (or 400) and is created for nobody",
    async run(t: CheckContext) {
      const body = orderBody(t, 'B');
      const res = await t.alpha.post('/orders', body);
      expectRefused(t, res, [400, 403], `POST /orders by ${buyerA(t)} with buyerId ${buyerB(t)}`);
      await expectNotCreated(t, body.buyerPurchaseOrderNumber, "an order with another buyer's buyerId");
      await expectNotCreated(t, body.buyerPurchaseOrderNumber, "an order with another buyer's buyerId", t.beta);
    },
  },

  // ---- reads ------------------------------------------------------------------------------------
  {
    id: 'get-by-id-returns-what-was-posted',
    rule: 'ETH-GET-BY-ID-OR-PON',
    title: 'GET /orders/{id} answers the order with everything posted',
    async run(t: CheckContext) {
      const body = orderBody(t);
      const created = await createOrder(t, body);
      const res = await t.alpha.get(orderPath(created.id));
      t.expectStatus(res, 200, 'GET /orders/{id}');
      t.expectEqual(res.body?.id, created.id, 'GET /orders/{id} answered another order', res);
      expectCarries(t, body, res, 'GET /orders/{id}');
    },
  },
  {
    id: 'get-by-query-id-and-pon-returns-the-order',
    rule: 'ETH-GET-BY-ID-OR-PON',
    title: 'GET /orders?id= and GET /orders?pon= each answer the order with everything posted',
    async run(t: CheckContext) {
      const body = orderBody(t);
      const created = await createOrder(t, body);
      const queries: Array<Record<string, string>> = [{ id: created.id }, { pon: body.buyerPurchaseOrderNumber }, { id: created.id, pon: body.buyerPurchaseOrderNumber }];
      for (const query of queries) {
        const res = await t.alpha.get('/orders', { query });
        t.expectStatus(res, 200, `GET /orders?${new URLSearchParams(query)}`);
        t.expectEqual(res.body?.id, created.id, `GET /orders?${new URLSearchParams(query)} answered another order`, res);
        expectCarries(t, body, res, `GET /orders?${new URLSearchParams(query)}`);
      }
    },
  },
  {
    id: 'list-by-buyer-includes-own-order',
    rule: 'ETH-LIST-BY-BUYER',
    title: "GET /orders?buyerId= lists the caller's new order, counts consistently, and only the caller's orders",
    async run(t: CheckContext) {
      const body = orderBody(t);
      const created = await createOrder(t, body);
      const res = await t.alpha.get('/orders', { query: { buyerId: buyerA(t), limit: 200 } });
      t.expectStatus(res, 200, 'GET /orders?buyerId=');
      const items: Order[] = res.body?.items ?? [];
      t.expect(res.body?.returned === items.length, 'returned is not the number of items', { expected: items.length, actual: res.body?.returned, exchange: res });
      t.expect(res.body?.available >= res.body?.returned, 'available is below returned', { actual: `available ${res.body?.available}, returned ${res.body?.returned}`, exchange: res });
      const mine = items.find((o) => o.id === created.id);
      t.expect(mine, 'the new order is not in the list', { expected: created.id, actual: items.map((o) => o.id).slice(0, 20), exchange: res });
      t.expect(!firstDifferenceOf(body, mine), `the listed order does not carry what was posted: ${firstDifferenceOf(body, mine)}`, { exchange: res });
      const foreign = items.filter((o) => o.buyerId !== buyerA(t));
      t.expect(foreign.length === 0, "the list holds another buyer's orders", { actual: foreign.map((o) => `${o.id} (${o.buyerId})`), exchange: res });
    },
  },
  {
    id: 'list-never-shows-another-buyers-order',
    rule: 'ETH-LIST-BY-BUYER',
    title: "another buyer's order is in no list of the caller, not even with that buyer's buyerId",
    async run(t: CheckContext) {
      const theirs = await createOrder(t, orderBody(t, 'B'), t.beta);
      const own = await t.alpha.get('/orders', { query: { buyerId: buyerA(t), limit: 200 } });
      t.expectStatus(own, 200, 'GET /orders?buyerId=<caller>');
      t.expect(!(own.body?.items ?? []).some((o: Order) => o.id === theirs.id || o.buyerId !== buyerA(t)), "the caller's list holds another buyer's order", { exchange: own });
      const other = await t.alpha.get('/orders', { query: { buyerId: buyerB(t), limit: 200 } });
      if (other.status === 200) {
        t.expect(!(other.body?.items ?? []).some((o: Order) => o.id === theirs.id || o.buyerId === buyerB(t)), "listing by another buyer's buyerId shows that buyer's orders", { exchange: other });
      } else {
        expectRefused(t, other, [403], "GET /orders?buyerId=<another buyer>");
      }
    },
  },
  {
    id: 'another-buyers-order-is-not-found',
    rule: 'ETH-TENANT-ISOLATION',
    title: "another buyer's order answers 404 to every read and change, and stays as it was",
    async run(t: CheckContext) {
      const body = orderBody(t, 'B');
      const theirs = await createOrder(t, body, t.beta);
      const before = (await readOrder(t, theirs.id, t.beta)).body;
      const path = orderPath(theirs.id);
      const calls = [
        () => t.alpha.get(path),
        () => t.alpha.get('/orders', { query: { id: theirs.id } }),
        () => t.alpha.get('/orders', { query: { pon: body.buyerPurchaseOrderNumber } }),
        () => t.alpha.put(path, { ...putBody(body), buyerId: buyerA(t) }),
        () => t.alpha.patch(path, { notes: 'not yours' }, { headers: MERGE_PATCH }),
        () => t.alpha.post(`${path}/hold`),
        () => t.alpha.post(`${path}/cancel`),
      ];
      for (const call of calls) {
        const res = await call();
        expectRefused(t, res, [404], `${res.method} ${new URL(res.url).pathname}${new URL(res.url).search} by another buyer`);
      }
      await expectUnchanged(t, theirs.id, before, "another buyer's attempts", t.beta);
    },
  },

  // ---- the source's examples, PUT and PATCH -------------------------------------------------------
  {
    id: 'seed-create-and-put-examples-accepted',
    rule: 'ETH-SEED-EXAMPLES',
    title: "the source's create example is accepted as a create and its update example as a PUT on that order",
    async run(t: CheckContext) {
      const body = orderBody(t);
      const created = await t.alpha.post('/orders', body);
      t.expectStatus(created, 201, "POST /orders with the source's create example");
      const put = putBody(body);
      const res = await t.alpha.put(orderPath(created.body.id), put);
      t.expectStatus(res, 200, "PUT /orders/{id} with the source's update example");
      const after = await readOrder(t, created.body.id);
      expectCarries(t, put, after, 'the order after the PUT');
    },
  },
  {
    id: 'put-replaces-the-whole-order',
    rule: 'ETH-PUT-REPLACES',
    title: 'after a PUT the order reads as the replacement (left-out members gone), same id and orderStatus',
    async run(t: CheckContext) {
      const body: Order = { ...orderBody(t), notes: 'first version', projectId: 'PRJ-1' };
      const created = await createOrder(t, body);
      const replacement: Order = { ...structuredClone(body), buyerOrderVersion: '2', notes: 'second version' };
      delete replacement.projectId;
      delete replacement.buyerTechnicalContact;
      eplItem(replacement).orderItemDetail.uniIngressBandwidthProfile.committedInformationRate.amount = 5;
      const res = await t.alpha.put(orderPath(created.id), replacement);
      t.expectStatus(res, 200, 'PUT /orders/{id}');
      t.expectEqual(res.body?.id, created.id, 'the PUT answered another id', res);
      const after = await readOrder(t, created.id);
      expectCarries(t, replacement, after, 'the order after the PUT');
      t.expectEqual(after.body.orderStatus, created.orderStatus, 'the PUT changed orderStatus', after);
      t.expect(after.body.projectId === undefined && after.body.buyerTechnicalContact === undefined, 'members the replacement left out are still there', {
        expected: 'no projectId, no buyerTechnicalContact',
        actual: { projectId: after.body.projectId, buyerTechnicalContact: after.body.buyerTechnicalContact },
        exchange: after,
      });
    },
  },
  {
    id: 'put-with-another-pon-is-refused',
    rule: 'ETH-PUT-SAME-PON',
    title: 'a PUT with another buyerPurchaseOrderNumber answers 400 (or 409) and the order is unchanged',
    async run(t: CheckContext) {
      const created = await createOrder(t, orderBody(t));
      const before = (await readOrder(t, created.id)).body;
      const put = { ...putBody(created), buyerPurchaseOrderNumber: newPon(t) };
      const res = await t.alpha.put(orderPath(created.id), put);
      expectRefused(t, res, [400, 409], 'a PUT with another purchase order number');
      await expectUnchanged(t, created.id, before, 'a PUT with another purchase order number');
    },
  },
  {
    id: 'put-with-the-same-version-is-refused',
    rule: 'ETH-PUT-NEW-VERSION',
    title: 'a PUT with the current buyerOrderVersion answers 409 (or 400) and the order is unchanged',
    async run(t: CheckContext) {
      const created = await createOrder(t, orderBody(t));
      const before = (await readOrder(t, created.id)).body;
      const put = { ...putBody(created), buyerOrderVersion: created.buyerOrderVersion };
      const res = await t.alpha.put(orderPath(created.id), put);
      expectRefused(t, res, [400, 409], `a PUT with buyerOrderVersion "${created.buyerOrderVersion}" again`);
      await expectUnchanged(t, created.id, before, 'a PUT with the same buyerOrderVersion');
    },
  },
  {
    id: 'merge-patch-changes-only-what-it-names',
    rule: 'ETH-PATCH-MERGE',
    title: 'a merge patch sets, merges and removes members (null) and leaves the rest as it was',
    async run(t: CheckContext) {
      const body: Order = { ...orderBody(t), projectId: 'PRJ-7', notes: 'before' };
      const created = await createOrder(t, body);
      const patch = { notes: 'after', projectId: null, buyerTechnicalContact: { name: 'Patched Name' } };
      const res = await t.alpha.patch(orderPath(created.id), patch, { headers: MERGE_PATCH });
      t.expectStatus(res, 200, 'PATCH /orders/{id} (application/merge-patch+json)');
      const after = await readOrder(t, created.id);
      const expected = structuredClone(body);
      expected.notes = 'after';
      delete expected.projectId;
      expected.buyerTechnicalContact.name = 'Patched Name';
      expectCarries(t, expected, after, 'the order after the patch');
      t.expect(after.body.projectId === undefined, 'a member patched to null is still there', { actual: after.body.projectId, exchange: after });
      const json = await t.alpha.patch(orderPath(created.id), { pricingTerm: 36 });
      t.expectStatus(json, 200, 'PATCH /orders/{id} (application/json)');
      t.expectEqual(json.body?.pricingTerm, 36, 'the application/json patch was not applied', json);
    },
  },
  {
    id: 'patch-to-an-invalid-order-is-refused',
    rule: 'ETH-PATCH-MERGE',
    title: 'a patch whose result is not a valid order, or that changes orderStatus or buyerId, answers 400 and changes nothing',
    async run(t: CheckContext) {
      const created = await createOrder(t, orderBody(t));
      const before = (await readOrder(t, created.id)).body;
      const patches: Array<[Order, string]> = [
        [{ orderItems: [] }, 'no items'],
        [{ orderType: 'NOT_A_TYPE' }, 'an unknown orderType'],
        [{ billingInfo: null }, 'no billingInfo'],
        [{ orderStatus: 'COMPLETED' }, 'orderStatus COMPLETED'],
        [{ buyerId: buyerB(t) }, "another buyer's buyerId"],
      ];
      for (const [patch, what] of patches) {
        const res = await t.alpha.patch(orderPath(created.id), patch, { headers: MERGE_PATCH });
        expectRefused(t, res, [400], `a patch with ${what}`);
        await expectUnchanged(t, created.id, before, `a patch with ${what}`);
      }
    },
  },

  // ---- the buyer's transitions ------------------------------------------------------------------
  {
    id: 'cancel-from-in-progress-and-held',
    rule: 'ETH-CANCEL',
    title: 'cancel of an IN_PROGRESS and of a HELD order answers 201 (or 200) with CANCELLED',
    async run(t: CheckContext) {
      const inProgress = await createOrder(t, orderBody(t));
      await transition(t, inProgress.id, 'cancel', 'CANCELLED');
      const held = await createOrder(t, orderBody(t));
      await drive(t, held.id, ['hold']);
      await transition(t, held.id, 'cancel', 'CANCELLED');
    },
  },
  {
    id: 'hold-only-in-progress',
    rule: 'ETH-HOLD',
    title: 'hold of an IN_PROGRESS order answers 201 (or 200) with HELD; hold of a HELD order answers 409 and changes nothing',
    async run(t: CheckContext) {
      const created = await createOrder(t, orderBody(t));
      await transition(t, created.id, 'hold', 'HELD');
      await transition(t, created.id, 'hold', 'refused');
    },
  },
  {
    id: 'release-only-held',
    rule: 'ETH-RELEASE-ONLY-HELD',
    title: 'release of an IN_PROGRESS order answers 409 and changes nothing; release of a HELD order answers IN_PROGRESS',
    async run(t: CheckContext) {
      const created = await createOrder(t, orderBody(t));
      await transition(t, created.id, 'release', 'refused');
      await drive(t, created.id, ['hold']);
      await transition(t, created.id, 'release', 'IN_PROGRESS');
      await transition(t, created.id, 'release', 'refused');
    },
  },
  {
    id: 'nothing-leaves-cancelled',
    rule: 'ETH-FINAL-STATES',
    title: 'hold, release, cancel, PUT and PATCH of a CANCELLED order answer 409 and change nothing',
    async run(t: CheckContext) {
      const body = orderBody(t);
      const created = await createOrder(t, body);
      await drive(t, created.id, ['cancel']);
      for (const action of ['hold', 'release', 'cancel'] as const) await transition(t, created.id, action, 'refused');
      const before = (await readOrder(t, created.id)).body;
      const put = await t.alpha.put(orderPath(created.id), putBody(body));
      expectRefused(t, put, [409], 'a PUT of a CANCELLED order');
      const patch = await t.alpha.patch(orderPath(created.id), { notes: 'too late' }, { headers: MERGE_PATCH });
      expectRefused(t, patch, [409], 'a PATCH of a CANCELLED order');
      await expectUnchanged(t, created.id, before, 'a PUT and a PATCH of a CANCELLED order');
    },
  },
  {
    id: 'nothing-leaves-cancelled-after-hold',
    rule: 'ETH-FINAL-STATES',
    title: 'an order cancelled while HELD cannot be released or held again',
    async run(t: CheckContext) {
      const created = await createOrder(t, orderBody(t));
      await drive(t, created.id, ['hold', 'cancel']);
      await transition(t, created.id, 'release', 'refused');
      await transition(t, created.id, 'hold', 'refused');
    },
  },
];

function firstDifferenceOf(sent: Order, got: Order | undefined): string | undefined {
  const { objectType: _ignored, ...rest } = sent;
  return firstDifference(rest, got);
}

export default defineSuite({ api: 'ethernet', schemaRule: 'ETH-RESPONSE-SCHEMA', checks });
