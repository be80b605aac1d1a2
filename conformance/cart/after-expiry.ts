/**
 * Cart states revisited: booking-level operations on the bookings of an expired order, and final states read
 * again after the clock has moved on (an EXPIRED order stays EXPIRED, a CANCELLED or CONFIRMED one keeps its state).
 */
import type { Check, CheckContext } from '../framework/check.js';
import { advancePast, bookingPath, buildOrder, CONFIRM, expectRefusedUnchanged, must, orderOp, readOrder, snapshot, statusesAll } from './helpers.js';

export const afterExpiryChecks: Check[] = [
  {
    id: 'expired-bookings-take-no-booking-operation',
    rule: 'CART-ORDER-EXPIRES',
    title: 'the bookings of an expired order refuse a booking confirm, and still read EXPIRED after the clock moves on',
    slow: true,
    async run(t: CheckContext) {
      const { orderId, uuids } = await buildOrder(t, [1, 1]);
      await advancePast(t, (await readOrder(t, orderId)).utcExpiresAt);
      await expectRefusedUnchanged(t, orderId, 'confirming a booking of an expired order', () => t.alpha.post(bookingPath(t, uuids[0], 'confirm'), CONFIRM, { skipSchema: true }));
      await t.clock.advance(120);
      const later = await readOrder(t, orderId);
      t.expectEqual(later.status, 'EXPIRED', 'an expired order no longer reads EXPIRED two minutes later');
      statusesAll(t, later, ['EXPIRED'], 'a booking of an expired order no longer reads EXPIRED two minutes later');
    },
  },
  {
    id: 'final-states-kept-after-the-old-expiry',
    rule: 'CART-ORDER-READ',
    title: 'a cancelled and a confirmed order read the same once their old expiry has passed',
    slow: true,
    async run(t: CheckContext) {
      const cancelled = await buildOrder(t, [1]);
      await must(t, 'cancelling the order', () => orderOp(t, 'cancel', cancelled.orderId, t.alpha, {}));
      const confirmed = await buildOrder(t, [1]);
      await must(t, 'confirming the order', () => orderOp(t, 'confirm', confirmed.orderId, t.alpha, {}));
      const wasCancelled = snapshot(await readOrder(t, cancelled.orderId));
      const wasConfirmed = snapshot(await readOrder(t, confirmed.orderId));
      await t.prerequisite('orders that settle at once', async () => {
        if (wasConfirmed.status !== 'CONFIRMED') throw new Error(`the confirmed order reads ${wasConfirmed.status}`);
      });
      await advancePast(t, (await readOrder(t, confirmed.orderId)).utcExpiresAt);
      // The order's status is what is final; a cancelled booking may read CANCELLED or EXPIRED (CART-ORDER-CANCEL-DELETE).
      const nowCancelled = await readOrder(t, cancelled.orderId);
      t.expectEqual(nowCancelled.status, wasCancelled.status, `a ${wasCancelled.status} order reads ${nowCancelled.status} once its old expiry has passed`);
      const nowConfirmed = await readOrder(t, confirmed.orderId);
      t.expectEqual(nowConfirmed.status, 'CONFIRMED', `a confirmed order reads ${nowConfirmed.status} once its old expiry has passed`);
      statusesAll(t, nowConfirmed, ['CONFIRMED'], 'a booking of a confirmed order is no longer CONFIRMED once the old expiry has passed');
    },
  },
];
