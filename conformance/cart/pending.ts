/**
 * Order confirmation past the instant case: a repeated confirm over a booking changed on its own, and
 * confirmations that are not instant (PENDING until the supplier decides: the order and every booking CONFIRMED,
 * or the order and every booking REJECTED). The pending checks need the profile's asynchronous option
 * (asyncOptionId, asyncAvailabilityId, rejectingAvailabilityId) and settleSeconds; without them they are not run,
 * and where the profile declares capabilities.asyncConfirmation (asyncRejection) false they do not apply.
 */
import { excerpt } from '../framework/excerpt.js';
import type { Check, CheckContext } from '../framework/check.js';
import type { Exchange } from '../framework/types.js';
import { NotRun } from '../framework/violation.js';
import {
  bookingBody,
  bookingPath,
  bookingsPath,
  expectOrderAll,
  buildOrder,
  CANCEL,
  CART,
  CONFIRM,
  createBooking,
  expectError,
  expectRefusedUnchanged,
  expectUnchanged,
  must,
  ok,
  orderOp,
  orderPath,
  readOrder,
  settled,
  snapshot,
} from './helpers.js';

function profileValue(t: CheckContext, key: 'asyncOptionId' | 'asyncAvailabilityId' | 'rejectingAvailabilityId'): Promise<string> {
  const value = t.profile[key];
  if (typeof value === 'string' && value) return Promise.resolve(value);
  const capability = key === 'rejectingAvailabilityId' ? 'asyncRejection' : 'asyncConfirmation';
  throw new NotRun(
    `the profile has no cart.${key}`,
    `give cart.${key} (with the other keys of capabilities.${capability}), or declare capabilities.${capability}: false if your server has no such confirmations`,
  );
}

/**
 * An order of the asynchronous option: one booking per availability given (the profile's asyncAvailabilityId,
 * rejectingAvailabilityId). A prerequisite, not judged.
 */
async function asyncOrder(t: CheckContext, availabilities: string[]) {
  const optionId = await profileValue(t, 'asyncOptionId');
  const orderId = t.uid('ord-');
  const uuids: string[] = [];
  for (const availabilityId of availabilities) {
    const uuid = t.uuid();
    await must(t, `creating booking ${uuids.length + 1} of order ${orderId} (option ${optionId}, availability ${availabilityId})`, () =>
      t.alpha.post(bookingsPath(t), { ...bookingBody(t, { uuid, orderId, availabilityId }), optionId }, { headers: CART }),
    );
    uuids.push(uuid);
  }
  return { orderId, uuids };
}

/** Sends the order confirm and returns its answer as it is (orderOp would follow a PENDING order until it settles). */
const postConfirm = (t: CheckContext, orderId: string) => t.alpha.post(orderPath(t, orderId, 'confirm'), CONFIRM);

/** Confirms the order and follows it until it settles: a 2xx answer is required (a prerequisite). */
const confirm = (t: CheckContext, orderId: string) => must(t, `confirming order ${orderId}`, () => orderOp(t, 'confirm', orderId, t.alpha, {}));

/** Confirms an asynchronous order and requires it to be PENDING now (an order decided at once leaves nothing to judge). */
async function pendingOrder(t: CheckContext) {
  const availability = await profileValue(t, 'asyncAvailabilityId');
  const built = await asyncOrder(t, [availability, availability]);
  await must(t, `confirming order ${built.orderId}`, () => postConfirm(t, built.orderId));
  const order = await readOrder(t, built.orderId);
  await t.prerequisite('an order whose confirmation is pending', async () => {
    if (order.status !== 'PENDING') throw new Error(`the confirmed order of the asynchronous option reads ${order.status} at once`);
  });
  return { ...built, before: snapshot(order) };
}

