import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { CartDomain } from '../../src/cart/domain.js';
import { cartMigrations } from '../../src/cart/migrations.js';
import { TestClock } from '../../src/shared/clock.js';
import { migrate, openDb } from '../../src/shared/db.js';
import { bookingRequests, refused } from '../helpers/cart-domain.js';
import { createDatabase } from '../helpers/pg.js';

const SUP = 'demo-supplier';
const CONTACT = { contact: { fullName: 'Test Person', emailAddress: 't@example.com' } };
const req = bookingRequests('00000000-0000-4000-8000-', { optionId: 'DEFAULT', availabilityId: 'slot-open' });

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`cart domain on ${backend}`, function () {
    this.timeout(60_000);
    let db: Knex;
    let clock: TestClock;
    let ctx: { db: Knex; clock: TestClock };
    const domain = new CartDomain();

    before(async () => {
      const url = backend === 'postgres' ? await createDatabase() : `sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cart-domain-')), 'db.sqlite')}`;
      db = openDb(url);
      await migrate(db, cartMigrations);
    });
    after(async () => {
      await db?.destroy();
    });
    beforeEach(() => {
      clock = new TestClock();
      ctx = { db, clock };
    });

    const order = async (tenant: string, orderId: string, holds: number[]) => {
      const uuids: string[] = [];
      for (const h of holds) {
        const r = req({ orderId, holdExpirationMinutes: h });
        const { created } = await domain.createBooking(ctx, tenant, SUP, r, true);
        assert.ok(created);
        uuids.push(r.uuid);
      }
      return uuids;
    };

    it('creates an order ON_HOLD on the first booking; later bookings join it', async () => {
      const uuids = await order('alpha', 'o-join', [30, 30]);
      const o = await domain.getOrder(ctx, 'alpha', SUP, 'o-join');
      assert.equal(o.status, 'ON_HOLD');
      assert.deepEqual(o.bookings.map((b) => b.uuid), uuids);
      assert.ok(o.bookings.every((b) => b.orderId === 'o-join'));
    });

    it('ignores orderId without the cart capability', async () => {
      const r = req({ orderId: 'o-nocap' });
      const { booking } = await domain.createBooking(ctx, 'alpha', SUP, r, false);
      assert.equal(booking.orderId, null);
      await refused(domain.getOrder(ctx, 'alpha', SUP, 'o-nocap'), 404);
    });

    it('confirms every booking in one go', async () => {
      await order('alpha', 'o-confirm', [30, 30, 30]);
      const o = await domain.confirmOrder(ctx, 'alpha', SUP, 'o-confirm', CONTACT);
      assert.equal(o.status, 'CONFIRMED');
      assert.ok(o.bookings.every((b) => b.status === 'CONFIRMED' && b.contact?.emailAddress === 't@example.com'));
      const again = await domain.confirmOrder(ctx, 'alpha', SUP, 'o-confirm', CONTACT);
      assert.deepEqual(again, o);
    });

    for (const block of ['confirm', 'cancel'] as const) {
      it(`changes nothing when one booking was ${block}ed on its own`, async () => {
        const uuids = await order('alpha', `o-block-${block}`, [30, 30, 30]);
        if (block === 'confirm') await domain.confirmBooking(ctx, 'alpha', SUP, uuids[1], CONTACT);
        else await domain.cancelBooking(ctx, 'alpha', SUP, uuids[1], { reason: 'CUSTOMER' });
        const before = await domain.getOrder(ctx, 'alpha', SUP, `o-block-${block}`);
        for (const op of [
          () => domain.confirmOrder(ctx, 'alpha', SUP, `o-block-${block}`, CONTACT),
          () => domain.extendOrder(ctx, 'alpha', SUP, `o-block-${block}`, { reason: 'OTHER', holdExpirationMinutes: 10 }),
          () => domain.cancelOrder(ctx, 'alpha', SUP, `o-block-${block}`, { reason: 'CUSTOMER' }),
        ]) {
          const err = await refused(op(), 409);
          assert.equal(err.details.bookingUuid, uuids[1]);
          assert.deepEqual(await domain.getOrder(ctx, 'alpha', SUP, `o-block-${block}`), before);
        }
      });
    }

    it('expires orders on read by the clock, refuses them, and gives the capacity back', async () => {
      await order('alpha', 'o-exp', [5, 5]);
      clock.advance(5 * 60 + 1);
      const o = await domain.getOrder(ctx, 'alpha', SUP, 'o-exp');
      assert.equal(o.status, 'EXPIRED');
      assert.ok(o.bookings.every((b) => b.status === 'EXPIRED'));
      await refused(domain.confirmOrder(ctx, 'alpha', SUP, 'o-exp', CONTACT), 409, 'core/9007');
      await refused(domain.createBooking(ctx, 'alpha', SUP, req({ orderId: 'o-exp' }), true), 409);
    });

    it('fails the order confirm when a later, shorter hold has passed', async () => {
      const uuids = await order('alpha', 'o-short', [30, 2]);
      clock.advance(3 * 60);
      const err = await refused(domain.confirmOrder(ctx, 'alpha', SUP, 'o-short', CONTACT), 409, 'core/9007');
      assert.equal(err.details.bookingUuid, uuids[1]);
      const o = await domain.getOrder(ctx, 'alpha', SUP, 'o-short');
      assert.deepEqual(o.bookings.map((b) => b.status), ['ON_HOLD', 'EXPIRED']);
    });

    it('extends the order and every booking, never earlier, at most 60 minutes', async () => {
      await order('alpha', 'o-ext', [10, 10]);
      const before = await domain.getOrder(ctx, 'alpha', SUP, 'o-ext');
      const o = await domain.extendOrder(ctx, 'alpha', SUP, 'o-ext', { reason: 'OTHER', holdExpirationMinutes: 500 });
      assert.equal(Date.parse(o.utcExpiresAt) - Date.parse(before.utcExpiresAt), 60 * 60_000);
      assert.ok(o.bookings.every((b) => b.utcHoldExpiration === o.utcExpiresAt));
    });

    it('takes capacity with holds and gives it back on cancel and on expiry', async () => {
      const small = { availabilityId: 'slot-small' };
      // Start from a clock past every earlier hold of this database.
      clock.advance(24 * 3600);
      await domain.createBooking(ctx, 'alpha', SUP, req({ ...small, orderId: 'o-cap' }), true);
      await domain.createBooking(ctx, 'alpha', SUP, req({ ...small, orderId: 'o-cap' }), true);
      await refused(domain.createBooking(ctx, 'beta', SUP, req(small), false), 409, 'core/9004');
      await domain.cancelOrder(ctx, 'alpha', SUP, 'o-cap', { reason: 'CUSTOMER' });
      await refused(domain.createBooking(ctx, 'beta', SUP, req({ ...small, unitItems: [{ unitId: 'adult' }, { unitId: 'adult' }, { unitId: 'child' }] }), false), 409);
      const hold = req({ ...small, holdExpirationMinutes: 1, unitItems: [{ unitId: 'adult' }, { unitId: 'adult' }] });
      await domain.createBooking(ctx, 'beta', SUP, hold, false);
      await refused(domain.createBooking(ctx, 'beta', SUP, req(small), false), 409);
      clock.advance(61);
      await domain.createBooking(ctx, 'beta', SUP, req({ ...small, unitItems: [{ unitId: 'adult' }, { unitId: 'adult' }] }), false);
    });

    it('returns the original booking on a retried create; a different body is a 409', async () => {
      const r = req({ orderId: 'o-retry' });
      const first = await domain.createBooking(ctx, 'alpha', SUP, r, true);
      const second = await domain.createBooking(ctx, 'alpha', SUP, r, true);
      assert.equal(second.created, false);
      assert.deepEqual(second.booking, first.booking);
      await refused(domain.createBooking(ctx, 'alpha', SUP, { ...r, unitItems: [{ unitId: 'child' }] }, true), 409, 'core/9003');
      assert.equal((await domain.getOrder(ctx, 'alpha', SUP, 'o-retry')).bookings.length, 1);
    });

    it('keeps tenants apart, even with one orderId', async () => {
      const a = await order('alpha', 'o-shared', [30]);
      const b = await order('beta', 'o-shared', [30]);
      assert.deepEqual((await domain.getOrder(ctx, 'alpha', SUP, 'o-shared')).bookings.map((x) => x.uuid), a);
      assert.deepEqual((await domain.getOrder(ctx, 'beta', SUP, 'o-shared')).bookings.map((x) => x.uuid), b);
      await refused(domain.getBooking(ctx, 'beta', SUP, a[0]), 404);
      await refused(domain.cancelBooking(ctx, 'beta', SUP, a[0], { reason: 'CUSTOMER' }), 404);
    });

    it('serialises concurrent confirm and cancel of one order', async () => {
      for (let i = 0; i < 5; i++) {
        await order('alpha', `o-race-${i}`, [30, 30, 30]);
        const results = await Promise.allSettled([
          domain.confirmOrder(ctx, 'alpha', SUP, `o-race-${i}`, CONTACT),
          domain.cancelOrder(ctx, 'alpha', SUP, `o-race-${i}`, { reason: 'CUSTOMER' }),
        ]);
        const o = await domain.getOrder(ctx, 'alpha', SUP, `o-race-${i}`);
        assert.ok(results.some((r) => r.status === 'fulfilled'));
        assert.ok(o.bookings.every((b) => b.status === o.status), JSON.stringify(o));
        assert.ok(['CONFIRMED', 'CANCELLED'].includes(o.status));
      }
    });
  });
}
