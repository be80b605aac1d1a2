/**
 * Activation rules only a restart can break (the vendor's restart hook, like the test clock, is optional; without
 * it these checks are not judged): event ids stay unique across a restart, a `since` handed out before it still
 * works after it, and orders and their events survive it.
 */
import type { Check, CheckContext } from '../framework/check.js';
import { activateBody, deactivateBody, eventsFor, finish, freshAccess, ids, mark, profileOf, readFeed, scanFeed, type EventBody } from './helpers.js';

export const persistenceChecks: Check[] = [
  {
    id: 'event-ids-never-reused-after-a-restart',
    rule: 'ACT-FEED-EVENT-UNIQUE',
    title: 'an event created after a restart has an id no event had before it, and earlier events keep theirs',
    restarts: true,
    async run(t: CheckContext) {
      const { service } = profileOf(t);
      const accessId = await freshAccess(t);
      await finish(t, t.alpha, activateBody(accessId, service));
      // Both reads of the whole feed go item by item; only ids are kept.
      const seen = new Set<string>();
      await scanFeed(t, t.alpha, undefined, (e) => seen.add(e.event), { skipSchema: true });
      await t.restart();
      const done = await finish(t, t.alpha, deactivateBody(accessId, service));
      const fresh: EventBody[] = [];
      const all = new Set<string>();
      const twice: string[] = [];
      const { exchange } = await scanFeed(t, t.alpha, undefined, (e) => {
        if (eventsFor([e], done.path).length) fresh.push(e);
        if (all.has(e.event)) twice.push(e.event);
        all.add(e.event);
      });
      t.expect(fresh.length === 1, `the order finished after the restart has ${fresh.length} events in the feed`, { expected: 1, actual: fresh.length, exchange });
      t.expect(!seen.has(fresh[0].event), `event id ${fresh[0].event}, handed out after the restart, was already the id of an event before it`, {
        expected: 'an id no earlier event had',
        actual: fresh[0].event,
        exchange,
      });
      t.expect(twice.length === 0, 'after the restart two events of the feed share an id', { actual: twice.slice(0, 5), exchange });
      const lost = [...seen].filter((id) => !all.has(id));
      t.expect(lost.length === 0, `${lost.length} events read before the restart are gone from the feed, or changed their ids`, { actual: lost.slice(0, 5), exchange });
    },
  },
  {
    id: 'since-from-before-a-restart-still-works',
    rule: 'ACT-FEED-SINCE-CHAIN',
    title: 'a since read before a restart is still valid after it: it answers exactly the events that followed it',
    restarts: true,
    async run(t: CheckContext) {
      const { service } = profileOf(t);
      const accessId = await freshAccess(t);
      const start = await mark(t);
      const first = await finish(t, t.alpha, activateBody(accessId, service));
      const { events: untilNow } = await readFeed(t, t.alpha, start, { skipSchema: true });
      const last = untilNow[untilNow.length - 1]?.event;
      await t.prerequisite('an event for the finished order', async () => {
        if (eventsFor(untilNow, first.path).length !== 1) throw new Error('the finished order has no single event in the feed');
      });
      await t.restart();
      const again = await t.alpha.get(first.path);
      t.expect(again.status === 200 && again.body?.state === first.state, `the order finished before the restart reads ${again.status} ${again.body?.state ?? ''} after it`, {
        expected: `200 ${first.state}`,
        actual: `${again.status} ${again.body?.state}`,
        exchange: again,
      });
      const second = await finish(t, t.alpha, deactivateBody(accessId, service));
      const { events: fromStart, exchange } = await readFeed(t, t.alpha, start);
      t.expect(eventsFor(fromStart, first.path).length === 1 && eventsFor(fromStart, second.path).length === 1, 'since from before the restart does not answer each later order exactly once', {
        expected: `one event for ${first.path} and one for ${second.path}`,
        actual: ids(fromStart),
        exchange,
      });
      const { events: fromLast, exchange: ex2 } = await readFeed(t, t.alpha, last);
      t.expect(eventsFor(fromLast, first.path).length === 0 && eventsFor(fromLast, second.path).length === 1, 'the last event read before the restart, as since, does not answer exactly what followed it', {
        expected: `only later events, one for ${second.path}`,
        actual: ids(fromLast),
        exchange: ex2,
      });
    },
  },
];
