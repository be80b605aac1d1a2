/**
 * Cart set-ups in which the right and a plausible wrong behaviour answer differently: an extension shorter than
 * the time left (old expiry + minutes, never now + minutes), and a retry that reuses a uuid with one non-key
 * member changed (a server must compare the whole intent, not a few members).
 */
import type { Check, CheckContext } from '../framework/check.js';
import { bookingBody, bookingSnapshot, bookingsPath, buildOrder, createBooking, expectError, extendBody, ok, orderPath, readBooking, readOrder } from './helpers.js';

export const adversarialChecks: Check[] = [
  {
    id: 'short-extension-never-shortens',
    rule: 'CART-ORDER-EXTEND-NOT-EARLIER',
    title: 'extending by 5 minutes an order with 30 left keeps its expiry and every hold at least where they were',
    async run(t: CheckContext) {
      const { orderId } = await buildOrder(t, [30, 30]);
      const before = await readOrder(t, orderId);
      const ex = await t.alpha.post(orderPath(t, orderId, 'extend'), extendBody(5));
      await t.prerequisite('the server accepting a 5-minute extension', async () => {
        if (!ok(ex)) throw new Error(`the extension answered ${ex.status} (a server may refuse it; then nothing here is judged)`);
      });
      const after = await readOrder(t, orderId);
      t.expect(Date.parse(after.utcExpiresAt) >= Date.parse(before.utcExpiresAt), 'a 5-minute extension moved utcExpiresAt earlier (counted from now, not from the old expiry?)', {
        expected: `utcExpiresAt not before ${before.utcExpiresAt}`,
        actual: after.utcExpiresAt,
        exchange: ex,
      });
      for (const b of before.bookings) {
        const now = after.bookings.find((x: any) => x.uuid === b.uuid);
        t.expect(now && Date.parse(now.utcHoldExpiration) >= Date.parse(b.utcHoldExpiration), `a 5-minute extension moved booking ${b.uuid}'s hold earlier`, {
          expected: `utcHoldExpiration not before ${b.utcHoldExpiration}`,
          actual: now?.utcHoldExpiration,
          exchange: ex,
        });
      }
    },
  },
  {
    id: 'reused-uuid-with-one-member-changed-refused',
    rule: 'CART-CREATE-RETRY',
    title: 'a create reusing a uuid with only resellerReference, or only the hold, changed is refused and the original is unchanged',
    async run(t: CheckContext) {
      const uuid = t.uuid();
      await t.prerequisite('the first create', async () => {
        const ex = await createBooking(t, { uuid, minutes: 30 });
        if (!ok(ex)) throw new Error(`answered ${ex.status}`);
      });
      const original = bookingSnapshot(await readBooking(t, uuid));
      // bookingBody draws a new resellerReference each time: the first retry differs in that member only.
      const otherReference = await createBooking(t, { uuid, minutes: 30 }, t.alpha, { skipSchema: true });
      expectError(t, otherReference, 'a create reusing a uuid with another resellerReference');
      t.expectEqual(bookingSnapshot(await readBooking(t, uuid)), original, 'the original booking changed', otherReference);
      const body = await readBooking(t, uuid);
      const otherHold = await t.alpha.post(bookingsPath(t), { ...bookingBody(t, { uuid, minutes: 45 }), resellerReference: body.resellerReference }, { skipSchema: true });
      expectError(t, otherHold, 'a create reusing a uuid with another holdExpirationMinutes');
      t.expectEqual(bookingSnapshot(await readBooking(t, uuid)), original, 'the original booking changed', otherHold);
    },
  },
];
