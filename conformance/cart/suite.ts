import { defineSuite, type Check, type CheckContext } from '../framework/check.js';
import { ApiClient } from '../framework/http.js';
import {
  advancePast,
  blockedOrder,
  bookingBody,
  bookingPath,
  bookingsPath,
  bookingStatuses,
  buildOrder,
  CANCEL,
  CART,
  clientError,
  CONFIRM,
  createBooking,
  expectError,
  expectUnchanged,
  extendBody,
  isErrorArray,
  must,
  ok,
  orderOp,
  orderPath,
  readBooking,
  readOrder,
  SCHEMA_RULE,
  snapshot,
  type Block,
  type OrderOp,
} from './helpers.js';

const statusesAll = (t: CheckContext, order: any, wanted: string[], message: string) => {
  const statuses = bookingStatuses(order);
  t.expect(statuses.length > 0 && statuses.every((s) => wanted.includes(s)), message, { expected: `every booking ${wanted.join(' or ')}`, actual: statuses });
};

/** All-or-nothing: one blocked booking, the order operation, then the order must read as before. */
const allOrNothing = (op: OrderOp, block: Block): Check => ({
  id: `all-or-nothing-${op}-with-${block}-booking`,
  rule: 'CART-ORDER-ALL-OR-NOTHING',
  title: `order ${op} with one booking ${block} on its own changes nothing`,
  slow: block === 'expired',
  run: async (t: CheckContext) => {
    const { orderId, before } = await blockedOrder(t, block);
    const ex = await orderOp(t, op, orderId);
    t.expect(!ok(ex), `order ${op} succeeded although booking 2 was ${block}`, { expected: 'the operation fails', actual: `${ex.status}: ${ex.text.slice(0, 300)}`, exchange: ex });
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

const checks: Check[] = [
  // ---- orders come into being --------------------------------------------------------------------------
  {
    id: 'booking-joins-existing-order',
    rule: 'CART-BOOKING-JOINS-ORDER',
    title: 'a booking created with an existing orderId joins that order',
    run: async (t: CheckContext) => {
      const { orderId, uuids } = await buildOrder(t, [30]);
      const uuid = t.uuid();
      const ex = await createBooking(t, { uuid, orderId });
      t.expectStatus(ex, [200, 201], 'create booking with an existing orderId');
      t.expectEqual(ex.body?.orderId, orderId, 'the new booking does not report the order it joined', ex);
      const order = await readOrder(t, orderId);
      const listed = (order.bookings ?? []).map((b: any) => b.uuid).sort();
      t.expectEqual(listed, [uuids[0], uuid].sort(), 'the order does not list both bookings');
    },
  },
  {
    id: 'order-created-for-unknown-order-id',
    rule: 'CART-ORDER-CREATED-ON-DEMAND',
    title: 'a booking naming an orderId that does not exist creates that order',
    run: async (t: CheckContext) => {
      const orderId = t.uid('ord-');
      const missing = await t.alpha.get(orderPath(t, orderId));
      t.expectStatus(missing, 404, 'GET of an order nobody created yet');
      const ex = await createBooking(t, { orderId });
      t.expectStatus(ex, [200, 201], 'create booking with a new orderId');
      const read = await t.alpha.get(orderPath(t, orderId));
      t.expectStatus(read, 200, 'GET of the order the booking created');
      t.expectEqual(read.body?.id, orderId, 'the created order has another id', read);
    },
  },
  {
    id: 'new-order-is-on-hold',
    rule: 'CART-ORDER-STARTS-ON-HOLD',
    title: 'a new order starts ON_HOLD',
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [30]);
      const ex = await t.alpha.get(orderPath(t, orderId));
      t.expectStatus(ex, 200);
      t.expectEqual(ex.body?.status, 'ON_HOLD', 'a new order is not ON_HOLD', ex);
    },
  },
  {
    id: 'order-read-lists-all-bookings',
    rule: 'CART-ORDER-READ',
    title: 'GET order returns the order with all its bookings',
    run: async (t: CheckContext) => {
      const { orderId, uuids } = await buildOrder(t, [30, 30, 30]);
      const ex = await t.alpha.get(orderPath(t, orderId));
      t.expectStatus(ex, 200);
      t.expectEqual((ex.body?.bookings ?? []).map((b: any) => b.uuid).sort(), [...uuids].sort(), 'the order does not list exactly its bookings', ex);
      t.expect((ex.body.bookings as any[]).every((b) => b.orderId === orderId), 'a booking of the order does not report its orderId', { exchange: ex });
    },
  },
  {
    id: 'order-expiry-follows-first-hold',
    rule: 'CART-ORDER-EXPIRY-TIME',
    title: 'utcExpiresAt is after the request and no later than now + holdExpirationMinutes',
    run: async (t: CheckContext) => {
      const start = await t.clock.now();
      const { orderId } = await buildOrder(t, [20]);
      const order = await readOrder(t, orderId);
      const at = Date.parse(order.utcExpiresAt);
      t.expect(at > start.getTime() && at <= start.getTime() + 20 * 60_000 + 5_000, 'utcExpiresAt is not within the requested hold', {
        expected: `after ${start.toISOString()} and no later than ${new Date(start.getTime() + 20 * 60_000).toISOString()} (+5 s)`,
        actual: order.utcExpiresAt,
      });
    },
  },

  // ---- expiry --------------------------------------------------------------------------------------------
  {
    id: 'order-reads-expired-after-expiry',
    rule: 'CART-ORDER-EXPIRES',
    title: 'past utcExpiresAt the order and its held bookings read EXPIRED',
    slow: true,
    timeoutMs: 150_000,
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
    timeoutMs: 150_000,
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [1, 1]);
      await advancePast(t, (await readOrder(t, orderId)).utcExpiresAt);
      const before = snapshot(await readOrder(t, orderId));
      const ex = await orderOp(t, 'confirm', orderId);
      expectError(t, ex, 'confirming an expired order');
      await expectUnchanged(t, orderId, before, 'confirming an expired order', ex);
    },
  },
  {
    id: 'expired-order-cannot-take-bookings',
    rule: 'CART-ORDER-EXPIRES',
    title: 'no booking can join an expired order',
    slow: true,
    timeoutMs: 150_000,
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [1]);
      await advancePast(t, (await readOrder(t, orderId)).utcExpiresAt);
      const before = snapshot(await readOrder(t, orderId));
      const ex = await createBooking(t, { orderId }, t.alpha, { skipSchema: true });
      expectError(t, ex, 'adding a booking to an expired order');
      await expectUnchanged(t, orderId, before, 'adding a booking to an expired order', ex);
    },
  },

  // ---- joining only while ON_HOLD -------------------------------------------------------------------------
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

  // ---- collective operations ---------------------------------------------------------------------------------
  {
    id: 'confirm-confirms-every-booking',
    rule: 'CART-ORDER-OPS-COLLECTIVE',
    title: 'a successful order confirm leaves every booking CONFIRMED',
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [30, 30, 30]);
      const ex = await must(t, 'confirming the order', () => orderOp(t, 'confirm', orderId, t.alpha, {}));
      const order = await readOrder(t, orderId);
      t.expectEqual(order.status, 'CONFIRMED', 'the confirmed order is not CONFIRMED', ex);
      statusesAll(t, order, ['CONFIRMED'], 'a booking of the confirmed order is not CONFIRMED');
    },
  },
  {
    id: 'extend-moves-every-hold',
    rule: 'CART-ORDER-OPS-COLLECTIVE',
    title: 'after an order extension every booking stays on hold past the old expiry',
    slow: true,
    timeoutMs: 200_000,
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [1, 1, 1]);
      const before = await readOrder(t, orderId);
      const ex = await must(t, 'extending the order', () => t.alpha.post(orderPath(t, orderId, 'extend'), extendBody(10)));
      const granted = Date.parse(ex.body?.utcExpiresAt) - Date.parse(before.utcExpiresAt);
      if (!(granted > 20_000)) {
        t.note(`the extension granted ${granted / 1000}s; nothing to observe`);
        return;
      }
      await advancePast(t, before.utcExpiresAt, 5);
      const order = await readOrder(t, orderId);
      t.expectEqual(order.status, 'ON_HOLD', 'the extended order is no longer on hold after its old expiry');
      statusesAll(t, order, ['ON_HOLD'], 'a booking did not move with the order extension (not on hold after the old expiry)');
    },
  },
  {
    id: 'cancel-cancels-every-booking',
    rule: 'CART-ORDER-CANCEL-DELETE',
    title: 'DELETE on an ON_HOLD order cancels it and every booking',
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [30, 30, 30]);
      const ex = await t.alpha.delete(orderPath(t, orderId), CANCEL);
      t.expectStatus(ex, [200, 202, 204], 'DELETE order with a reason');
      const order = await readOrder(t, orderId);
      t.expect(['CANCELLED', 'EXPIRED'].includes(order.status), `the cancelled order reads ${order.status}`, { expected: 'CANCELLED (or EXPIRED)', actual: order.status });
      statusesAll(t, order, ['CANCELLED', 'EXPIRED'], 'a booking of the cancelled order is still held or confirmed');
    },
  },

  // ---- all-or-nothing ------------------------------------------------------------------------------------------
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
        const [confirm, cancel] = await Promise.all([orderOp(t, 'confirm', orderId), orderOp(t, 'cancel', orderId)]);
        const order = await readOrder(t, orderId);
        const statuses = bookingStatuses(order);
        t.expect(new Set(statuses).size === 1 && statuses[0] === order.status, `round ${round + 1}: bookings do not share the order's status`, {
          expected: `every booking ${order.status}`,
          actual: { order: order.status, bookings: statuses, confirm: confirm.status, cancel: cancel.status },
        });
        if (ok(confirm) && !ok(cancel)) t.expectEqual(order.status, 'CONFIRMED', `round ${round + 1}: confirm won but the order is not CONFIRMED`);
        if (ok(cancel) && !ok(confirm)) t.expectEqual(order.status, 'CANCELLED', `round ${round + 1}: cancel won but the order is not CANCELLED`);
      }
    },
  },
  {
    id: 'race-confirm-and-expiry',
    rule: 'CART-ORDER-ALL-OR-NOTHING',
    title: 'a confirm racing the order expiry ends all CONFIRMED or all EXPIRED',
    slow: true,
    timeoutMs: 150_000,
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [1, 1, 1]);
      const order0 = await readOrder(t, orderId);
      const now = await t.clock.now();
      const seconds = Math.max(0, Math.round((Date.parse(order0.utcExpiresAt) - now.getTime()) / 1000));
      const [confirm] = await Promise.all([orderOp(t, 'confirm', orderId), t.clock.advance(seconds)]);
      const order = await readOrder(t, orderId);
      const statuses = bookingStatuses(order);
      const wanted = ok(confirm) ? 'CONFIRMED' : 'EXPIRED';
      if (!ok(confirm) && statuses.every((s) => s === 'ON_HOLD') && order.status === 'ON_HOLD') return; // refused before expiry, nothing changed
      t.expect(order.status === wanted && statuses.every((s) => s === wanted), `after confirm answered ${confirm.status} the order is not all ${wanted}`, {
        expected: `order and every booking ${wanted}`,
        actual: { order: order.status, bookings: statuses },
      });
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
    timeoutMs: 200_000,
    run: async (t: CheckContext) => {
      const { orderId, before } = await blockedOrder(t, 'expired');
      const ex = await orderOp(t, 'confirm', orderId);
      expectError(t, ex, 'confirming an order with an expired booking');
      await expectUnchanged(t, orderId, before, 'confirming an order with an expired booking', ex);
    },
  },

  // ---- extend ------------------------------------------------------------------------------------------------
  ...([
    ['no-reason', { holdExpirationMinutes: 10 }],
    ['no-minutes', { reason: 'CUSTOMER_REQUESTED' }],
  ] as Array<[string, unknown]>).map(
    ([name, body]): Check => ({
      id: `extend-${name}-is-refused`,
      rule: 'CART-ORDER-EXTEND-INPUT',
      title: `order extend with ${name.replace('-', ' ')} answers 400 and changes nothing`,
      run: async (t: CheckContext) => {
        const { orderId } = await buildOrder(t, [30, 30]);
        const before = snapshot(await readOrder(t, orderId));
        const ex = await t.alpha.post(orderPath(t, orderId, 'extend'), body, { skipSchema: true });
        expectError(t, ex, `extend with ${name}`, [400]);
        await expectUnchanged(t, orderId, before, `extend with ${name}`, ex);
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
  {
    id: 'extend-expired-order-answers-error',
    rule: 'CART-ORDER-EXTEND-REJECT-ERROR',
    title: 'extending an expired order is rejected with an error',
    slow: true,
    timeoutMs: 150_000,
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [1]);
      await advancePast(t, (await readOrder(t, orderId)).utcExpiresAt);
      const ex = await orderOp(t, 'extend', orderId);
      expectError(t, ex, 'extending an expired order');
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

  // ---- confirm -----------------------------------------------------------------------------------------------
  ...([
    ['no-contact', {}],
    ['contact-without-email', { contact: { fullName: 'No Mail' } }],
  ] as Array<[string, unknown]>).map(
    ([name, body]): Check => ({
      id: `confirm-${name}-is-refused`,
      rule: 'CART-ORDER-CONFIRM-CONTACT',
      title: `order confirm with ${String(name).replace(/-/g, ' ')} answers 400 and changes nothing`,
      run: async (t: CheckContext) => {
        const { orderId } = await buildOrder(t, [30, 30]);
        const before = snapshot(await readOrder(t, orderId));
        const ex = await t.alpha.post(orderPath(t, orderId, 'confirm'), body, { skipSchema: true });
        expectError(t, ex, `confirm with ${name}`, [400]);
        await expectUnchanged(t, orderId, before, `confirm with ${name}`, ex);
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
      const before = snapshot(await readOrder(t, orderId));
      const ex = await orderOp(t, 'confirm', orderId);
      expectError(t, ex, 'confirming a cancelled order');
      await expectUnchanged(t, orderId, before, 'confirming a cancelled order', ex);
    },
  },

  // ---- cancel ------------------------------------------------------------------------------------------------
  ...([
    ['no-body', undefined],
    ['no-reason', { reasonDetails: 'no reason given' }],
  ] as Array<[string, unknown]>).map(
    ([name, body]): Check => ({
      id: `cancel-${name}-is-refused`,
      rule: 'CART-ORDER-CANCEL-REASON',
      title: `order DELETE with ${String(name).replace('-', ' ')} answers 400 and changes nothing`,
      run: async (t: CheckContext) => {
        const { orderId } = await buildOrder(t, [30, 30]);
        const before = snapshot(await readOrder(t, orderId));
        const ex = await t.alpha.delete(orderPath(t, orderId), body, { skipSchema: true });
        expectError(t, ex, `DELETE with ${name}`, name === 'no-body' ? [400, 415] : [400]);
        await expectUnchanged(t, orderId, before, `DELETE with ${name}`, ex);
      },
    }),
  ),
  {
    id: 'cancel-gives-capacity-back',
    rule: 'CART-ORDER-CANCEL-ENDS-HOLD',
    title: 'cancelling an ON_HOLD order gives its held places back',
    run: async (t: CheckContext) => {
      const small = await t.prerequisite('a small availability in the profile (smallAvailabilityId)', async () => {
        if (!t.profile.smallAvailabilityId) throw new Error('the profile has no cart.smallAvailabilityId');
        return String(t.profile.smallAvailabilityId);
      });
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
          actual: `${again.status}: ${again.text.slice(0, 200)}`,
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

  // ---- retries and idempotency ---------------------------------------------------------------------------------
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
      const original = await readBooking(t, uuid);
      const ex = await createBooking(t, { uuid, units: 2 }, t.alpha, { skipSchema: true });
      expectError(t, ex, 'a create reusing a uuid with another body');
      const after = await readBooking(t, uuid);
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
      const confirmed = snapshot(await readOrder(t, orderId));
      const again = await orderOp(t, 'confirm', orderId, t.alpha, {});
      t.expectStatus(again, [200, 202], 'the repeated order confirm');
      await expectUnchanged(t, orderId, confirmed, 'the repeated order confirm', again);
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
      const again = await t.alpha.post(bookingPath(t, uuid, 'confirm'), CONFIRM);
      t.expectStatus(again, [200, 202], 'the repeated booking confirm');
      t.expectEqual((await readBooking(t, uuid)).status, 'CONFIRMED', 'the booking is not CONFIRMED after a repeated confirm');
      await must(t, 'cancelling the booking', () => t.alpha.post(bookingPath(t, uuid, 'cancel'), CANCEL));
      const again2 = await t.alpha.post(bookingPath(t, uuid, 'cancel'), CANCEL);
      t.expectStatus(again2, [200, 202], 'the repeated booking cancel');
      t.expectEqual((await readBooking(t, uuid)).status, 'CANCELLED', 'the booking is not CANCELLED after a repeated cancel');
    },
  },

  // ---- auth, input, tenancy, schema ---------------------------------------------------------------------------
  {
    id: 'no-credentials-401',
    rule: 'CART-AUTH',
    title: 'requests without credentials or with a wrong secret answer 401 and change nothing',
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [30]);
      const before = snapshot(await readOrder(t, orderId));
      const read = await t.anonymous.get(orderPath(t, orderId), { skipSchema: true });
      expectError(t, read, 'GET order without credentials', [401]);
      const confirm = await t.anonymous.post(orderPath(t, orderId, 'confirm'), CONFIRM, { skipSchema: true });
      expectError(t, confirm, 'order confirm without credentials', [401]);
      const wrong = new ApiClient(t.alpha.api, t.alpha.baseUrl, { user: t.alpha.credentials?.user ?? 'alpha', secret: 'not-the-secret' }, SCHEMA_RULE);
      const cancel = await wrong.delete(orderPath(t, orderId), CANCEL, { skipSchema: true });
      expectError(t, cancel, 'order DELETE with a wrong secret', [401]);
      const uuid = t.uuid();
      const create = await t.anonymous.post(bookingsPath(t), bookingBody(t, { uuid }), { skipSchema: true });
      expectError(t, create, 'create booking without credentials', [401]);
      await expectUnchanged(t, orderId, before, 'unauthenticated requests', cancel);
      const ghost = await t.alpha.get(bookingPath(t, uuid));
      t.expectStatus(ghost, 404, 'GET of the booking an unauthenticated create asked for');
    },
  },
  {
    id: 'invalid-create-400',
    rule: 'CART-BAD-INPUT',
    title: 'an invalid create answers 400 with the error array and creates nothing',
    run: async (t: CheckContext) => {
      const uuid = t.uuid();
      const body: any = bookingBody(t, { uuid });
      delete body.productId;
      const ex = await t.alpha.post(bookingsPath(t), body, { skipSchema: true });
      expectError(t, ex, 'create without productId', [400]);
      const wrongType = await t.alpha.post(bookingsPath(t), { ...bookingBody(t, { uuid }), unitItems: 'adult' }, { skipSchema: true });
      expectError(t, wrongType, 'create with unitItems as a string', [400]);
      const ghost = await t.alpha.get(bookingPath(t, uuid));
      t.expectStatus(ghost, 404, 'GET of the booking the invalid creates asked for');
    },
  },
  {
    id: 'malformed-json-400',
    rule: 'CART-BAD-INPUT',
    title: 'malformed JSON on an order operation answers 400 and changes nothing',
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [30]);
      const before = snapshot(await readOrder(t, orderId));
      const ex = await t.alpha.request('POST', orderPath(t, orderId, 'confirm'), { rawBody: '{"contact": {', skipSchema: true });
      expectError(t, ex, 'order confirm with malformed JSON', [400]);
      await expectUnchanged(t, orderId, before, 'malformed JSON', ex);
    },
  },
  {
    id: 'other-reseller-cannot-read',
    rule: 'CART-TENANCY',
    title: "another reseller's order and booking answer 404",
    run: async (t: CheckContext) => {
      const { orderId, uuids } = await buildOrder(t, [30]);
      const order = await t.beta.get(orderPath(t, orderId));
      t.expectStatus(order, 404, "beta reading alpha's order");
      const booking = await t.beta.get(bookingPath(t, uuids[0]));
      t.expectStatus(booking, 404, "beta reading alpha's booking");
    },
  },
  {
    id: 'other-reseller-cannot-operate',
    rule: 'CART-TENANCY',
    title: "another reseller's order operations answer 404 and change nothing",
    run: async (t: CheckContext) => {
      const { orderId, uuids } = await buildOrder(t, [30, 30]);
      const before = snapshot(await readOrder(t, orderId));
      for (const op of ['confirm', 'extend', 'cancel'] as const) {
        const ex = await orderOp(t, op, orderId, t.beta, {});
        t.expectStatus(ex, 404, `beta's order ${op} on alpha's order`);
      }
      const ex = await t.beta.post(bookingPath(t, uuids[0], 'cancel'), CANCEL);
      t.expectStatus(ex, 404, "beta cancelling alpha's booking");
      await expectUnchanged(t, orderId, before, "another reseller's operations", ex);
    },
  },
  {
    id: 'same-order-id-does-not-collide',
    rule: 'CART-TENANCY',
    title: 'two resellers using one orderId get separate orders',
    run: async (t: CheckContext) => {
      const { orderId, uuids } = await buildOrder(t, [30]);
      const ex = await createBooking(t, { orderId }, t.beta);
      t.expectStatus(ex, [200, 201], "beta creating a booking with the orderId alpha uses");
      const alphaOrder = await readOrder(t, orderId);
      t.expectEqual(alphaOrder.bookings.map((b: any) => b.uuid), uuids, "beta's booking appears in alpha's order");
      const betaOrder = await readOrder(t, orderId, t.beta);
      t.expect(!betaOrder.bookings.some((b: any) => uuids.includes(b.uuid)), "alpha's booking appears in beta's order", { actual: betaOrder.bookings.map((b: any) => b.uuid) });
    },
  },
  {
    id: 'responses-match-spec',
    rule: SCHEMA_RULE,
    title: 'bookings, orders and errors match the spec',
    // Judges shapes only: every answer below is validated against the spec by the client. Which status
    // each answer should have is other rules' business, so a wrong status here is not this rule's failure.
    run: async (t: CheckContext) => {
      const { orderId, uuids } = await buildOrder(t, [30, 30]);
      await t.alpha.get(bookingPath(t, uuids[0]));
      await t.alpha.get(orderPath(t, orderId));
      await t.alpha.post(bookingPath(t, uuids[1], 'confirm'), CONFIRM);
      await t.alpha.post(orderPath(t, orderId, 'confirm'), CONFIRM);
      await t.alpha.get(orderPath(t, t.uid('missing-')));
      const plain = t.uuid();
      await createBooking(t, { uuid: plain });
      await t.alpha.post(bookingPath(t, plain, 'extend'), extendBody(5));
      await t.anonymous.get(orderPath(t, orderId));
    },
  },
];

export default defineSuite({ api: 'cart', schemaRule: SCHEMA_RULE, checks });
