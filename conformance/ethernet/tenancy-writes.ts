/**
 * Ethernet tenancy for every write, in every open state: another buyer's PUT, PATCH (merge and plain JSON), hold,
 * release and cancel of an order answer 404 like an unknown id and change nothing; and list counts are exact.
 */
import type { Check, CheckContext } from '../framework/check.js';
import { MERGE_PATCH, buyerA, createOrder, drive, expectRefused, expectUnchanged, orderBody, orderPath, putBody, readOrder } from './support.js';

export const tenancyWriteChecks: Check[] = [
  {
    id: 'another-buyer-writes-nothing-in-any-open-state',
    rule: 'ETH-TENANT-ISOLATION',
    title: "another buyer's PUT, PATCH, hold, release and cancel of an IN_PROGRESS and of a HELD order answer 404 and change nothing",
    async run(t: CheckContext) {
      for (const held of [false, true]) {
        const body = orderBody(t);
        const mine = await createOrder(t, body);
        if (held) await drive(t, mine.id, ['hold']);
        const before = (await readOrder(t, mine.id)).body;
        const path = orderPath(mine.id);
        const writes = [
          () => t.beta.put(path, { ...putBody(body), buyerId: body.buyerId }),
          () => t.beta.patch(path, { notes: 'not yours' }, { headers: MERGE_PATCH }),
          () => t.beta.patch(path, { pricingTerm: 12 }),
          () => t.beta.post(`${path}/hold`),
          () => t.beta.post(`${path}/release`),
          () => t.beta.post(`${path}/cancel`),
        ];
        for (const write of writes) {
          const res = await write();
          expectRefused(t, res, [404], `${res.method} ${new URL(res.url).pathname} by another buyer on a ${before.orderStatus} order`);
        }
        await expectUnchanged(t, mine.id, before, `another buyer's writes to a ${before.orderStatus} order`);
      }
    },
  },
  {
    id: 'list-counts-are-exact',
    rule: 'ETH-LIST-BY-BUYER',
    title: "available counts exactly the caller's orders: three new ones add three, another buyer's add none, and pages hold what limit and offset say",
    exclusive: true,
    async run(t: CheckContext) {
      const count = async (what: string) => {
        const res = await t.alpha.get('/orders', { query: { buyerId: buyerA(t), limit: 1 } });
        t.expectStatus(res, 200, `GET /orders?limit=1 (${what})`);
        t.expect(Number.isInteger(res.body?.available), `available is not a whole number (${what})`, { actual: res.body?.available, exchange: res });
        return { available: res.body.available as number, res };
      };
      const { available: before } = await count('before');
      for (let i = 0; i < 3; i++) await createOrder(t, orderBody(t));
      await createOrder(t, orderBody(t, 'B'), t.beta);
      const { available: after, res } = await count('after');
      t.expect(after === before + 3, `available went from ${before} to ${after} after the caller created 3 orders and another buyer 1`, {
        expected: before + 3,
        actual: after,
        exchange: res,
      });
      const two = await t.alpha.get('/orders', { query: { buyerId: buyerA(t), limit: 2 } });
      t.expectStatus(two, 200, 'GET /orders?limit=2');
      t.expect(two.body?.returned === 2 && two.body?.items?.length === 2, 'a page of limit 2 over 3 or more orders does not hold exactly 2', {
        expected: 'returned 2, 2 items',
        actual: `returned ${two.body?.returned}, ${two.body?.items?.length} items`,
        exchange: two,
      });
      // Pages that start past the first: offset is where a page starts and limit how long it is, whatever their sizes.
      for (const [offset, limit] of [[1, 1], [2, 1], [1, 2]]) {
        const page = await t.alpha.get('/orders', { query: { buyerId: buyerA(t), limit, offset } });
        t.expectStatus(page, 200, `GET /orders?offset=${offset}&limit=${limit}`);
        const expected = Math.min(limit, after - offset);
        t.expect(page.body?.returned === expected && page.body?.items?.length === expected, `the page at offset ${offset} of limit ${limit} over ${after} orders does not hold ${expected}`, {
          expected: `returned ${expected}, ${expected} items`,
          actual: `returned ${page.body?.returned}, ${page.body?.items?.length} items`,
          exchange: page,
        });
      }
      const last = await t.alpha.get('/orders', { query: { buyerId: buyerA(t), limit: 5, offset: after - 1 } });
      t.expectStatus(last, 200, `GET /orders?offset=${after - 1}`);
      t.expect(last.body?.returned === 1 && last.body?.items?.length === 1 && last.body?.available === after, 'the page from the last offset does not hold exactly the last order', {
        expected: `available ${after}, returned 1, 1 item`,
        actual: `available ${last.body?.available}, returned ${last.body?.returned}, ${last.body?.items?.length} items`,
        exchange: last,
      });
    },
  },
];
