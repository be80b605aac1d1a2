/** Activation order event feed: every finished order once, immutable, oldest first, strictly after since. */
import { excerpt } from '../framework/excerpt.js';
import type { Check, CheckContext } from '../framework/check.js';
import { NotRun } from '../framework/violation.js';
import {
  activateBody,
  deactivateBody,
  EVENTS,
  eventMembers,
  feedHead,
  eventsFor,
  finish,
  finishCycle,
  freshAccess,
  ids,
  mark,
  ORDERS,
  placeReceived,
  profileOf,
  pathOf,
  readFeed,
  runStart,
  samePath,
  scanFeed,
  Tail,
  waitDone,
  type EventBody,
} from './helpers.js';

export const feedChecks: Check[] = [
  {
    id: 'feed-has-every-finished-order-once',
    rule: 'ACT-FEED-EVERY-FINISHED-ORDER',
    title: 'every order the suite finished is in the feed exactly once',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const since = await mark(t);
      const done = await finishCycle(t, t.alpha, accessId, 3);
      const { events, exchange } = await readFeed(t, t.alpha, since);
      for (const d of done) {
        const n = eventsFor(events, d.path).length;
        t.expect(n === 1, `order ${d.path} appears ${n} times in the feed`, { expected: 'exactly once', actual: `${n} times`, exchange });
      }
    },
  },
  {
    id: 'everything-the-run-added-once',
    rule: 'ACT-FEED-EVERY-FINISHED-ORDER',
    title: "at the end of the run, every event the run's orders added read in one answer: each event, and each order, once",
    // The run's other checks add hundreds of events: an answer this long crosses whatever pages the server reads in.
    last: true,
    async run(t: CheckContext) {
      const providers = [t.alpha, t.beta].filter((client) => runStart(t, client) !== undefined);
      if (!providers.length) throw new NotRun("no other check of the run read the feed, so where the run's events start is unknown", 'run it together with the other feed checks');
      for (const client of providers) {
        const start = runStart(t, client) || undefined;
        const events = new Set<string>();
        const orders = new Set<string>();
        const repeated: string[] = [];
        const { exchange, count } = await scanFeed(t, client, start, (e) => {
          if (events.has(String(e?.event))) repeated.push(`event ${e?.event} again`);
          else if (orders.has(pathOf(String(e?.order?.path)))) repeated.push(`a second event (${e?.event}) of order ${e?.order?.path}`);
          events.add(String(e?.event));
          orders.add(pathOf(String(e?.order?.path)));
        });
        t.expect(!repeated.length, `the feed${start ? ` since ${start}` : ''} answered ${count} events with ${repeated.length} repeated: ${repeated.slice(0, 5).join('; ')}`, {
          expected: 'each event, and each order, exactly once',
          actual: `${count} events, ${events.size} distinct, of ${orders.size} orders`,
          exchange,
        });
      }
    },
  },
  {
    id: 'since-the-first-event',
    rule: 'ACT-FEED-SINCE-EXCLUSIVE',
    title: "since the feed's very first event answers every later event, starting with the second, and not the first",
    // Reads the feed of the provider whose feed was shorter when the run began (a read of nearly all of it).
    last: true,
    async run(t: CheckContext) {
      for (const client of [t.alpha, t.beta]) await mark(t, client);
      const [client, head] = ([t.alpha, t.beta] as const).map((c) => [c, feedHead(t, c)!] as const).sort((a, b) => a[1].count - b[1].count)[0];
      let first = head.first;
      // A feed empty when the run began holds only what the run added: read whole, it is short.
      if (!first.length) await scanFeed(t, client, undefined, (e, i) => i < 2 && first.push(String(e?.event)), { skipSchema: true });
      if (!first.length) throw new NotRun('the feed has no event yet', 'run it with the checks that finish orders');
      let seen = 0;
      let answeredFirst: string | undefined;
      let itself = false;
      const { exchange } = await scanFeed(t, client, first[0], (e, i) => {
        seen++;
        if (i === 0) answeredFirst = String(e?.event);
        if (String(e?.event) === first[0]) itself = true;
      });
      t.expect(!itself, `since=${first[0]} (the feed's first event) answered that event itself`, { expected: 'only the events after it', actual: `${seen} events, ${first[0]} among them`, exchange });
      if (first.length > 1) t.expect(answeredFirst === first[1], `since=${first[0]} (the feed's first event) did not start with the second event`, { expected: first[1], actual: answeredFirst ?? 'no event', exchange });
    },
  },
  {
    id: 'feed-no-event-for-nothing-to-do',
    rule: 'ACT-FEED-ONLY-RECEIVED-ORDERS',
    title: 'an order answered 200 DONE_SUCCESS without path (nothing to do) adds no event',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const since = await mark(t);
      const noop = await t.alpha.post(ORDERS, deactivateBody(accessId, service));
      t.expectStatus(noop, 200, 'DEACTIVATE of an inactive service');
      const after = await finish(t, t.alpha, activateBody(accessId, service));
      const { events, exchange } = await readFeed(t, t.alpha, since);
      const extra = events.filter((e) => e.order?.accessId === accessId && e.order?.service === service && !samePath(e.order.path, after.path));
      t.expect(extra.length === 0, 'the feed has an event for an order that was never RECEIVED', { expected: `only the event of ${after.path}`, actual: extra, exchange });
    },
  },
  {
    id: 'event-order-fields-as-get',
    rule: 'ACT-FEED-FIELDS-AS-ORDER',
    title: "an event's order has the path, accessId, service, operation, state and message GET answers",
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const since = await mark(t);
      const done = await finish(t, t.alpha, activateBody(accessId, profileOf(t).service));
      const { events, exchange } = await readFeed(t, t.alpha, since);
      const [event] = eventsFor(events, done.path);
      t.expect(!!event, 'the finished order has no event', { expected: done.path, actual: ids(events), exchange });
      const get = await t.alpha.get(done.path);
      const pick = (o: any) => ({ accessId: o.accessId, service: o.service, operation: o.operation, state: o.state, message: o.message });
      t.expectEqual(pick(event.order), pick(get.body), "the event's order differs from the order", exchange);
    },
  },
  {
    id: 'since-returns-every-later-event',
    rule: 'ACT-FEED-SINCE-RETURNS-ALL-LATER',
    title: '?since=E starts with the event after E and has every later one',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const since = await mark(t);
      const done = await finishCycle(t, t.alpha, accessId, 3);
      const { events: all } = await readFeed(t, t.alpha, since);
      const [first] = eventsFor(all, done[0].path);
      if (!first) throw new NotRun('the first order has no event (checked by ACT-FEED-EVERY-FINISHED-ORDER)', 'make ACT-FEED-EVERY-FINISHED-ORDER pass');
      const idx = all.indexOf(first);
      const { events: later, exchange } = await readFeed(t, t.alpha, first.event);
      t.expectEqual(ids(later.slice(0, all.length - idx - 1)), ids(all.slice(idx + 1)), `?since=${first.event} must give every event after it`, exchange);
      for (const d of done.slice(1)) t.expect(eventsFor(later, d.path).length === 1, `the later order ${d.path} is missing`, { expected: d.path, actual: ids(later), exchange });
    },
  },
  {
    id: 'since-event-not-included',
    rule: 'ACT-FEED-SINCE-EXCLUSIVE',
    title: 'the event named by since is not in the answer; the next one comes first',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const since = await mark(t);
      const done = await finishCycle(t, t.alpha, accessId, 2);
      const { events: all } = await readFeed(t, t.alpha, since);
      const [first] = eventsFor(all, done[0].path);
      const [second] = eventsFor(all, done[1].path);
      if (!first || !second) throw new NotRun('the finished orders have no events (checked by ACT-FEED-EVERY-FINISHED-ORDER)', 'make ACT-FEED-EVERY-FINISHED-ORDER pass');
      const { events, exchange } = await readFeed(t, t.alpha, first.event);
      t.expect(!ids(events).includes(first.event), 'the since event itself is in the answer', { expected: `no ${first.event}`, actual: ids(events).slice(0, 3), exchange });
      t.expectEqual(events[0]?.event, all[all.indexOf(first) + 1]?.event, 'the answer must start with the event after since', exchange);
    },
  },
  {
    id: 'feed-only-grows',
    rule: 'ACT-FEED-IMMUTABLE',
    title: 'repeated reads while orders finish: each answer is a prefix of every later one',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const since = await mark(t);
      const answers: Array<{ events: EventBody[]; exchange: any }> = [];
      for (let i = 0; i < 4; i++) {
        const { order } = await placeReceived(t, t.alpha, i % 2 === 0 ? activateBody(accessId, service) : deactivateBody(accessId, service));
        answers.push(await readFeed(t, t.alpha, since));
        await t.prerequisite('waiting for the order to finish', () => waitDone(t, t.alpha, order.path!));
        answers.push(await readFeed(t, t.alpha, since));
      }
      for (let i = 0; i + 1 < answers.length; i++) {
        const earlier = answers[i].events;
        const later = answers[i + 1].events;
        t.expectEqual(later.slice(0, earlier.length).map(eventMembers), earlier.map(eventMembers), `answer ${i + 2} does not contain answer ${i + 1} unchanged as its start`, answers[i + 1].exchange);
      }
    },
  },
  {
    id: 'feed-is-events-not-order-state',
    rule: 'ACT-FEED-NOT-PROJECTION',
    title: 'activate then deactivate one service: two events in that order, the first unchanged',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const since = await mark(t);
      const on = await finish(t, t.alpha, activateBody(accessId, service));
      const { events: before } = await readFeed(t, t.alpha, since);
      const [onEvent] = eventsFor(before, on.path);
      t.expect(!!onEvent, 'the ACTIVATE order has no event', { expected: on.path, actual: ids(before) });
      const off = await finish(t, t.alpha, deactivateBody(accessId, service));
      const { events: after, exchange } = await readFeed(t, t.alpha, since);
      const onAfter = eventsFor(after, on.path);
      const offAfter = eventsFor(after, off.path);
      t.expect(onAfter.length === 1 && offAfter.length === 1, 'both orders need an event of their own', { expected: [on.path, off.path], actual: after.map((e) => `${e.order?.operation} ${e.order?.path}`), exchange });
      t.expectEqual(eventMembers(onAfter[0]), eventMembers(onEvent), 'the ACTIVATE event changed after the DEACTIVATE finished', exchange);
      t.expect(after.indexOf(onAfter[0]) < after.indexOf(offAfter[0]), 'the DEACTIVATE event comes before the ACTIVATE event', { expected: 'ACTIVATE first', actual: ids(after), exchange });
    },
  },
  {
    id: 'event-ids-unique',
    rule: 'ACT-FEED-EVENT-UNIQUE',
    title: 'no event id occurs twice in the feed',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      await finishCycle(t, t.alpha, accessId, 2);
      // The whole feed, read item by item: only the ids seen so far are kept.
      const seen = new Set<string>();
      let twice: string | undefined;
      const { exchange } = await scanFeed(t, t.alpha, undefined, (e) => {
        if (seen.has(e.event)) twice ??= e.event;
        seen.add(e.event);
      });
      t.expect(twice === undefined, `event id ${twice} occurs twice`, { expected: 'unique ids', actual: twice, exchange });
    },
  },
  {
    id: 'event-id-works-as-since',
    rule: 'ACT-FEED-EVENT-ID-OPAQUE',
    title: 'whatever string an event id is, it is non-empty and accepted back as since',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      await finish(t, t.alpha, activateBody(accessId, profileOf(t).service));
      let last: EventBody | undefined;
      const { exchange } = await scanFeed(t, t.alpha, undefined, (e) => (last = e));
      t.expect(typeof last?.event === 'string' && last.event.length > 0, 'event ids must be non-empty strings', { actual: last?.event, exchange });
      const again = await t.alpha.get(EVENTS, { query: { since: last!.event } });
      t.expectStatus(again, 200, `the event id ${last!.event} given back as since`);
    },
  },
  {
    id: 'feed-in-finishing-order',
    rule: 'ACT-FEED-ASCENDING',
    title: 'orders finished one after the other appear in the order they finished',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const since = await mark(t);
      const done = await finishCycle(t, t.alpha, accessId, 6);
      const { events, exchange } = await readFeed(t, t.alpha, since);
      const positions = done.map((d) => events.findIndex((e) => samePath(e.order?.path, d.path)));
      t.expect(!positions.includes(-1), 'a finished order has no event', { expected: done.map((d) => d.path), actual: ids(events), exchange });
      t.expectEqual(positions, [...positions].sort((a, b) => a - b), 'events are not in the order the orders finished', exchange);
    },
  },
  {
    id: 'since-chain-has-no-gaps-or-repeats',
    rule: 'ACT-FEED-SINCE-CHAIN',
    title: 'following the since chain while orders finish visits exactly the full list',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const start = await mark(t);
      let since = start;
      const chained: EventBody[] = [];
      for (let i = 0; i < 5; i++) {
        await finish(t, t.alpha, i % 2 === 0 ? activateBody(accessId, service) : deactivateBody(accessId, service));
        const { events } = await readFeed(t, t.alpha, since);
        chained.push(...events);
        if (events.length) since = events[events.length - 1].event;
      }
      // Other checks' orders may finish after the last chained read: the full read then goes on past what was chained.
      const { events: full, exchange } = await readFeed(t, t.alpha, start);
      t.expectEqual(ids(chained), ids(full.slice(0, chained.length)), 'the chained reads differ from the start of one full read (gap, repeat or reorder)', exchange);
    },
  },
  {
    id: 'feed-only-done-states',
    rule: 'ACT-FEED-ONLY-DONE',
    title: 'the feed only has DONE_SUCCESS or DONE_FAILED events, never a RECEIVED order',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const since = await mark(t);
      const { order } = await placeReceived(t, t.alpha, activateBody(accessId, profileOf(t).service));
      const check = async () => {
        // The schema also forbids other states; read without it so the verdict names this rule.
        const { events, exchange } = await readFeed(t, t.alpha, since, { skipSchema: true });
        const bad = events.filter((e) => e.order?.state !== 'DONE_SUCCESS' && e.order?.state !== 'DONE_FAILED');
        t.expect(bad.length === 0, 'the feed has events that are not DONE_*', { expected: 'DONE_SUCCESS or DONE_FAILED', actual: bad.slice(0, 3), exchange });
      };
      await check();
      await waitDone(t, t.alpha, order.path!);
      await check();
    },
  },
  {
    id: 'no-since-returns-all',
    rule: 'ACT-FEED-NO-SINCE-ALL',
    title: 'without since, the feed has every event, ending with those after any since',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const since = await mark(t);
      const done = await finishCycle(t, t.alpha, accessId, 2);
      const { events: after } = await readFeed(t, t.alpha, since);
      // Every event there is, read item by item: only what is compared is kept (the finished orders' events, what
      // follows the mark, the end). Other checks' orders may finish meanwhile: after the mark, the answer without
      // since must go on with the answer after it, and may hold more events after those.
      const tail = new Tail<EventBody>(after.length);
      const following: EventBody[] = [];
      const mine = done.map(() => 0);
      let markSeen = !since;
      const { exchange } = await scanFeed(t, t.alpha, undefined, (e) => {
        tail.push(e);
        done.forEach((d, i) => (mine[i] += samePath(e.order?.path, d.path) ? 1 : 0));
        if (markSeen && following.length < after.length) following.push(e);
        if (e.event === since) markSeen = true;
      });
      done.forEach((d, i) => t.expect(mine[i] === 1, `the finished order ${d.path} is missing without since`, { expected: d.path, actual: ids(tail.get()).slice(-5), exchange }));
      t.expectEqual(ids(following), ids(after), 'after the mark, the answer without since must go on with the answer since the mark', exchange);
      if (since) t.expect(markSeen, 'the event used as mark is missing without since', { expected: since, actual: 'absent', exchange });
    },
  },
  {
    id: 'unknown-since-is-not-empty-200',
    rule: 'ACT-FEED-UNKNOWN-SINCE-REJECTED',
    title: 'an unknown since is an error with a cause, not 200 []',
    async run(t: CheckContext) {
      const ex = await t.alpha.get(EVENTS, { query: { since: t.uuid() } });
      t.expectStatus(ex, [400, 404], 'GET orderevents/ with an unknown since');
      t.expect(typeof ex.body?.cause === 'string' && ex.body.cause.length > 0, 'the error needs a cause', { actual: excerpt(ex.text, 200), exchange: ex });
    },
  },
];
