/**
 * Joining bookings that ask for a longer hold than their order has left: the order's expiry is the original
 * booking's (CART-ORDER-EXPIRY-TIME), and once the order has expired, none of its held bookings is still on hold
 * (CART-ORDER-EXPIRES), however long a joining booking asked to be held.
 */
import type { Check, CheckContext } from '../framework/check.js';
import { advancePast, buildOrder, createBooking, must, readOrder, statusesAll } from './helpers.js';

export const joiningHoldChecks: Check[] = [
  {
    id: 'longer-joining-hold-keeps-the-order-expiry',
    rule: 'CART-ORDER-EXPIRY-TIME',
    title: "a booking joining with a longer hold than the order's leaves the order's utcExpiresAt where the original booking set it",
    async run(t: CheckContext) {
      const { orderId } = await buildOrder(t, [5]);
      const before = await readOrder(t, orderId);
      const join = await must(t, 'a booking joining with a 60-minute hold', () => createBooking(t, { orderId, minutes: 60 }));
      const after = await readOrder(t, orderId);
      t.expectEqual(after.utcExpiresAt, before.utcExpiresAt, "a joining booking's longer hold moved the order's utcExpiresAt (the original booking's request sets it)", join);
    },
  },
  {
    id: 'longer-joining-hold-expires-with-the-order',
    rule: 'CART-ORDER-EXPIRES',
    title: "past the order's utcExpiresAt, a booking that joined asking for a longer hold reads EXPIRED with the others",
    slow: true,
    async run(t: CheckContext) {
      const { orderId } = await buildOrder(t, [1]);
      await must(t, 'a booking joining with a 60-minute hold', () => createBooking(t, { orderId, minutes: 60 }));
      const order = await readOrder(t, orderId);
      await advancePast(t, order.utcExpiresAt);
      const expired = await readOrder(t, orderId);
      t.expectEqual(expired.status, 'EXPIRED', 'the order past its utcExpiresAt is not EXPIRED');
      statusesAll(t, expired, ['EXPIRED'], 'a booking that joined with a longer hold is still held after its order expired');
    },
  },
];
