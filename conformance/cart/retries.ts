/** Cart retries: repeated creates, confirms and cancels. */
import type { Check, CheckContext } from '../framework/check.js';
import {
  bookingBody,
  bookingPath,
  bookingSnapshot,
  bookingsPath,
  buildOrder,
  CANCEL,
  CART,
  CONFIRM,
  createBooking,
  expectError,
  expectUnchanged,
  must,
  ok,
  orderOp,
  readBooking,
  readOrder,
  settledBooking,
  snapshot,
} from './helpers.js';

export const retryChecks: Check[] = [
  {
    id: 'retried-create-returns-original',
    rule: 'CART-CREATE-RETRY',
    title: 'a create repeated with the same uuid and body returns the original booking',
    run: async (t: CheckContext) => {
      const orderId = t.uid('ord-');
      const body = bookingBody(t, { orderId });
      const first = await must(t, 'the first create', () => t.alpha.post(bookingsPath(t), body, { headers: CART }));
      const second = await t.alpha.post(bookingsPath(t), body, { headers: CART });
      t.expectStatus(second, [200, 201], 'the repeated create');
      t.expectEqual(second.body?.supplierReference, first.body?.supplierReference, 'the repeated create returned another booking', second);
      const order = await readOrder(t, orderId);
      t.expectEqual(order.bookings.length, 1, 'the repeated create added a second booking to the order');
    },
  },
  {
    id: 'reused-uuid-with-other-body-refused',
    rule: 'CART-CREATE-RETRY',
    title: 'a create reusing a uuid with a different body is refused and the original is unchanged',
    run: async (t: CheckContext) => {
      const uuid = t.uuid();
      await must(t, 'the first create', () => createBooking(t, { uuid, units: 1 }));
      const original = bookingSnapshot(await readBooking(t, uuid));
      const ex = await createBooking(t, { uuid, units: 2 }, t.alpha, { skipSchema: true });
      expectError(t, ex, 'a create reusing a uuid with another body');
      const after = bookingSnapshot(await readBooking(t, uuid));
      t.expectEqual(after, original, 'the original booking changed', ex);
    },
  },
  {
    id: 'repeated-order-confirm-and-cancel',
    rule: 'CART-CONFIRM-CANCEL-IDEMPOTENT',
    title: 'repeating a successful order confirm, then cancel, answers success and keeps the state',
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [30, 30]);
      await must(t, 'confirming the order', () => orderOp(t, 'confirm', orderId, t.alpha, {}));
      const first = await readOrder(t, orderId);
      const confirmed = snapshot(first);
      // A minute later (with a test clock), so that a repeat which writes the confirmation again shows in its time.
      if (t.clock.controllable) await t.clock.advance(60);
      const again = await orderOp(t, 'confirm', orderId, t.alpha, {});
      t.expectStatus(again, [200, 202], 'the repeated order confirm');
      await expectUnchanged(t, orderId, confirmed, 'the repeated order confirm', again);
      const confirmedAt = (order: any) => Object.fromEntries((order?.bookings ?? []).map((b: any) => [b?.uuid, b?.utcConfirmedAt ?? null]));
      const later = await readOrder(t, orderId);
      t.expectEqual(confirmedAt(later), confirmedAt(first), "the repeated confirm moved the bookings' utcConfirmedAt: the confirmation was written again", again);
      const cancel = await orderOp(t, 'cancel', orderId, t.alpha, {});
      if (!ok(cancel)) {
        t.note('cancelling a confirmed order is refused by this server; repeated cancel checked on bookings only');
        return;
      }
      const cancelled = snapshot(await readOrder(t, orderId));
      const again2 = await orderOp(t, 'cancel', orderId, t.alpha, {});
      t.expectStatus(again2, [200, 202, 204], 'the repeated order cancel');
      await expectUnchanged(t, orderId, cancelled, 'the repeated order cancel', again2);
    },
  },
  {
    id: 'repeated-booking-confirm-and-cancel',
    rule: 'CART-CONFIRM-CANCEL-IDEMPOTENT',
    title: 'repeating a booking confirm, then a booking cancel, answers success and keeps the state',
    run: async (t: CheckContext) => {
      const uuid = t.uuid();
      await must(t, 'creating a booking', () => createBooking(t, { uuid }));
      await must(t, 'confirming the booking', () => t.alpha.post(bookingPath(t, uuid, 'confirm'), CONFIRM));
      await settledBooking(t, uuid); // a supplier whose confirmations are not instant answers PENDING first
      const again = await t.alpha.post(bookingPath(t, uuid, 'confirm'), CONFIRM);
      t.expectStatus(again, [200, 202], 'the repeated booking confirm');
      t.expectEqual((await readBooking(t, uuid)).status, 'CONFIRMED', 'the booking is not CONFIRMED after a repeated confirm');
      await must(t, 'cancelling the booking', () => t.alpha.post(bookingPath(t, uuid, 'cancel'), CANCEL));
      const again2 = await t.alpha.post(bookingPath(t, uuid, 'cancel'), CANCEL);
      t.expectStatus(again2, [200, 202], 'the repeated booking cancel');
      t.expectEqual((await readBooking(t, uuid)).status, 'CANCELLED', 'the booking is not CANCELLED after a repeated cancel');
    },
  },
];
