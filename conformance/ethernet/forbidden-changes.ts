/**
 * Every member a PATCH may not change (id, buyerId, orderStatus: ETH-PATCH-MERGE; the purchase order number, which
 * a supplemental order keeps: ETH-PUT-SAME-PON), each tried alone; and PUT and PATCH tried from every state the
 * documents name for the buyer: an open order keeps its status through them, a final one refuses them.
 */
import type { Check, CheckContext } from '../framework/check.js';
import { MERGE_PATCH, buyerB, createOrder, drive, expectRefused, expectUnchanged, newPon, orderBody, orderPath, putBody, readOrder, type Order } from './support.js';

export const forbiddenChangeChecks: Check[] = [
  {
    id: 'patch-refuses-every-identity-member',
    rule: 'ETH-PATCH-MERGE',
    title: 'a patch changing id, buyerId or orderStatus (each alone, to each other value) answers 400 and changes nothing',
    async run(t: CheckContext) {
      const created = await createOrder(t, orderBody(t));
      const before = (await readOrder(t, created.id)).body;
      const patches: Array<[Order, string]> = [
        [{ id: `${created.id}x` }, 'another id'],
        [{ buyerId: buyerB(t) }, "another buyer's buyerId"],
        ...['HELD', 'CANCELLED', 'COMPLETED', 'REJECTED', 'FAILED', 'PARTIAL'].map((s): [Order, string] => [{ orderStatus: s }, `orderStatus ${s}`]),
      ];
      for (const [patch, what] of patches) {
        for (const headers of [MERGE_PATCH, {}]) {
          const res = await t.alpha.patch(orderPath(created.id), patch, { headers, skipSchema: true });
          expectRefused(t, res, [400], `a patch (${headers === MERGE_PATCH ? 'merge-patch' : 'json'}) with ${what}`);
          await expectUnchanged(t, created.id, before, `a patch with ${what}`);
        }
      }
      t.expectStatus(await t.alpha.get(orderPath(`${created.id}x`)), 404, 'GET of the id a refused patch asked for');
    },
  },
  {
    id: 'patch-keeps-the-purchase-order-number',
    rule: 'ETH-PUT-SAME-PON',
    title: 'a patch changing buyerPurchaseOrderNumber answers 400 (or 409) and changes nothing',
    async run(t: CheckContext) {
      const created = await createOrder(t, orderBody(t));
      const before = (await readOrder(t, created.id)).body;
      const pon = newPon(t);
      const res = await t.alpha.patch(orderPath(created.id), { buyerPurchaseOrderNumber: pon, buyerOrderVersion: '2' }, { headers: MERGE_PATCH, skipSchema: true });
      expectRefused(t, res, [400, 409], 'a patch with another purchase order number');
      await expectUnchanged(t, created.id, before, 'a patch with another purchase order number');
      t.expectStatus(await t.alpha.get('/orders', { query: { pon } }), 404, 'GET /orders?pon=<the number a refused patch asked for>');
    },
  },
  {
    id: 'put-and-patch-keep-a-held-order-held',
    rule: 'ETH-PUT-REPLACES',
    title: 'a PUT or PATCH of a HELD order, when accepted, leaves it HELD (a change of content is not a release)',
    async run(t: CheckContext) {
      const body = orderBody(t);
      const created = await createOrder(t, body);
      await drive(t, created.id, ['hold']);
      const put = await t.alpha.put(orderPath(created.id), putBody(body));
      if (put.status === 200) {
        t.expectEqual(put.body?.orderStatus, 'HELD', 'the PUT of a HELD order answered another orderStatus', put);
        t.expectEqual((await readOrder(t, created.id)).body.orderStatus, 'HELD', 'after a PUT the HELD order is no longer HELD');
      } else {
        expectRefused(t, put, [409], 'a PUT of a HELD order');
        t.note(`a PUT of a HELD order answered ${put.status}`);
      }
      const patch = await t.alpha.patch(orderPath(created.id), { notes: 'while held' }, { headers: MERGE_PATCH });
      if (patch.status === 200) {
        t.expectEqual(patch.body?.orderStatus, 'HELD', 'the PATCH of a HELD order answered another orderStatus', patch);
        t.expectEqual((await readOrder(t, created.id)).body.orderStatus, 'HELD', 'after a PATCH the HELD order is no longer HELD');
      } else {
        expectRefused(t, patch, [409], 'a PATCH of a HELD order');
      }
    },
  },
  {
    id: 'cancelled-after-hold-refuses-put-and-patch',
    rule: 'ETH-FINAL-STATES',
    title: 'an order cancelled while HELD refuses PUT and PATCH with 409, reads CANCELLED after the clock moves, and is unchanged',
    async run(t: CheckContext) {
      const body = orderBody(t);
      const created = await createOrder(t, body);
      await drive(t, created.id, ['hold', 'cancel']);
      const before = (await readOrder(t, created.id)).body;
      expectRefused(t, await t.alpha.put(orderPath(created.id), putBody(body)), [409], 'a PUT of an order cancelled while HELD');
      expectRefused(t, await t.alpha.patch(orderPath(created.id), { notes: 'too late' }, { headers: MERGE_PATCH }), [409], 'a PATCH of an order cancelled while HELD');
      await t.clock.advance(2);
      await expectUnchanged(t, created.id, before, 'a PUT and a PATCH of an order cancelled while HELD, and time passing');
    },
  },
];
