/** Cart all-or-nothing: an order operation blocked by one booking changes nothing, and says so. */
import { diff } from '../framework/diff.js';
import { excerpt } from '../framework/excerpt.js';
import type { Check, CheckContext } from '../framework/check.js';
import {
  advancePast,
  blockedOrder,
  bookingStatuses,
  buildOrder,
  expectError,
  expectRefusedUnchanged,
  expectOrderAll,
  expectUnchanged,
  ok,
  orderOp,
  readOrder,
  snapshot,
  type Block,
  type OrderOp,
} from './helpers.js';

/** All-or-nothing: one blocked booking, the order operation, then the order must read as before. */
const allOrNothing = (op: OrderOp, block: Block): Check => ({
  id: `all-or-nothing-${op}-with-${block}-booking`,
  rule: 'CART-ORDER-ALL-OR-NOTHING',
  title: `order ${op} with one booking ${block} on its own changes nothing`,
  slow: block === 'expired',
  // A booking that expires alone needs a hold per booking.
  ...(block === 'expired' ? { needs: 'perBookingHolds' as const } : {}),
  run: async (t: CheckContext) => {
    const { orderId, before } = await blockedOrder(t, block);
    const ex = await orderOp(t, op, orderId);
    if (ok(ex)) {
      // Show what the operation changed, member by member, when it changed anything.
      // A read that fails does not hide the failure itself.
      const after = await readOrder(t, orderId).catch(() => undefined);
      const differences = after === undefined ? [] : diff(before, snapshot(after));
      t.fail(`order ${op} succeeded although booking 2 was ${block}`, { expected: 'the operation fails', actual: `${ex.status}: ${excerpt(ex.text, 300)}`, exchange: ex, differences });
    }
    await expectUnchanged(t, orderId, before, `a failed order ${op}`, ex);
  },
});

const blockedError = (op: OrderOp, block: Block): Check => ({
  id: `blocked-${op}-answers-error-${block}`,
  rule: 'CART-ORDER-BLOCKED-OP-ERROR',
  title: `order ${op} blocked by a booking ${block} on its own answers 4xx with the error array`,
  run: async (t: CheckContext) => {
    const { orderId } = await blockedOrder(t, block);
    const ex = await orderOp(t, op, orderId);
    expectError(t, ex, `order ${op} blocked by a ${block} booking`);
  },
});

export const allOrNothingChecks: Check[] = [
  allOrNothing('confirm', 'confirmed'),
  allOrNothing('confirm', 'cancelled'),
  allOrNothing('extend', 'confirmed'),
  allOrNothing('extend', 'cancelled'),
  allOrNothing('cancel', 'confirmed'),
  allOrNothing('cancel', 'cancelled'),
  allOrNothing('extend', 'expired'),
  {
    id: 'race-confirm-and-cancel',
    rule: 'CART-ORDER-ALL-OR-NOTHING',
    title: 'concurrent confirm and cancel of one order leave every booking in the order status',
    run: async (t: CheckContext) => {
      for (let round = 0; round < 4; round++) {
        const { orderId } = await buildOrder(t, [30, 30, 30]);
        const [confirm, cancel] = await t.quietly(() => t.together([orderOp(t, 'confirm', orderId), orderOp(t, 'cancel', orderId)] as const));
        const order = await readOrder(t, orderId);
        expectOrderAll(t, order, [order.status], `round ${round + 1}: bookings do not share the order's status (confirm answered ${confirm.status}, cancel ${cancel.status})`);
        if (ok(confirm) && !ok(cancel)) t.expectEqual(order.status, 'CONFIRMED', `round ${round + 1}: confirm won but the order is not CONFIRMED`);
        // A cancelled hold may read EXPIRED ("should expire the hold", CART-ORDER-CANCEL-DELETE).
        if (ok(cancel) && !ok(confirm)) {
          t.expect(['CANCELLED', 'EXPIRED'].includes(order.status), `round ${round + 1}: cancel won but the order is not CANCELLED (or EXPIRED)`, { expected: 'CANCELLED or EXPIRED', actual: order.status });
        }
      }
    },
  },
  {
    id: 'race-confirm-and-expiry',
    rule: 'CART-ORDER-ALL-OR-NOTHING',
    title: 'a confirm racing the order expiry ends all CONFIRMED or all EXPIRED',
    slow: true,
    // The move races the check's own confirm: it must be made at once.
    time: 'alone',
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [1, 1, 1]);
      const order0 = await readOrder(t, orderId);
      const now = await t.clock.now();
      const seconds = Math.max(0, Math.round((Date.parse(order0.utcExpiresAt) - now.getTime()) / 1000));
      const [confirm] = await t.together([orderOp(t, 'confirm', orderId), t.clock.advance(seconds)] as const);
      const order = await readOrder(t, orderId);
      const statuses = bookingStatuses(order);
      const wanted = ok(confirm) ? 'CONFIRMED' : 'EXPIRED';
      if (!ok(confirm) && statuses.every((s) => s === 'ON_HOLD') && order.status === 'ON_HOLD') return; // refused before expiry, nothing changed
      expectOrderAll(t, order, [wanted], `after confirm answered ${confirm.status} the order is not all ${wanted}`, confirm);
    },
  },
  {
    // Judged whatever the server's holds: once every booking's hold (one shared hold, or one each) has passed.
    id: 'confirm-fails-when-the-holds-have-passed',
    rule: 'CART-ORDER-CONFIRM-EXPIRED-BOOKING',
    title: "order confirm fails once the bookings' holds have passed, and changes nothing",
    slow: true,
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [1, 1]);
      const order = await readOrder(t, orderId);
      const ends = [order.utcExpiresAt, ...order.bookings.map((b: any) => b.utcHoldExpiration)].filter((x) => typeof x === 'string' && !Number.isNaN(Date.parse(x)));
      await t.prerequisite('knowing when the holds end', async () => {
        if (!ends.length) throw new Error('the order and its bookings name no hold expiry');
      });
      await advancePast(t, ends.reduce((a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b)));
      await expectRefusedUnchanged(t, orderId, "confirming an order whose bookings' holds have passed", () => orderOp(t, 'confirm', orderId));
    },
  },
  blockedError('confirm', 'cancelled'),
  blockedError('extend', 'confirmed'),
  blockedError('cancel', 'confirmed'),
  {
    id: 'confirm-fails-with-expired-booking',
    rule: 'CART-ORDER-CONFIRM-EXPIRED-BOOKING',
    title: 'order confirm fails when one booking hold has passed, and changes nothing',
    slow: true,
    needs: 'perBookingHolds',
    run: async (t: CheckContext) => {
      const { orderId, before } = await blockedOrder(t, 'expired');
      const ex = await orderOp(t, 'confirm', orderId);
      expectError(t, ex, 'confirming an order with an expired booking');
      await expectUnchanged(t, orderId, before, 'confirming an order with an expired booking', ex);
    },
  },
];
