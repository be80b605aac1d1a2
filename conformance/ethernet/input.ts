/** Ethernet input: orders a seller must refuse with the error shape, creating nothing; answers match the spec. */
import { excerpt } from '../framework/excerpt.js';
import { inBatches, invalidBodies } from '../framework/body-probes.js';
import type { Check, CheckContext } from '../framework/check.js';
import * as validators from '../../generated/ethernet/validators.js';
import {
  MERGE_PATCH,
  TRANSITION_OK,
  buyerA,
  coherentItems,
  createOrder,
  eplItem,
  expectCreateRefused,
  expectNotCreated,
  expectRefused,
  expectUnchanged,
  INVALID_ORDER,
  newPon,
  orderBody,
  orderPath,
  putBody,
  readOrder,
  uniItem,
} from './support.js';

export const inputChecks: Check[] = [
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
    title: 'an invalid order answers 400 (or 405, the source\'s) with an errorResponse (errorCode <= 12, errorSeverity, errorDescription <= 150)',
    async run(t: CheckContext) {
      const body = { ...orderBody(t), orderType: 'NOT_A_TYPE' };
      const res = await t.alpha.post('/orders', body, { skipSchema: true });
      t.expectStatus(res, INVALID_ORDER, 'POST /orders with an unknown orderType');
      const validate = res.status === 405 ? validators.response_createOrder_405 : validators.response_createOrder_400;
      t.expect(validate(res.body), `the ${res.status} answer is not an errorResponse of the spec`, {
        expected: '{ objectType: errorResponse, orderMessages: [{ objectType: orderMessage, errorCode (<= 12), errorSeverity, errorDescription (<= 150) }] }',
        actual: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; '),
        exchange: res,
      });
      const conflict = await t.alpha.post(`${orderPath('no-such-order-' + t.uid())}/hold`, undefined, { skipSchema: true });
      t.expect(validators.response_holdOrder_404(conflict.body), 'the 404 answer is not an errorResponse of the spec', { actual: excerpt(conflict.text, 300), exchange: conflict });
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
        expectRefused(t, res, INVALID_ORDER, `POST /orders without ${member}`);
        await expectNotCreated(t, pon, `an order without ${member}`);
      }
    },
  },
  {
    // 20 and 21 items: the limits family (limits.ts) checks the upper edge.
    id: 'order-without-items-is-refused',
    rule: 'ETH-ORDER-ITEMS-LIMIT',
    title: 'an order without items answers 400 and creates nothing',
    async run(t: CheckContext) {
      const none = orderBody(t);
      none.orderItems = [];
      await expectCreateRefused(t, none, INVALID_ORDER, 'an order without items');
    },
  },
  {
    id: 'duplicate-item-reference-is-refused',
    rule: 'ETH-ITEM-REF-UNIQUE',
    title: 'two items with one orderItemReference answer 400 and nothing is created',
    async run(t: CheckContext) {
      // A second new UNI, a sound INSTALL item but for reusing the first UNI's reference.
      const body = orderBody(t);
      const [, uni, second] = coherentItems(body, 1, 1);
      second.orderItemReference = uni.orderItemReference;
      body.orderItems.push(second);
      await expectCreateRefused(t, body, INVALID_ORDER, `an order with two items "${uni.orderItemReference}"`);
    },
  },
  {
    id: 'dangling-ordered-uni-reference-is-refused',
    rule: 'ETH-ORDERED-REF-EXISTS',
    title: 'an orderedUniReference or orderedEnniReference naming no item of the order answers 400 and nothing changes',
    async run(t: CheckContext) {
      const body = orderBody(t);
      eplItem(body).orderItemDetail.uniReference = { objectType: 'orderedUniReference', orderItemReference: '99' };
      await expectCreateRefused(t, body, INVALID_ORDER, 'an orderedUniReference to item "99" of a two-item order');
      const enni = orderBody(t);
      eplItem(enni).orderItemDetail.enniReference = { objectType: 'orderedEnniReference', orderItemReference: '98' };
      await expectCreateRefused(t, enni, INVALID_ORDER, 'an orderedEnniReference to item "98" of a two-item order');
      // In a supplemental order too.
      const created = await createOrder(t, orderBody(t));
      const before = (await readOrder(t, created.id)).body;
      const put = putBody(created);
      eplItem(put).orderItemDetail.uniReference = { objectType: 'orderedUniReference', orderItemReference: '97' };
      const res = await t.alpha.put(orderPath(created.id), put);
      expectRefused(t, res, [400], 'a PUT with an orderedUniReference to item "97"');
      await expectUnchanged(t, created.id, before, 'a PUT with a dangling orderedUniReference');
      // Nor an item only another order of the buyer has had: the reference names this order's items alone.
      const other = orderBody(t);
      const otherUni = uniItem(other);
      eplItem(other).orderItemDetail.uniReference = { objectType: 'orderedUniReference', orderItemReference: '96' };
      otherUni.orderItemReference = '96';
      await createOrder(t, other);
      const elsewhere = putBody(created);
      eplItem(elsewhere).orderItemDetail.uniReference = { objectType: 'orderedUniReference', orderItemReference: '96' };
      const res2 = await t.alpha.put(orderPath(created.id), elsewhere);
      expectRefused(t, res2, [400], "a PUT with an orderedUniReference to item \"96\", an item of the buyer's other order only, with no buyerPurchaseOrderNumber");
      await expectUnchanged(t, created.id, before, "a PUT naming another order's item as its own");
    },
  },
  {
    id: 'ordered-reference-to-another-orders-item-is-accepted',
    rule: 'ETH-ORDERED-REF-EXISTS',
    title: "an orderedUniReference naming an item of the buyer's other order by its buyerPurchaseOrderNumber is accepted",
    async run(t: CheckContext) {
      // The UNI ordered in one order, the EPL that uses it in a second: the schema gives the reference a purchase order
      // number for exactly this ("required if the ordered UNI is not on the same order"). The second order has no item
      // of the UNI's reference, so a server that looks the reference up in this order alone refuses it.
      const first = await createOrder(t, orderBody(t));
      const uni = first.orderItems?.find((i: any) => i?.orderItemDetail?.objectType === 'uniProductOrder')?.orderItemReference ?? '02';
      const second = orderBody(t);
      const epl = eplItem(second);
      second.orderItems = [epl];
      epl.orderItemDetail.uniReference = { objectType: 'orderedUniReference', buyerPurchaseOrderNumber: first.buyerPurchaseOrderNumber, orderItemReference: uni };
      const res = await t.alpha.post('/orders', second);
      t.expectStatus(res, 201, `POST /orders whose only item uses UNI item "${uni}" of order ${first.buyerPurchaseOrderNumber} (an orderedUniReference with that buyerPurchaseOrderNumber)`);
    },
  },
  {
    id: 'svlan-range-upside-down-is-refused',
    rule: 'ETH-SVLAN-RANGE',
    title: 'enniSvlanIdLast below enniSvlanId answers 400 and creates nothing; equal is accepted',
    async run(t: CheckContext) {
      const body = orderBody(t);
      Object.assign(eplItem(body).orderItemDetail, { enniSvlanId: 200, enniSvlanIdLast: 100 });
      await expectCreateRefused(t, body, INVALID_ORDER, 'enniSvlanId 200 with enniSvlanIdLast 100');
      const single = orderBody(t);
      Object.assign(eplItem(single).orderItemDetail, { enniSvlanId: 300, enniSvlanIdLast: 300 });
      t.expectStatus(await t.alpha.post('/orders', single), 201, 'POST /orders with enniSvlanId 300 and enniSvlanIdLast 300');
    },
  },
  {
    id: 'pon-of-17-characters-is-refused',
    rule: 'ETH-PON-LENGTH',
    title: 'a buyerPurchaseOrderNumber of 17 characters answers 400 and creates nothing; one of 16 is accepted',
    async run(t: CheckContext) {
      // Unique in its first 16 characters, so that an order stored under a cut-short number can be looked for.
      const pon17 = `${t.uid('P').toUpperCase()}XXXXXXXXXXXXXXXX`.slice(0, 17);
      const long = { ...orderBody(t), buyerPurchaseOrderNumber: pon17 };
      // Judged on its status first: a server that takes the order fails this rule, not the schema rule.
      const res = await t.alpha.post('/orders', long, { skipSchema: true });
      expectRefused(t, res, INVALID_ORDER, 'POST /orders with a buyerPurchaseOrderNumber of 17 characters');
      await expectNotCreated(t, pon17.slice(0, 16), 'an order with a buyerPurchaseOrderNumber of 17 characters (looked for under its first 16)');
      const exact = { ...orderBody(t), buyerPurchaseOrderNumber: pon17.slice(1) };
      t.expectStatus(await t.alpha.post('/orders', exact), 201, 'POST /orders with a buyerPurchaseOrderNumber of 16 characters');
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
    id: 'orders-breaking-the-schema-are-refused',
    rule: 'ETH-ERROR-SHAPE',
    title: "orders that break the spec's schema in one place, at any depth (a member left out, of another type, outside its values, a fraction for an integer), answer 400 (or 405) in the error shape and are not created",
    async run(t: CheckContext) {
      const template = orderBody(t);
      await inBatches(invalidBodies('ethernet', 'createOrder', template), 8, async ({ what, body }) => {
        const sent: any = { ...(body as object) };
        // Each probe has a purchase order number of its own (where it keeps one), to look its order up by.
        const pon = sent.buyerPurchaseOrderNumber === template.buyerPurchaseOrderNumber ? (sent.buyerPurchaseOrderNumber = newPon(t)) : undefined;
        const res = await t.alpha.post('/orders', sent, { skipSchema: true });
        expectRefused(t, res, INVALID_ORDER, `POST /orders with ${what}`);
        if (pon) await expectNotCreated(t, pon, `POST /orders with ${what}`);
      });
      // A supplemental PUT is validated as a create is (a server may check its creates only).
      const created = await createOrder(t, orderBody(t));
      const before = (await readOrder(t, created.id)).body;
      await inBatches(invalidBodies('ethernet', 'updateOrder', putBody(created)), 8, async ({ what, body }) => {
        expectRefused(t, await t.alpha.put(orderPath(created.id), body, { skipSchema: true }), [400], `a supplemental PUT with ${what}`);
      });
      await expectUnchanged(t, created.id, before, 'every refused supplemental PUT');
    },
  },
];
