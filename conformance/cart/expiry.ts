/** Cart expiry: past utcExpiresAt an order and its held bookings are EXPIRED and take no operation. */
import type { Check, CheckContext } from '../framework/check.js';
import {
  advancePast,
  buildOrder,
  createBooking,
  expectError,
  expectRefusedUnchanged,
  ok,
  orderOp,
  orderPath,
  readOrder,
  statusesAll,
} from './helpers.js';

export const expiryChecks: Check[] = [
  {
    id: 'order-reads-expired-after-expiry',
    rule: 'CART-ORDER-EXPIRES',
    title: 'past utcExpiresAt the order and its held bookings read EXPIRED',
    slow: true,
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [1, 1]);
      const order = await readOrder(t, orderId);
      await advancePast(t, order.utcExpiresAt);
      const ex = await t.alpha.get(orderPath(t, orderId));
      t.expectStatus(ex, 200);
      t.expectEqual(ex.body?.status, 'EXPIRED', 'an order past utcExpiresAt is not EXPIRED', ex);
      statusesAll(t, ex.body, ['EXPIRED'], 'a booking of an expired order still reads as held');
    },
  },
  {
    id: 'expired-order-cannot-be-confirmed',
    rule: 'CART-ORDER-EXPIRES',
    title: 'an expired order cannot be confirmed and stays EXPIRED',
    slow: true,
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [1, 1]);
      await advancePast(t, (await readOrder(t, orderId)).utcExpiresAt);
      await expectRefusedUnchanged(t, orderId, 'confirming an expired order', () => orderOp(t, 'confirm', orderId));
    },
  },
  {
    id: 'expired-order-cannot-take-bookings',
    rule: 'CART-ORDER-EXPIRES',
    title: 'no booking can join an expired order',
    slow: true,
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [1]);
      await advancePast(t, (await readOrder(t, orderId)).utcExpiresAt);
      await expectRefusedUnchanged(t, orderId, 'adding a booking to an expired order', () => createBooking(t, { orderId }, t.alpha, { skipSchema: true }));
    },
  },
  {
    id: 'extend-expired-order-answers-error',
    rule: 'CART-ORDER-EXTEND-REJECT-ERROR',
    title: 'extending an expired order is rejected with an error',
    slow: true,
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [1]);
      await advancePast(t, (await readOrder(t, orderId)).utcExpiresAt);
      const ex = await orderOp(t, 'extend', orderId);
      expectError(t, ex, 'extending an expired order');
    },
  },
  {
    id: 'extend-held-order-done-or-409',
    rule: 'CART-ORDER-EXTEND-REJECT-ERROR',
    title: "extending one's own ON_HOLD order is done (2xx) or refused as a conflict (409), never answered as if the order did not exist",
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [30]);
      const ex = await orderOp(t, 'extend', orderId);
      // A refusal is the OBS's right; a 404 (or 400 for a valid body) would tell the reseller something false.
      if (!ok(ex)) expectError(t, ex, "extending one's own ON_HOLD order", [409]);
    },
  },
];
