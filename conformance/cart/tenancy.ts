/** Cart tenancy: credentials are required, and one reseller never sees or changes another's orders. */
import type { Check, CheckContext } from '../framework/check.js';
import {
  bookingBody,
  bookingPath,
  bookingsPath,
  buildOrder,
  CANCEL,
  CONFIRM,
  createBooking,
  expectError,
  expectUnchanged,
  orderOp,
  orderPath,
  readOrder,
  snapshot,
} from './helpers.js';

export const tenancyChecks: Check[] = [
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
      const wrong = t.alpha.as({ user: t.alpha.credentials?.user ?? 'alpha', secret: 'not-the-secret' });
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
    title: 'two resellers using one orderId get separate orders (orderIds unique to the supplier: the second is refused, the first order unchanged)',
    run: async (t: CheckContext) => {
      const { orderId, uuids } = await buildOrder(t, [30]);
      const ex = await createBooking(t, { orderId }, t.beta);
      if (t.capabilities?.resellerOrderIds?.state === 'absent') {
        // The source's reading: "unique to the supplier". Refused, and nothing of alpha's order shows or changes.
        expectError(t, ex, "beta creating a booking with the orderId alpha uses (orderIds unique to the supplier)", [400, 409]);
        t.expectEqual((await readOrder(t, orderId)).bookings.map((b: any) => b.uuid), uuids, "alpha's order after beta's refused create");
        return;
      }
      t.expectStatus(ex, [200, 201], "beta creating a booking with the orderId alpha uses (declare capabilities.resellerOrderIds false if your orderIds are unique to the supplier)");
      const alphaOrder = await readOrder(t, orderId);
      t.expectEqual(alphaOrder.bookings.map((b: any) => b.uuid), uuids, "beta's booking appears in alpha's order");
      const betaOrder = await readOrder(t, orderId, t.beta);
      t.expect(!betaOrder.bookings.some((b: any) => uuids.includes(b.uuid)), "alpha's booking appears in beta's order", { actual: betaOrder.bookings.map((b: any) => b.uuid) });
    },
  },
];
