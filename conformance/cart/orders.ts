/** Cart orders: how they come into being, read, and act on every booking together. */
import type { Check, CheckContext } from '../framework/check.js';
import {
  advancePast,
  bookingBody,
  bookingPath,
  bookingsPath,
  buildOrder,
  CANCEL,
  createBooking,
  extendBody,
  must,
  orderOp,
  orderPath,
  readOrder,
  statusesAll,
} from './helpers.js';

export const orderChecks: Check[] = [
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
      const read = await t.alpha.get(bookingPath(t, uuid));
      t.expectStatus(read, 200, 'GET of the booking that joined the order');
      t.expectEqual(read.body?.orderId, orderId, 'the booking read does not report the order it joined', read);
      const order = await readOrder(t, orderId);
      const listed = (order.bookings ?? []).map((b: any) => b.uuid).sort();
      t.expectEqual(listed, [uuids[0], uuid].sort(), 'the order does not list both bookings');
    },
  },
  {
    id: 'cart-capability-found-in-a-list',
    rule: 'CART-BOOKING-JOINS-ORDER',
    title: 'the cart capability is recognised anywhere in the X-Capabilities list, with or without a space after each comma',
    run: async (t: CheckContext) => {
      for (const header of ['redeam/content,redeam/cart', 'redeam/content, redeam/cart, redeam/pricing']) {
        const { orderId } = await buildOrder(t, [30]);
        const uuid = t.uuid();
        const ex = await t.alpha.post(bookingsPath(t), bookingBody(t, { uuid, orderId }), { headers: { 'X-Capabilities': header } });
        t.expectStatus(ex, [200, 201], `create booking with an existing orderId and X-Capabilities: ${header}`);
        t.expectEqual(ex.body?.orderId, orderId, `with X-Capabilities: ${header}, the new booking does not report the order it joined`, ex);
        const listed = ((await readOrder(t, orderId)).bookings ?? []).map((b: any) => b.uuid);
        t.expect(listed.includes(uuid), `with X-Capabilities: ${header}, the order does not list the new booking`, { expected: uuid, actual: listed });
      }
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
];
