/**
 * Feed set-ups where the plausible wrong feeds differ from the right one: several orders in flight at once that
 * finish in one step of the server's clock (the same second), a failed one among them, read again after the clock
 * moves on; and a reader following the since chain while they finish.
 */
import type { Check, CheckContext } from '../framework/check.js';
import { activateBody, eventsFor, freshAccess, ids, mark, placeReceived, profileOf, readFeed, takeFailingAccess, waitAllDone, type EventBody } from './helpers.js';

/** Places an ACTIVATE at each of `count` fresh accesses (and at a failing access, when the profile has one) without waiting. */
async function inFlight(t: CheckContext, count: number) {
  const { service } = profileOf(t);
  const failingAccess = await takeFailingAccess(t);
  // The accesses taken and cleaned at once (each on its own); the orders then placed one after the other.
  const accesses = await t.together(Array.from({ length: count }, () => freshAccess(t)));
  const paths: string[] = [];
  for (const accessId of accesses) paths.push((await placeReceived(t, t.alpha, activateBody(accessId, service))).order.path!);
  if (failingAccess) paths.push((await placeReceived(t, t.alpha, activateBody(failingAccess, service))).order.path!);
  return paths;
}

/**
 * Orders in flight finishing in one step of the server's clock; the mark before them and their final reads. Six, so
 * that some of them finish within the same second even when a loaded server takes a while to finish them all.
 */
async function finishTogether(t: CheckContext) {
  const start = await mark(t);
  const paths = await inFlight(t, 6);
  const finals = await waitAllDone(t, t.alpha, paths);
  return { start, paths, finals };
}

const one = (t: CheckContext, events: EventBody[], paths: string[], what: string) => {
  const counts = paths.map((p) => eventsFor(events, p).length);
  t.expect(
    counts.every((n) => n === 1),
    `${what}: not exactly one event per finished order`,
    { expected: paths.map((p) => `${p}: 1`), actual: paths.map((p, i) => `${p}: ${counts[i]}`) },
  );
};

export const feedOrderChecks: Check[] = [
  {
    id: 'orders-finishing-together-each-once-also-later',
    rule: 'ACT-FEED-EVERY-FINISHED-ORDER',
    title: 'orders finishing in one clock step, a failed one among them, each have exactly one event, and still do after the clock moves on (their states unchanged)',
    async run(t: CheckContext) {
      const { finishSeconds } = profileOf(t);
      const { start, paths, finals } = await finishTogether(t);
      const { events } = await readFeed(t, t.alpha, start);
      one(t, events, paths, 'the feed after the orders finished');
      await t.clock.advance(finishSeconds * 2 + 60);
      for (let i = 0; i < paths.length; i++) {
        const again = await t.alpha.get(paths[i]);
        t.expect(again.status === 200 && again.body?.state === finals[i].state, `${paths[i]} read ${finals[i].state}, and ${again.body?.state} after the clock moved on`, {
          expected: finals[i].state,
          actual: `${again.status} ${again.body?.state}`,
          exchange: again,
        });
      }
      const { events: later } = await readFeed(t, t.alpha, start);
      one(t, later, paths, 'the feed read again after the clock moved on');
    },
  },
  {
    id: 'since-an-order-finished-in-the-same-second',
    rule: 'ACT-FEED-SINCE-RETURNS-ALL-LATER',
    title: 'since any of several orders finished in one clock step (one second) answers exactly the ones listed after it',
    async run(t: CheckContext) {
      const { start, paths } = await finishTogether(t);
      const { events } = await t.prerequisite('reading the feed', () => readFeed(t, t.alpha, start));
      const mine = events.filter((e) => paths.some((p) => eventsFor([e], p).length));
      for (let i = 0; i < mine.length; i++) {
        const { events: later, exchange } = await readFeed(t, t.alpha, mine[i].event);
        const expected = ids(mine.slice(i + 1));
        const got = ids(later).filter((id) => ids(mine).includes(id));
        t.expectEqual(got, expected, `since=${mine[i].event} (finished in the same step as the others) does not answer exactly the events listed after it`, exchange);
      }
    },
  },
  {
    id: 'reader-following-since-while-orders-finish',
    rule: 'ACT-FEED-SINCE-CHAIN',
    title: 'a reader following the since chain while several orders finish sees each of them exactly once',
    async run(t: CheckContext) {
      let cursor = await mark(t);
      const seen: EventBody[] = [];
      let reading = true;
      const poll = async () => {
        const { events } = await readFeed(t, t.alpha, cursor);
        seen.push(...events);
        if (events.length) cursor = events[events.length - 1].event;
      };
      // The reader belongs to the check: a rule it sees broken ends the check with that rule's failure.
      const reader = t.background('the reader following the since chain', async () => {
        while (reading) {
          await poll();
          await t.sleep(20);
        }
      });
      const paths = await inFlight(t, 6);
      await waitAllDone(t, t.alpha, paths);
      reading = false;
      await reader.result();
      await poll();
      one(t, seen, paths, 'the events the reader collected along the since chain');
      const all = ids(seen);
      t.expect(new Set(all).size === all.length, 'the since chain answered an event twice', { actual: all.filter((id, i) => all.indexOf(id) !== i) });
    },
  },
];
