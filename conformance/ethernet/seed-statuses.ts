/**
 * The statuses the source shows where the suite accepts another on purpose: cancel, hold and release answer
 * 201 in the source's examples, and 200 in its repository (ETH-CANCEL, ETH-HOLD, ETH-RELEASE-ONLY-HELD accept both).
 * A 200 is reported under a SHOULD rule that names the source's 201, so a vendor is told.
 */
import type { Check, CheckContext } from '../framework/check.js';
import { createOrder, orderBody, orderPath } from './support.js';

export const seedStatusChecks: Check[] = [
  {
    id: 'transitions-answer-the-sources-201',
    rule: 'ETH-TRANSITION-201',
    title: 'hold, release and cancel answer 201, the status the source shows (200 is accepted elsewhere, warned here)',
    async run(t: CheckContext) {
      const created = await createOrder(t, orderBody(t));
      for (const action of ['hold', 'release', 'cancel'] as const) {
        const res = await t.alpha.post(`${orderPath(created.id)}/${action}`);
        await t.prerequisite(`${action} of the order accepted`, async () => {
          if (res.status !== 200 && res.status !== 201) throw new Error(`${action} answered ${res.status}`);
        });
        t.expectStatus(res, 201, `${action} of the order (the source shows "201"; this server answers ${res.status})`);
      }
    },
  },
];
