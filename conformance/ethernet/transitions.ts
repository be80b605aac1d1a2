/** Ethernet transitions: the buyer's cancel, hold and release, and the final states. */
import type { Check, CheckContext } from '../framework/check.js';
import {
  MERGE_PATCH,
  createOrder,
  drive,
  expectRefused,
  expectUnchanged,
  orderBody,
  orderPath,
  putBody,
  readOrder,
  transition,
} from './support.js';

export const transitionChecks: Check[] = [
  {
    id: 'cancel-from-in-progress-and-held',
    rule: 'ETH-CANCEL',
    title: 'cancel of an IN_PROGRESS and of a HELD order answers 201 (or 200) with CANCELLED',
    async run(t: CheckContext) {
      const inProgress = await createOrder(t, orderBody(t));
      await transition(t, inProgress.id, 'cancel', 'CANCELLED');
      const held = await createOrder(t, orderBody(t));
      await drive(t, held.id, ['hold']);
      await transition(t, held.id, 'cancel', 'CANCELLED');
    },
  },
  {
    id: 'hold-only-in-progress',
    rule: 'ETH-HOLD',
    title: 'hold of an IN_PROGRESS order answers 201 (or 200) with HELD; hold of a HELD order answers 409 and changes nothing',
    async run(t: CheckContext) {
      const created = await createOrder(t, orderBody(t));
      await transition(t, created.id, 'hold', 'HELD');
      await transition(t, created.id, 'hold', 'refused');
    },
  },
  {
    id: 'release-only-held',
    rule: 'ETH-RELEASE-ONLY-HELD',
    title: 'release of an IN_PROGRESS order answers 409 and changes nothing; release of a HELD order answers IN_PROGRESS',
    async run(t: CheckContext) {
      const created = await createOrder(t, orderBody(t));
      await transition(t, created.id, 'release', 'refused');
      await drive(t, created.id, ['hold']);
      await transition(t, created.id, 'release', 'IN_PROGRESS');
      await transition(t, created.id, 'release', 'refused');
    },
  },
  {
    id: 'nothing-leaves-cancelled',
    rule: 'ETH-FINAL-STATES',
    title: 'hold, release, cancel, PUT and PATCH of a CANCELLED order answer 409 and change nothing',
    async run(t: CheckContext) {
      const body = orderBody(t);
      const created = await createOrder(t, body);
      await drive(t, created.id, ['cancel']);
      for (const action of ['hold', 'release', 'cancel'] as const) await transition(t, created.id, action, 'refused');
      const before = (await readOrder(t, created.id)).body;
      const put = await t.alpha.put(orderPath(created.id), putBody(body));
      expectRefused(t, put, [409], 'a PUT of a CANCELLED order');
      const patch = await t.alpha.patch(orderPath(created.id), { notes: 'too late' }, { headers: MERGE_PATCH });
      expectRefused(t, patch, [409], 'a PATCH of a CANCELLED order');
      await expectUnchanged(t, created.id, before, 'a PUT and a PATCH of a CANCELLED order');
    },
  },
  {
    id: 'nothing-leaves-cancelled-after-hold',
    rule: 'ETH-FINAL-STATES',
    title: 'an order cancelled while HELD cannot be released or held again',
    async run(t: CheckContext) {
      const created = await createOrder(t, orderBody(t));
      await drive(t, created.id, ['hold', 'cancel']);
      await transition(t, created.id, 'release', 'refused');
      await transition(t, created.id, 'hold', 'refused');
    },
  },
];
