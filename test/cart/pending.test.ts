/**
 * Pending confirmations of the reference cart domain under the test clock, on SQLite and PostgreSQL: the order and
 * every booking wait PENDING, then the supplier's decision takes effect for all of them at once (CONFIRMED, or
 * REJECTED with the places given back); a PENDING order takes no booking, no extension and no cancellation.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { CartDomain, CODES, type BookingRequest, type DomainContext } from '../../src/cart/domain.js';
import { cartMigrations } from '../../src/cart/migrations.js';
import { TestClock } from '../../src/shared/clock.js';
import { migrate, openDb } from '../../src/shared/db.js';
import { bookingRequests, refused } from '../helpers/cart-domain.js';
import { createDatabase } from '../helpers/pg.js';

const SUP = 'demo-supplier';
const CONFIRM = { contact: { fullName: 'Test Person', emailAddress: 't@example.com' } };
const CANCEL = { reason: 'CUSTOMER' };
const DELAY = 7;
const req = bookingRequests('00000000-0000-4000-9000-', { optionId: 'PENDING', availabilityId: 'slot-pending' });

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`cart pending confirmations on ${backend}`, function () {
    this.timeout(60_000);
    let db: Knex;
    let clock: TestClock;
    let ctx: DomainContext;
    const domain = new CartDomain();

    before(async () => {
      const url = backend === 'postgres' ? await createDatabase() : `sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cart-pending-')), 'db.sqlite')}`;
      db = openDb(url);
      await migrate(db, cartMigrations);
      // One clock for the whole database, as on a server: it only moves forward.
      clock = new TestClock();
      ctx = { db, clock, pendingSeconds: DELAY };
    });
    after(async () => {
      await db?.destroy();
    });

    const order = async (orderId: string, bookings: Array<Partial<BookingRequest>>) => {
      const uuids: string[] = [];
      for (const b of bookings) {
        const r = req({ orderId, ...b });
        await domain.createBooking(ctx, 'alpha', SUP, r, true);
        uuids.push(r.uuid);
      }
      return uuids;
    };
    const statuses = async (orderId: string) => {
      const o = await domain.getOrder(ctx, 'alpha', SUP, orderId);
      return { order: o.status, bookings: o.bookings.map((b) => b.status) };
    };

    it('confirms asynchronously: PENDING until the delay has passed, then the order and every booking CONFIRMED', async () => {
      await order('p-ok', [{}, {}, { optionId: 'DEFAULT', availabilityId: 'slot-open' }]);
      const answered = await domain.confirmOrder(ctx, 'alpha', SUP, 'p-ok', CONFIRM);
      assert.deepEqual([answered.status, ...answered.bookings.map((b) => b.status)], ['PENDING', 'PENDING', 'PENDING', 'PENDING']);
      clock.advance(DELAY - 1);
      assert.deepEqual(await statuses('p-ok'), { order: 'PENDING', bookings: ['PENDING', 'PENDING', 'PENDING'] });
      clock.advance(1);
      assert.deepEqual(await statuses('p-ok'), { order: 'CONFIRMED', bookings: ['CONFIRMED', 'CONFIRMED', 'CONFIRMED'] });
      const o = await domain.getOrder(ctx, 'alpha', SUP, 'p-ok');
      assert.ok(o.bookings.every((b) => b.utcConfirmedAt !== null && b.cancellable && b.contact?.emailAddress === 't@example.com'));
    });

    it('rejects the whole order when one booking holds a rejecting availability, and gives the places back', async () => {
      const uuids = await order('p-no', [{}, { availabilityId: 'slot-rejects', unitItems: [{ unitId: 'adult' }, { unitId: 'child' }] }]);
      // The rejecting availability has two places: both are held, then kept while pending.
      await refused(domain.createBooking(ctx, 'alpha', SUP, req({ availabilityId: 'slot-rejects' }), false), 409, CODES.noCapacity);
      await domain.confirmOrder(ctx, 'alpha', SUP, 'p-no', CONFIRM);
      await refused(domain.createBooking(ctx, 'alpha', SUP, req({ availabilityId: 'slot-rejects' }), false), 409, CODES.noCapacity);
      clock.advance(DELAY);
      assert.deepEqual(await statuses('p-no'), { order: 'REJECTED', bookings: ['REJECTED', 'REJECTED'] });
      const b = await domain.getBooking(ctx, 'alpha', SUP, uuids[1]);
      assert.equal(b.cancellable, false);
      assert.equal(b.utcConfirmedAt, null);
      const again = req({ availabilityId: 'slot-rejects', unitItems: [{ unitId: 'adult' }, { unitId: 'child' }] });
      const { created } = await domain.createBooking(ctx, 'alpha', SUP, again, false);
      assert.ok(created, 'the rejected places did not come back');
      await domain.cancelBooking(ctx, 'alpha', SUP, again.uuid, CANCEL);
    });

    it('a PENDING order takes no booking, no extension and no cancellation, and a repeated confirm answers it unchanged', async () => {
      await order('p-closed', [{}, {}]);
      await domain.confirmOrder(ctx, 'alpha', SUP, 'p-closed', CONFIRM);
      await refused(domain.createBooking(ctx, 'alpha', SUP, req({ orderId: 'p-closed' }), true), 409, CODES.orderNotOnHold);
      await refused(domain.extendOrder(ctx, 'alpha', SUP, 'p-closed', { reason: 'OTHER', holdExpirationMinutes: 10 }), 409, CODES.cannotExtend);
      await refused(domain.cancelOrder(ctx, 'alpha', SUP, 'p-closed', CANCEL), 409, CODES.orderNotOnHold);
      const o = await domain.getOrder(ctx, 'alpha', SUP, 'p-closed');
      await refused(domain.cancelBooking(ctx, 'alpha', SUP, o.bookings[0].uuid, CANCEL), 409);
      await refused(domain.extendBooking(ctx, 'alpha', SUP, o.bookings[0].uuid, { reason: 'OTHER', holdExpirationMinutes: 10 }), 409);
      const repeat = await domain.confirmOrder(ctx, 'alpha', SUP, 'p-closed', CONFIRM);
      assert.equal(repeat.status, 'PENDING');
      assert.deepEqual(await statuses('p-closed'), { order: 'PENDING', bookings: ['PENDING', 'PENDING'] });
      clock.advance(DELAY);
      assert.deepEqual(await statuses('p-closed'), { order: 'CONFIRMED', bookings: ['CONFIRMED', 'CONFIRMED'] });
    });

    it('after the decision: a CONFIRMED order can be cancelled, a REJECTED one cannot be confirmed or cancelled', async () => {
      await order('p-after-ok', [{}, {}]);
      await order('p-after-no', [{}, { availabilityId: 'slot-rejects' }]);
      await domain.confirmOrder(ctx, 'alpha', SUP, 'p-after-ok', CONFIRM);
      await domain.confirmOrder(ctx, 'alpha', SUP, 'p-after-no', CONFIRM);
      clock.advance(DELAY);
      const cancelled = await domain.cancelOrder(ctx, 'alpha', SUP, 'p-after-ok', CANCEL);
      assert.deepEqual([cancelled.status, ...cancelled.bookings.map((b) => b.status)], ['CANCELLED', 'CANCELLED', 'CANCELLED']);
      await refused(domain.confirmOrder(ctx, 'alpha', SUP, 'p-after-no', CONFIRM), 409);
      await refused(domain.cancelOrder(ctx, 'alpha', SUP, 'p-after-no', CANCEL), 409);
      assert.deepEqual(await statuses('p-after-no'), { order: 'REJECTED', bookings: ['REJECTED', 'REJECTED'] });
    });

    it('a repeated confirm fails once a confirmed booking was cancelled on its own, and changes nothing', async () => {
      const uuids = await order('p-repeat', [{ optionId: 'DEFAULT', availabilityId: 'slot-open' }, { optionId: 'DEFAULT', availabilityId: 'slot-open' }]);
      await domain.confirmOrder(ctx, 'alpha', SUP, 'p-repeat', CONFIRM);
      await domain.cancelBooking(ctx, 'alpha', SUP, uuids[1], CANCEL);
      await refused(domain.confirmOrder(ctx, 'alpha', SUP, 'p-repeat', CONFIRM), 409, CODES.bookingBlocks);
      assert.deepEqual(await statuses('p-repeat'), { order: 'CONFIRMED', bookings: ['CONFIRMED', 'CANCELLED'] });
    });
  });
}
