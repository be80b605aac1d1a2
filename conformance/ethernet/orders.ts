/** Ethernet orders: create and read back, by id and by purchase order number, and the source's examples. */
import type { Check, CheckContext } from '../framework/check.js';
import {
  MERGE_PATCH,
  createOrder,
  expectCarries,
  expectRefused,
  newPon,
  orderBody,
  orderPath,
  putBody,
  readOrder,
} from './support.js';

export const orderChecks: Check[] = [
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
];