/** Fails unless the order and every booking read one status, and it is `wanted` (when given). */
function expectCollective(t: CheckContext, order: any, what: string, wanted?: string[], ex?: Exchange) {
  expectOrderAll(t, order, wanted ?? [order?.status], `${what}: the order and its bookings do not share one ${wanted ? wanted.join(' or ') + ' ' : ''}status`, ex);
}

export const pendingChecks: Check[] = [
  {
    id: 'repeated-confirm-after-booking-cancel-fails',
    rule: 'CART-ORDER-BLOCKED-OP-ERROR',
    title: 'a repeated order confirm after one booking was cancelled on its own answers 4xx and changes nothing',
    run: async (t: CheckContext) => {
      const { orderId, uuids } = await buildOrder(t, [30, 30, 30]);
      await confirm(t, orderId);
      await t.prerequisite('the order confirmed', async () => {
        const order = await settled(t, orderId);
        if (order.status !== 'CONFIRMED') throw new Error(`the order reads ${order.status}`);
      });
      await must(t, 'cancelling booking 2 of the confirmed order on its own', () => t.alpha.post(bookingPath(t, uuids[1], 'cancel'), CANCEL));
      await expectRefusedUnchanged(t, orderId, 'confirming again an order with a booking cancelled on its own', () => orderOp(t, 'confirm', orderId));
    },
  },
  {
    id: 'async-confirm-pending-then-confirmed',
    needs: 'asyncConfirmation',
    rule: 'CART-ORDER-PENDING-FLOW',
    title: 'confirming an order of the asynchronous option answers it PENDING (or decided) and it settles CONFIRMED, every booking with it',
    run: async (t: CheckContext) => {
      const availability = await profileValue(t, 'asyncAvailabilityId');
      const { orderId } = await asyncOrder(t, [availability, availability, availability]);
      const ex = await postConfirm(t, orderId);
      t.expectStatus(ex, 200, 'confirming an order of the asynchronous option');
      expectCollective(t, ex.body, 'the confirm answer', ['PENDING', 'CONFIRMED'], ex);
      expectCollective(t, await readOrder(t, orderId), 'the order read after the confirm', ['PENDING', 'CONFIRMED']);
      const order = await settled(t, orderId, true);
      expectCollective(t, order, 'the settled order', ['CONFIRMED']);
    },
  },
  {
    id: 'async-reject-is-collective',
    needs: 'asyncRejection',
    // Holds a place of the small rejecting availability: one such check at a time.
    uses: 'rejectingAvailabilityId',
    rule: 'CART-ORDER-REJECT-COLLECTIVE',
    title: 'an order with one booking on the rejecting availability settles REJECTED, the order and every booking',
    run: async (t: CheckContext) => {
      const [good, bad] = [await profileValue(t, 'asyncAvailabilityId'), await profileValue(t, 'rejectingAvailabilityId')];
      const { orderId } = await asyncOrder(t, [good, bad, good]);
      const ex = await postConfirm(t, orderId);
      if (!ok(ex)) {
        // Rejected at once is a Reject too: then nothing may have changed.
        expectError(t, ex, 'a confirm rejected at once');
        expectCollective(t, await readOrder(t, orderId), 'the order after a confirm rejected at once', ['ON_HOLD']);
        return;
      }
      const order = await settled(t, orderId);
      expectCollective(t, order, 'the settled order', ['REJECTED'], ex);
    },
  },
  {
    id: 'rejected-order-gives-places-back',
    needs: 'asyncRejection',
    rule: 'CART-ORDER-REJECT-REVERTS',
    title: 'the places held by a REJECTED order come back',
    // Fills the rejecting availability: another check holding a place there at the same time would blur it.
    uses: 'rejectingAvailabilityId',
    run: async (t: CheckContext) => {
      const bad = await profileValue(t, 'rejectingAvailabilityId');
      const optionId = await profileValue(t, 'asyncOptionId');
      const { orderId } = await asyncOrder(t, [bad]);
      const fillers: string[] = [];
      const hold = (uuid: string) => t.alpha.post(bookingsPath(t), { ...bookingBody(t, { uuid, availabilityId: bad }), optionId }, { skipSchema: true });
      try {
        let full = false;
        for (let i = 0; i < 12 && !full; i++) {
          const uuid = t.uuid();
          if (ok(await hold(uuid))) fillers.push(uuid);
          else full = true;
        }
        await t.prerequisite('filling the rejecting availability', async () => {
          if (!full) throw new Error('12 more holds were all accepted');
        });
        await confirm(t, orderId);
        await t.prerequisite('the order REJECTED', async () => {
          const order = await settled(t, orderId);
          if (order.status !== 'REJECTED') throw new Error(`the order settled ${order.status}`);
        });
        const uuid = t.uuid();
        const again = await hold(uuid);
        if (ok(again)) fillers.push(uuid);
        t.expect(ok(again), 'the place held by the rejected order did not come back', {
          expected: 'a new hold on the freed place succeeds',
          actual: `${again.status}: ${excerpt(again.text, 200)}`,
          exchange: again,
        });
      } finally {
        for (const uuid of fillers) await t.alpha.post(bookingPath(t, uuid, 'cancel'), CANCEL, { skipSchema: true }).catch(() => undefined);
      }
    },
  },
  {
    id: 'no-join-while-pending',
    needs: 'asyncConfirmation',
    rule: 'CART-ORDER-JOIN-ONLY-ON-HOLD',
    title: 'no booking can join an order while its confirmation is PENDING',
    run: async (t: CheckContext) => {
      const { orderId, before } = await pendingOrder(t);
      const ex = await createBooking(t, { orderId }, t.alpha, { skipSchema: true });
      expectError(t, ex, 'adding a booking to a PENDING order');
      await expectUnchanged(t, orderId, before, 'adding a booking to a PENDING order', ex);
    },
  },
  {
    id: 'no-extend-while-pending',
    needs: 'asyncConfirmation',
    rule: 'CART-ORDER-EXTEND-ONLY-ON-HOLD',
    title: 'an order cannot be extended while its confirmation is PENDING',
    run: async (t: CheckContext) => {
      const { orderId, before } = await pendingOrder(t);
      const ex = await orderOp(t, 'extend', orderId);
      expectError(t, ex, 'extending a PENDING order');
      await expectUnchanged(t, orderId, before, 'extending a PENDING order', ex);
    },
  },
  {
    id: 'cancel-while-pending-all-or-nothing',
    needs: 'asyncConfirmation',
    rule: 'CART-ORDER-ALL-OR-NOTHING',
    title: 'cancelling a PENDING order cancels everything or refuses and changes nothing; either way the order stays collective',
    run: async (t: CheckContext) => {
      const { orderId, before } = await pendingOrder(t);
      const ex = await orderOp(t, 'cancel', orderId);
      if (ok(ex)) expectCollective(t, await readOrder(t, orderId), 'an accepted cancellation of a PENDING order', ['CANCELLED'], ex);
      else {
        expectError(t, ex, 'a refused cancellation of a PENDING order');
        await expectUnchanged(t, orderId, before, 'a refused cancellation of a PENDING order', ex);
      }
      expectCollective(t, await settled(t, orderId), 'the order after the decision');
    },
  },
  {
    id: 'repeated-confirm-while-pending',
    needs: 'asyncConfirmation',
    rule: 'CART-CONFIRM-CANCEL-IDEMPOTENT',
    title: 'repeating the confirm of a PENDING order answers success and keeps the order pending or decided, all bookings alike',
    run: async (t: CheckContext) => {
      const { orderId } = await pendingOrder(t);
      const again = await postConfirm(t, orderId);
      t.expectStatus(again, [200, 202], 'the repeated confirm of a PENDING order');
      expectCollective(t, await readOrder(t, orderId), 'the order after a repeated confirm', ['PENDING', 'CONFIRMED'], again);
      await settled(t, orderId);
    },
  },
];
