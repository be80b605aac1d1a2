/**
 * Orders that finish out of the order they were created in: one placed at the profile's slowAccess first, one at
 * an ordinary access second; the second finishes while the first is still RECEIVED. A feed sorted or cut by when
 * orders were created, rather than when they finished, answers the same as the right one in every other set-up.
 * Not judged when the profile names no slowAccess, or when the two did not finish in that order.
 */
import type { Check, CheckContext } from '../framework/check.js';
import { NotRun } from '../framework/violation.js';
import { activateBody, cleanAccess, eventsFor, freshAccess, mark, placeReceived, profileOf, readFeed, waitDone, type EventBody } from './helpers.js';

interface OutOfOrder {
  /** The last event before either order finished (undefined: the feed was empty). */
  start: string | undefined;
  /** Created first, finished last. */
  slowPath: string;
  /** Created second, finished first. */
  fastPath: string;
  /** The fast order's event, read while the slow one was still RECEIVED. */
  fastEvent: EventBody;
}

/** Places the slow order, then the fast one; waits for the fast one and sees the slow one still RECEIVED; then lets it finish. */
async function finishOutOfOrder(t: CheckContext): Promise<OutOfOrder> {
  const { slowAccess, slowFinishSeconds, service, finishSeconds } = profileOf(t);
  if (!slowAccess || !slowFinishSeconds) throw new NotRun('the profile names no slowAccess and slowFinishSeconds', 'name in activation.slowAccess an access where orders take longer to finish (and its slowFinishSeconds), or declare capabilities.outOfOrderFinish: false');
  const start = await mark(t);
  await cleanAccess(t, slowAccess);
  const fastAccess = await freshAccess(t);
  const slowPath = (await placeReceived(t, t.alpha, activateBody(slowAccess, service))).order.path!;
  const fastPath = (await placeReceived(t, t.alpha, activateBody(fastAccess, service))).order.path!;
  await t.prerequisite(`waiting for ${fastPath} to finish`, () => waitDone(t, t.alpha, fastPath));
  const slow = await t.alpha.get(slowPath);
  const fastEvent = await t.prerequisite('reading the fast order’s event', async () => {
    const [event] = eventsFor((await readFeed(t, t.alpha, start)).events, fastPath);
    if (!event) throw new Error(`the feed has no event for ${fastPath}, which has finished`);
    return event;
  });
  if (slow.status !== 200 || slow.body?.state !== 'RECEIVED') {
    throw new NotRun(
      `the order at ${slowAccess} (slowAccess) read ${slow.status} ${slow.body?.state} once the one at ${fastAccess} had finished: the two did not finish out of creation order`,
      'name in activation.slowAccess an access whose orders finish later than those at activation.accesses (activation.finishSeconds less than slowFinishSeconds)',
    );
  }
  // The slow order's own time, less what the fast one's wait already moved the clock.
  const more = t.clock.controllable ? Math.max(1, slowFinishSeconds - finishSeconds) : slowFinishSeconds;
  await t.prerequisite(`waiting for ${slowPath} to finish`, () => waitDone(t, t.alpha, slowPath, false, more, { key: 'slowFinishSeconds', seconds: slowFinishSeconds }));
  return { start, slowPath, fastPath, fastEvent };
}

const positionOf = (events: EventBody[], path: string) => events.findIndex((e) => eventsFor([e], path).length > 0);

export const outOfOrderChecks: Check[] = [
  {
    id: 'order-created-first-finished-last-listed-last',
    needs: 'outOfOrderFinish',
    rule: 'ACT-FEED-ASCENDING',
    title: 'an order created first and finished last has its event after that of an order created after it and finished before it',
    async run(t: CheckContext) {
      const { start, slowPath, fastPath } = await finishOutOfOrder(t);
      const { events, exchange } = await readFeed(t, t.alpha, start);
      const fast = positionOf(events, fastPath);
      const slow = positionOf(events, slowPath);
      if (fast < 0 || slow < 0) throw new NotRun(`the feed lacks an event for ${fast < 0 ? fastPath : slowPath} (judged by ACT-FEED-EVERY-FINISHED-ORDER)`, 'make ACT-FEED-EVERY-FINISHED-ORDER pass');
      t.expect(fast < slow, 'the feed lists the orders by when they were created, not by when they finished', {
        expected: `${fastPath} (finished first) before ${slowPath} (finished last)`,
        actual: `${slowPath} at ${slow}, ${fastPath} at ${fast}`,
        exchange,
      });
    },
  },
  {
    id: 'since-an-order-created-later-returns-one-created-earlier',
    needs: 'outOfOrderFinish',
    rule: 'ACT-FEED-SINCE-RETURNS-ALL-LATER',
    title: 'since the event of an order created second and finished first answers the event of the order created first and finished after it',
    async run(t: CheckContext) {
      const { slowPath, fastEvent } = await finishOutOfOrder(t);
      const { events, exchange } = await readFeed(t, t.alpha, fastEvent.event);
      t.expect(positionOf(events, slowPath) >= 0, `since=${fastEvent.event} leaves out the event of ${slowPath}, which finished after it but was created before`, {
        expected: `an event for ${slowPath}`,
        actual: events.map((e) => e.order?.path),
        exchange,
      });
    },
  },
];
