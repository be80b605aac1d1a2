/**
 * Writes and reads sent at the same moment.
 * - Merge patches of one order, each naming a different member: a server that reads the order, merges and writes it
 *   back without holding it loses all but the last write while answering 200 to each. A patch may be refused as a
 *   conflict (409); every patch answered 200 must be in the order afterwards.
 * - Lists read while the caller's orders are created: a server that counts the orders and reads the page in two
 *   steps that are not one snapshot can list orders its count has not seen. Each list read at the tail of the list
 *   (so that no page size caps it) must count what it returns: offset + returned never above available.
 */
import type { Check, CheckContext } from '../framework/check.js';
import type { Exchange } from '../framework/types.js';
import { MERGE_PATCH, buyerA, createOrder, orderBody, orderPath, readOrder } from './support.js';

/**
 * Creates sent at once in each round, readers listing while they are in flight (each at most `readsEach` times),
 * and the rounds: a count-then-page race needs a commit between two reads of one list.
 */
const LIST_RACE = { creates: 8, readers: 4, readsEach: 40, rounds: 5 };

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
  {
    id: 'lists-count-what-they-return-while-orders-are-created',
    rule: 'ETH-LIST-BY-BUYER',
    title: "lists of the caller's orders read while new orders of its are being created: each counts consistently (offset + returned never above available)",
    async run(t: CheckContext) {
      const listAt = (offset: number) => t.alpha.get('/orders', { query: { buyerId: buyerA(t), offset, limit: 200 } });
      await createOrder(t, orderBody(t));
      await createOrder(t, orderBody(t));
      // Read at the tail only where the server pages by offset as the spec says: the last order alone.
      // No other check's request is on the server meanwhile: the two reads see one list.
      const tailOffset = await t.prerequisite('reading the last page of the list', () => t.quietly(async () => {
        const whole = await listAt(0);
        const available = whole.body?.available;
        if (whole.status !== 200 || !Number.isInteger(available) || available < 2) throw new Error(`GET /orders answered ${whole.status} with available ${available}`);
        const tail = await listAt(available - 1);
        if (tail.status !== 200 || tail.body?.items?.length !== 1) throw new Error(`GET /orders at offset ${available - 1} of ${available} answered ${tail.status} with ${tail.body?.items?.length} items, not the last order alone`);
        return available - 1;
      }));
      let offset = tailOffset;
      for (let round = 0; round < LIST_RACE.rounds; round++) {
        // Readers list over and over while the creates are in flight, so that some commit lands between a count
        // and its page whatever the server's pace.
        const { created, lists } = await t.quietly(async () => {
          let creating = true;
          const creates = t.together(Array.from({ length: LIST_RACE.creates }, () => t.alpha.post('/orders', orderBody(t)))).finally(() => (creating = false));
          const reader = async () => {
            const read: Exchange[] = [];
            while (creating && read.length < LIST_RACE.readsEach) read.push(await listAt(offset));
            return read;
          };
          const [made, ...read] = await t.together([creates, ...Array.from({ length: LIST_RACE.readers }, reader)]);
          return { created: made, lists: read.flat() };
        });
        created.forEach((res) => t.expectStatus(res, 201, 'a create sent while lists were read'));
        for (const res of lists) {
          t.expectStatus(res, 200, `GET /orders at offset ${offset}, read while orders were created`);
          const { available, returned, items } = res.body ?? {};
          t.expect(returned === items?.length, 'returned is not the number of items', { expected: items?.length, actual: returned, exchange: res });
          t.expect(offset + returned <= available, `the list returned more orders past offset ${offset} than it counted: its count and its page are not one state of the orders`, {
            expected: `offset + returned <= available (at most ${available - offset} items)`,
            actual: `available ${available}, returned ${returned}`,
            exchange: res,
          });
        }
        // The next round reads at the tail again: the creates made the list longer.
        offset += LIST_RACE.creates;
      }
    },
  },
];
