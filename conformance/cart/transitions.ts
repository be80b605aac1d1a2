/** Cart transitions: what an order accepts in each status (join, extend, confirm, cancel). */
import { excerpt } from '../framework/excerpt.js';
import type { Check, CheckContext } from '../framework/check.js';
import { NotRun } from '../framework/violation.js';
import {
  bookingPath,
  buildOrder,
  CANCEL,
  clientError,
  CONFIRM,
  createBooking,
  expectError,
  expectRefusedUnchanged,
  expectUnchanged,
  extendBody,
  isErrorArray,
  must,
  ok,
  orderOp,
  orderPath,
  readBooking,
  readOrder,
  snapshot,
  statusesAll,
} from './helpers.js';

export const transitionChecks: Check[] = [
  ...(['confirm', 'cancel'] as const).map(
    (op): Check => ({
      id: `no-join-after-${op}`,
      rule: 'CART-ORDER-JOIN-ONLY-ON-HOLD',
      title: `no booking can join an order after order ${op}`,
      run: async (t: CheckContext) => {
        const { orderId } = await buildOrder(t, [30]);
        await must(t, `order ${op}`, () => orderOp(t, op, orderId, t.alpha, {}));
        const before = snapshot(await readOrder(t, orderId));
        const uuid = t.uuid();
        const ex = await createBooking(t, { uuid, orderId }, t.alpha, { skipSchema: true });
        expectError(t, ex, `adding a booking to a ${before.status} order`);
        await expectUnchanged(t, orderId, before, `adding a booking to a ${before.status} order`, ex);
      },
    }),
  ),
  {
    id: 'extend-never-earlier',
    rule: 'CART-ORDER-EXTEND-NOT-EARLIER',
    title: 'an accepted extension moves no expiry earlier',
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [10, 10]);
      const before = await readOrder(t, orderId);
      const ex = await t.alpha.post(orderPath(t, orderId, 'extend'), extendBody(15));
      if (!ok(ex)) {
        t.expect(clientError(ex) && isErrorArray(ex.body), 'a refused extension did not answer 4xx with the error array', { exchange: ex });
        await expectUnchanged(t, orderId, snapshot(before), 'a refused extension', ex);
        t.note('the extension was refused');
        return;
      }
      const after = await readOrder(t, orderId);
      t.expect(Date.parse(after.utcExpiresAt) >= Date.parse(before.utcExpiresAt), 'the extension moved utcExpiresAt earlier', {
        expected: `not earlier than ${before.utcExpiresAt}`,
        actual: after.utcExpiresAt,
        exchange: ex,
      });
      for (const b of before.bookings) {
        const now = after.bookings.find((x: any) => x.uuid === b.uuid);
        t.expect(now && Date.parse(now.utcHoldExpiration) >= Date.parse(b.utcHoldExpiration), `the extension moved booking ${b.uuid}'s hold earlier`, {
          expected: `not earlier than ${b.utcHoldExpiration}`,
          actual: now?.utcHoldExpiration,
        });
      }
    },
  },
  ...(['confirm', 'cancel'] as const).map(
    (op): Check => ({
      id: `no-extend-after-${op}`,
      rule: 'CART-ORDER-EXTEND-ONLY-ON-HOLD',
      title: `an order cannot be extended after order ${op}`,
      run: async (t: CheckContext) => {
        const { orderId } = await buildOrder(t, [30, 30]);
        await must(t, `order ${op}`, () => orderOp(t, op, orderId, t.alpha, {}));
        const before = snapshot(await readOrder(t, orderId));
        const ex = await orderOp(t, 'extend', orderId);
        expectError(t, ex, `extending a ${before.status} order`);
        await expectUnchanged(t, orderId, before, `extending a ${before.status} order`, ex);
      },
    }),
  ),
  {
    id: 'confirm-all-or-refuse',
    rule: 'CART-ORDER-CONFIRM-ALL',
    title: 'confirming an ON_HOLD order confirms everything, or refuses and changes nothing',
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [30, 30]);
      const before = snapshot(await readOrder(t, orderId));
      const ex = await orderOp(t, 'confirm', orderId, t.alpha, {});
      if (ok(ex)) {
        const order = await readOrder(t, orderId);
        t.expectEqual(order.status, 'CONFIRMED', 'an accepted confirm did not confirm the order', ex);
        statusesAll(t, order, ['CONFIRMED'], 'an accepted confirm left a booking unconfirmed');
        t.expect(order.bookings.every((b: any) => b.contact?.emailAddress === CONFIRM.contact.emailAddress), 'a confirmed booking does not carry the contact', {
          expected: CONFIRM.contact.emailAddress,
          actual: order.bookings.map((b: any) => b.contact),
        });
      } else {
        expectError(t, ex, 'a refused confirm');
        await expectUnchanged(t, orderId, before, 'a refused confirm', ex);
      }
    },
  },
  {
    id: 'confirm-cancelled-order-refused',
    rule: 'CART-ORDER-CONFIRM-NOT-ON-HOLD',
    title: 'confirming a CANCELLED order is refused and changes nothing',
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [30, 30]);
      await must(t, 'cancelling the order', () => orderOp(t, 'cancel', orderId, t.alpha, {}));
      await expectRefusedUnchanged(t, orderId, 'confirming a cancelled order', () => orderOp(t, 'confirm', orderId));
    },
  },
  {
    id: 'cancel-gives-capacity-back',
    rule: 'CART-ORDER-CANCEL-ENDS-HOLD',
    title: 'cancelling an ON_HOLD order gives its held places back',
    // Fills the profile's small availability: another check holding a place there at the same time would blur it.
    uses: 'smallAvailabilityId',
    run: async (t: CheckContext) => {
      if (!t.profile.smallAvailabilityId) {
        throw new NotRun('the profile has no cart.smallAvailabilityId', 'give cart.smallAvailabilityId: an availability of the same option with at most 10 places');
      }
      const small = String(t.profile.smallAvailabilityId);
      const orderId = t.uid('ord-');
      const fillers: string[] = [];
      try {
        await must(t, 'holding one place of the small availability in an order', () => createBooking(t, { orderId, availabilityId: small }));
        let full = false;
        for (let i = 0; i < 12 && !full; i++) {
          const uuid = t.uuid();
          const ex = await createBooking(t, { uuid, availabilityId: small }, t.alpha, { skipSchema: true });
          if (ok(ex)) fillers.push(uuid);
          else full = true;
        }
        await t.prerequisite('filling the small availability', async () => {
          if (!full) throw new Error('12 more holds were all accepted');
        });
        const cancel = await t.alpha.delete(orderPath(t, orderId), CANCEL);
        t.expectStatus(cancel, [200, 202, 204], 'cancelling the ON_HOLD order');
        const uuid = t.uuid();
        const again = await createBooking(t, { uuid, availabilityId: small });
        t.expect(ok(again), 'the place held by the cancelled order did not come back', {
          expected: 'a new hold on the freed place succeeds',
          actual: `${again.status}: ${excerpt(again.text, 200)}`,
          exchange: again,
        });
        fillers.push(uuid);
      } finally {
        for (const uuid of fillers) await t.alpha.post(bookingPath(t, uuid, 'cancel'), CANCEL, { skipSchema: true }).catch(() => undefined);
      }
    },
  },
  {
    id: 'cancel-confirmed-order-all-or-nothing',
    rule: 'CART-ORDER-CANCEL-CONFIRMED',
    title: 'cancelling a confirmed order cancels everything or refuses and changes nothing',
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [30, 30, 30]);
      await must(t, 'confirming the order', () => orderOp(t, 'confirm', orderId, t.alpha, {}));
      const before = snapshot(await readOrder(t, orderId));
      const ex = await t.alpha.delete(orderPath(t, orderId), CANCEL);
      if (ok(ex)) {
        const order = await readOrder(t, orderId);
        t.expectEqual(order.status, 'CANCELLED', 'an accepted cancellation did not cancel the order', ex);
        statusesAll(t, order, ['CANCELLED'], 'an accepted cancellation left a booking not CANCELLED');
      } else {
        expectError(t, ex, 'a refused cancellation of a confirmed order');
        await expectUnchanged(t, orderId, before, 'a refused cancellation', ex);
      }
    },
  },
  {
    id: 'booking-cancel-supported',
    rule: 'CART-CANCEL-RECOMMENDED',
    title: 'an ON_HOLD booking can be cancelled through the booking cancel endpoint',
    run: async (t: CheckContext) => {
      const uuid = t.uuid();
      await must(t, 'creating a booking', () => createBooking(t, { uuid }));
      const ex = await t.alpha.post(bookingPath(t, uuid, 'cancel'), CANCEL);
      t.expectStatus(ex, [200, 202], 'booking cancel');
      const booking = await readBooking(t, uuid);
      t.expectEqual(booking.status, 'CANCELLED', 'the cancelled booking is not CANCELLED');
    },
  },
];
