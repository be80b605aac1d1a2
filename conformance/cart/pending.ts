/**
 * Order confirmation past the instant case: a repeated confirm over a booking changed on its own, and
 * confirmations that are not instant (PENDING until the supplier decides: every booking CONFIRMED, or the order
 * and every booking REJECTED). Pending checks need the profile's asynchronous option and settleSeconds.
 */
import type { Check, CheckContext } from '../framework/check.js';
import { bookingPath, buildOrder, CANCEL, expectError, expectUnchanged, must, orderOp, readOrder, snapshot } from './helpers.js';

/** Follows a PENDING order until the supplier has decided (the profile's settleSeconds on the clock). */
export async function settled(t: CheckContext, orderId: string): Promise<any> {
  let order = await readOrder(t, orderId);
  if (order.status !== 'PENDING') return order;
  const seconds = await t.prerequisite('knowing how long a pending confirmation takes (profile settleSeconds)', async () => {
    const s = Number(t.profile.settleSeconds);
    if (!(s > 0)) throw new Error('the order is PENDING and the profile has no cart.settleSeconds');
    return s;
  });
  await t.clock.advance(seconds);
  order = await readOrder(t, orderId);
  return order;
}

const repeatedConfirm: Check = {
  id: 'repeated-confirm-after-booking-cancel-fails',
  rule: 'CART-ORDER-BLOCKED-OP-ERROR',
  title: 'a repeated order confirm after one booking was cancelled on its own answers 4xx and changes nothing',
  run: async (t: CheckContext) => {
    const { orderId, uuids } = await buildOrder(t, [30, 30, 30]);
    await must(t, 'confirming the order', () => orderOp(t, 'confirm', orderId, t.alpha, {}));
    await t.prerequisite('the order confirmed', async () => {
      const order = await settled(t, orderId);
      if (order.status !== 'CONFIRMED') throw new Error(`the order reads ${order.status}`);
    });
    await must(t, 'cancelling booking 2 of the confirmed order on its own', () => t.alpha.post(bookingPath(t, uuids[1], 'cancel'), CANCEL));
    const before = snapshot(await readOrder(t, orderId));
    const ex = await orderOp(t, 'confirm', orderId);
    expectError(t, ex, 'confirming again an order with a booking cancelled on its own');
    await expectUnchanged(t, orderId, before, 'a refused repeated confirm', ex);
  },
};

export const pendingChecks: Check[] = [repeatedConfirm];
