/**
 * Merge patches of one order sent at the same moment, each naming a different member: a server that reads the
 * order, merges and writes it back without holding it loses all but the last write while answering 200 to each.
 * A patch may be refused as a conflict (409); every patch answered 200 must be in the order afterwards.
 */
import type { Check, CheckContext } from '../framework/check.js';
import { MERGE_PATCH, createOrder, orderBody, orderPath, readOrder } from './support.js';

export const concurrencyChecks: Check[] = [
  {
    id: 'patches-at-once-each-land',
    rule: 'ETH-PATCH-MERGE',
    title: 'seven merge patches of one order sent at once, each naming another member: every one answered 200 is in the order afterwards',
    async run(t: CheckContext) {
      const created = await createOrder(t, orderBody(t));
      const mark = t.uid('c');
      // Members of the order's own, each within its documented length; the contacts are merged member by member.
      const patches: Array<[string, Record<string, unknown>, (o: any) => unknown, unknown]> = [
        ['notes', { notes: `notes ${mark}` }, (o) => o.notes, `notes ${mark}`],
        ['projectId', { projectId: `P-${mark}` }, (o) => o.projectId, `P-${mark}`],
        ['pricingReference', { pricingReference: `R-${mark}`.slice(0, 25) }, (o) => o.pricingReference, `R-${mark}`.slice(0, 25)],
        ['promotionId', { promotionId: `M-${mark}`.slice(0, 18) }, (o) => o.promotionId, `M-${mark}`.slice(0, 18)],
        ['buyerOrderContact.name', { buyerOrderContact: { name: `Order ${mark}` } }, (o) => o.buyerOrderContact?.name, `Order ${mark}`],
        ['buyerImplementationContact.name', { buyerImplementationContact: { name: `Impl ${mark}` } }, (o) => o.buyerImplementationContact?.name, `Impl ${mark}`],
        ['buyerTechnicalContact.name', { buyerTechnicalContact: { name: `Tech ${mark}` } }, (o) => o.buyerTechnicalContact?.name, `Tech ${mark}`],
      ];
      const answers = await t.quietly(() => t.together(patches.map(([, patch]) => t.alpha.patch(orderPath(created.id), patch, { headers: MERGE_PATCH }))));
      answers.forEach((res, i) => t.expectStatus(res, [200, 409], `the PATCH of ${patches[i][0]}, sent with six others at once`));
      const after = await readOrder(t, created.id);
      const lost = patches.filter(([, , read, value], i) => answers[i].status === 200 && read(after.body) !== value);
      t.expect(lost.length === 0, 'patches answered 200 are missing from the order: a later write of the whole order overwrote them', {
        expected: patches.filter((_, i) => answers[i].status === 200).map(([member, , , value]) => `${member}: ${JSON.stringify(value)}`),
        actual: lost.map(([member, , read]) => `${member}: ${JSON.stringify(read(after.body))}`),
        exchange: after,
      });
    },
  },
];
