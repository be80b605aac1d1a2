/**
 * Cart tenancy for the booking-level writes: another reseller's confirm, cancel and extend of a booking answer
 * 404 like an unknown uuid and change nothing (the order-level writes are in tenancy.ts).
 */
import type { Check, CheckContext } from '../framework/check.js';
import { bookingPath, bookingSnapshot, buildOrder, CANCEL, CONFIRM, createBooking, extendBody, must, ok, orderOp, readBooking, readOrder, snapshot, type OrderOp } from './helpers.js';

/** Extends, confirms and cancels one order of tenant A, then requires `other` (an order of A's or of B's) unchanged. */
async function operateBeside(t: CheckContext, owner: 'alpha' | 'beta', what: string) {
  const other = await buildOrder(t, [30, 30], t[owner]);
  const before = snapshot(await readOrder(t, other.orderId, t[owner]));
  for (const op of ['extend', 'confirm', 'cancel'] as OrderOp[]) {
    const { orderId } = await buildOrder(t, [30]);
    const ex = await orderOp(t, op, orderId, t.alpha, {});
    if (!ok(ex)) {
      t.note(`the order ${op} was refused (${ex.status}): nothing to compare for it`);
      continue;
    }
    const after = snapshot(await readOrder(t, other.orderId, t[owner]));
    t.expectEqual(after, before, `an order ${op} of tenant A changed ${what}`, ex);
  }
}

export const tenancyWriteChecks: Check[] = [
  {
    id: 'other-reseller-cannot-write-a-booking',
    rule: 'CART-TENANCY',
    title: "another reseller's confirm, extend and cancel of a booking answer 404 and change nothing",
    async run(t: CheckContext) {
      const uuid = t.uuid();
      await must(t, 'creating a booking', () => createBooking(t, { uuid }));
      const before = bookingSnapshot(await readBooking(t, uuid));
      const writes = [
        () => t.beta.post(bookingPath(t, uuid, 'confirm'), CONFIRM, { skipSchema: true }),
        () => t.beta.post(bookingPath(t, uuid, 'extend'), extendBody(10), { skipSchema: true }),
        () => t.beta.post(bookingPath(t, uuid, 'cancel'), CANCEL, { skipSchema: true }),
      ];
      for (const write of writes) {
        const ex = await write();
        t.expectStatus(ex, 404, `beta's ${new URL(ex.url).pathname.split('/').pop()} of alpha's booking`);
        t.expectEqual(bookingSnapshot(await readBooking(t, uuid)), before, `beta's ${new URL(ex.url).pathname.split('/').pop()} changed alpha's booking`, ex);
      }
    },
  },
  {
    id: 'order-operations-leave-other-resellers-orders',
    rule: 'CART-TENANCY',
    title: "tenant A's extend, confirm and cancel of its own order change no order of tenant B",
    async run(t: CheckContext) {
      await operateBeside(t, 'beta', "an order of tenant B");
    },
  },
  {
    id: 'order-operations-leave-other-orders',
    rule: 'CART-ORDER-OPS-COLLECTIVE',
    title: 'extend, confirm and cancel act on the bookings within the order only: another order of the same reseller is unchanged',
    async run(t: CheckContext) {
      await operateBeside(t, 'alpha', 'another order of the same reseller');
    },
  },
];
