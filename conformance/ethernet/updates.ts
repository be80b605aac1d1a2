/** Ethernet updates: supplemental orders (PUT) and merge patches. */
import type { Check, CheckContext } from '../framework/check.js';
import {
  MERGE_PATCH,
  buyerB,
  createOrder,
  eplItem,
  expectCarries,
  expectRefused,
  expectUnchanged,
  newPon,
  orderBody,
  orderPath,
  putBody,
  readOrder,
  type Order,
} from './support.js';

export const updateChecks: Check[] = [
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
        // RFC 7386 puts an object where the patch has one: the result has an object for a string, or for the items.
        [{ notes: { text: 'an object' } }, 'an object for the string notes'],
        [{ orderItems: { objectType: 'orderItem' } }, 'an object for the array orderItems'],
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
];
