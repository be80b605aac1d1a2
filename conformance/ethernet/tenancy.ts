/** Ethernet tenancy: credentials are required, and one buyer never sees, lists or changes another's orders. */
import type { Check, CheckContext } from '../framework/check.js';
import {
  MERGE_PATCH,
  buyerA,
  buyerB,
  createOrder,
  expectNotCreated,
  expectRefused,
  expectUnchanged,
  orderBody,
  orderPath,
  putBody,
  readOrder,
  type Order,
} from './support.js';

export const tenancyChecks: Check[] = [
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
      let mine = items.find((o) => o.id === created.id);
      // Earlier runs may have filled the first page: page on (offset) until the order or the end of the list.
      for (let offset = items.length; !mine && items.length > 0 && offset < Number(res.body?.available) && offset < 5000; ) {
        const page = await t.alpha.get('/orders', { query: { buyerId: buyerA(t), limit: 200, offset } });
        t.expectStatus(page, 200, `GET /orders?buyerId=&offset=${offset}`);
        const more: Order[] = page.body?.items ?? [];
        if (more.length === 0) break;
        mine = more.find((o) => o.id === created.id);
        offset += more.length;
      }
      t.expect(mine, 'the new order is not in the list', { expected: created.id, actual: items.map((o) => o.id).slice(0, 20), exchange: res });
      // The list names the caller's orders; what else an item carries is the Seller's choice (the whole order is read
      // by id or pon, ETH-GET-BY-ID-OR-PON).
      t.expectEqual(
        { buyerId: mine.buyerId, buyerPurchaseOrderNumber: mine.buyerPurchaseOrderNumber },
        { buyerId: buyerA(t), buyerPurchaseOrderNumber: body.buyerPurchaseOrderNumber },
        'the listed order is not the one the caller placed',
        res,
      );
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
        // Nor the caller's own orders: a list for a buyerId is that buyer's list, and for another buyer it is empty.
        t.expect((other.body?.items ?? []).length === 0, "listing by another buyer's buyerId answers a list that is not empty", {
          expected: '403, or 200 with no items',
          actual: (other.body?.items ?? []).map((o: Order) => `${o.id} (${o.buyerId})`).slice(0, 5),
          exchange: other,
        });
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
];
