/**
 * Cart tenancy for the booking-level writes: another reseller's confirm, cancel and extend of a booking answer
 * 404 like an unknown uuid and change nothing (the order-level writes are in tenancy.ts).
 */
import type { Check, CheckContext } from '../framework/check.js';
import { bookingPath, bookingSnapshot, CANCEL, CONFIRM, createBooking, extendBody, must, readBooking } from './helpers.js';

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
];
