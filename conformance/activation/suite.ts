/**
 * Conformance checks for the Service Activation API (ON-API 2.3.1) and its order event feed.
 * Each check names one rule of specs/activation/rules.yaml and creates the state it needs.
 */
import { defineSuite, type Check, type CheckContext } from '../framework/check.js';
import type { ApiClient } from '../framework/http.js';
import { NotRun } from '../framework/violation.js';
import {
  activateBody,
  deactivateBody,
  EVENTS,
  eventsFor,
  finish,
  freshAccess,
  mark,
  ORDERS,
  placeReceived,
  profileOf,
  readFeed,
  ROOT,
  samePath,
  waitDone,
  type EventBody,
} from './helpers.js';

const ids = (events: EventBody[]) => events.map((e) => e.event);

/** Finishes `count` orders one after the other on one access (ACTIVATE, DEACTIVATE, ACTIVATE, ...). */
async function finishCycle(t: CheckContext, client: ApiClient, accessId: string, count: number) {
  const { service } = profileOf(t);
  const done = [];
  for (let i = 0; i < count; i++) {
    done.push(await finish(t, client, i % 2 === 0 ? activateBody(accessId, service) : deactivateBody(accessId, service)));
  }
  return done;
}

/** Every 400 must carry a non-empty cause. */
function expectCause(t: CheckContext, ex: Awaited<ReturnType<ApiClient['get']>>, what: string) {
  t.expectStatus(ex, 400, what);
  t.expect(typeof ex.body?.cause === 'string' && ex.body.cause.length > 0, `${what}: the 400 answer needs a cause`, {
    expected: '{ "cause": "<text>" }',
    actual: ex.text.slice(0, 200),
    exchange: ex,
  });
}

const checks: Check[] = [
  // ---------------------------------------------------------------- orders
  {
    id: 'received-order-finishes',
    rule: 'ACT-ORDER-RECEIVED-POLLABLE',
    title: 'an order answered RECEIVED can be polled at its path until it is DONE_*',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { order } = await placeReceived(t, t.alpha, activateBody(accessId, profileOf(t).service));
      const done = await waitDone(t, t.alpha, order.path!);
      t.expect(['DONE_SUCCESS', 'DONE_FAILED'].includes(done.state), 'the polled order must end DONE_SUCCESS or DONE_FAILED', { actual: done.state });
    },
  },
  {
    id: 'create-answers-201-location-received',
    rule: 'ACT-ORDER-CREATED',
    title: 'a new order is 201 with Location, path, the request fields, state RECEIVED and message ""',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const ex = await t.alpha.post(ORDERS, activateBody(accessId, service, { spReference: t.uid('ref') }));
      t.expectStatus(ex, 201, 'POST orders/ (a new ACTIVATE)');
      const location = ex.headers.location;
      t.expect(!!location, 'a created order needs a Location header', { expected: `Location: ${ROOT}/orders/<id>`, actual: '(none)', exchange: ex });
      const b = ex.body;
      t.expect(typeof b.path === 'string' && b.path.includes(`${ROOT}/orders/`), 'the body needs the order path', { expected: `${ROOT}/orders/<id>`, actual: b.path, exchange: ex });
      t.expect(new URL(location, ex.url).pathname.endsWith(b.path), 'Location must point at the order path of the body', { expected: b.path, actual: location, exchange: ex });
      t.expectEqual(
        { accessId: b.accessId, service: b.service, operation: b.operation, state: b.state, message: b.message },
        { accessId, service, operation: 'ACTIVATE', state: 'RECEIVED', message: '' },
        'the created order echoes the request, RECEIVED with an empty message',
        ex,
      );
      await waitDone(t, t.alpha, b.path);
    },
  },
  {
    id: 'get-order-same-shape',
    rule: 'ACT-ORDER-GET',
    title: 'GET orders/{id} answers the order with the same fields and its current state',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { order } = await placeReceived(t, t.alpha, activateBody(accessId, profileOf(t).service));
      const ex = await t.alpha.get(order.path!);
      t.expectStatus(ex, 200, `GET ${order.path}`);
      t.expectEqual(
        { path: ex.body.path, accessId: ex.body.accessId, service: ex.body.service, operation: ex.body.operation },
        { path: order.path, accessId: order.accessId, service: order.service, operation: order.operation },
        'GET answers the order as it was created',
        ex,
      );
      t.expect(['RECEIVED', 'DONE_SUCCESS', 'DONE_FAILED'].includes(ex.body.state), 'the order has a state', { actual: ex.body.state, exchange: ex });
      await waitDone(t, t.alpha, order.path!);
    },
  },
  {
    id: 'finished-order-never-changes',
    rule: 'ACT-ORDER-FINAL',
    title: 'a DONE_* order keeps its state and message, however much time passes',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const done = await finish(t, t.alpha, activateBody(accessId, profileOf(t).service));
      if (t.clock.controllable) await t.clock.advance(3600);
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 60));
        const ex = await t.alpha.get(done.path);
        t.expectStatus(ex, 200, `GET ${done.path}`);
        t.expectEqual({ state: ex.body.state, message: ex.body.message }, { state: done.state, message: done.message }, 'a finished order changed again', ex);
      }
    },
  },
  {
    id: 'failed-order-has-message',
    rule: 'ACT-ORDER-FAILURE-MESSAGE',
    title: "an order at the profile's failing access ends DONE_FAILED with a message",
    async run(t: CheckContext) {
      const { failingAccess, service } = profileOf(t);
      if (!failingAccess) throw new NotRun('the profile names no failingAccess');
      const ex = await t.alpha.post(ORDERS, activateBody(failingAccess, service));
      t.expectStatus(ex, [200, 201], `ACTIVATE at the failing access ${failingAccess}`);
      t.expect(typeof ex.body.message === 'string', 'message is always present', { actual: ex.body, exchange: ex });
      t.expect(!!ex.body.path, 'the order at the failing access must be received (it has a path)', { actual: ex.body, exchange: ex });
      const done = await waitDone(t, t.alpha, ex.body.path);
      t.expect(done.state === 'DONE_FAILED', 'the order at the failing access must end DONE_FAILED', { expected: 'DONE_FAILED', actual: done.state });
      t.expect(typeof done.message === 'string' && done.message.trim().length > 0, 'DONE_FAILED needs a message saying why', { expected: 'a non-empty message', actual: JSON.stringify(done.message) });
    },
  },
  {
    id: 'bad-input-400-cause-nothing-created',
    rule: 'ACT-ORDER-BAD-INPUT',
    title: 'bad JSON, missing fields, bad content, unknown access or service: 400 { cause } and no order',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const ok = activateBody(accessId, service);
      const { accessId: _a, ...noAccess } = ok;
      const { service: _s, ...noService } = ok;
      const { operation: _o, ...noOperation } = ok;
      const cases: Array<[string, Record<string, unknown> | string]> = [
        ['bad JSON', '{"accessId": "' + accessId + '", "service": '],
        ['missing accessId', noAccess],
        ['missing service', noService],
        ['missing operation', noOperation],
        ['unknown operation', { ...ok, operation: 'TOGGLE' }],
        ['accessId with a space and "!"', { ...ok, accessId: 'bad id!' }],
        ['accessId of 33 characters', { ...ok, accessId: 'A'.repeat(33) }],
        ['unknown accessId', { ...ok, accessId: t.uid('NOSUCH').toUpperCase() }],
        ['service not offered', { ...ok, service: t.uid('NOSERVICE') }],
        ['malformed MAC address', { ...ok, equipment: [{ vendorId: 'ACME', macAddress: 'not-a-mac' }] }],
        ['spReference of 256 characters', { ...ok, spReference: 'r'.repeat(256) }],
        ['forcedTakeover not a boolean', { ...ok, forcedTakeover: 'no' }],
      ];
      for (const [what, body] of cases) {
        const ex = typeof body === 'string' ? await t.alpha.request('POST', ORDERS, { rawBody: body }) : await t.alpha.post(ORDERS, body);
        expectCause(t, ex, `POST orders/ with ${what}`);
      }
      const ex = await t.alpha.post(ORDERS, { ...ok, spReference: 'r'.repeat(255) });
      t.expectStatus(ex, 201, 'a valid ACTIVATE after the refused ones (a refused request created an order if this is 200)');
      await waitDone(t, t.alpha, ex.body.path);
    },
  },
  {
    id: 'forced-takeover-required-for-activate',
    rule: 'ACT-ORDER-FORCED-TAKEOVER',
    title: 'ACTIVATE without forcedTakeover is 400; with forcedTakeover false it is accepted',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const ex = await t.alpha.post(ORDERS, { accessId, service, operation: 'ACTIVATE' });
      expectCause(t, ex, 'ACTIVATE without forcedTakeover');
      const ok = await t.alpha.post(ORDERS, activateBody(accessId, service));
      t.expectStatus(ok, 201, 'ACTIVATE with forcedTakeover false');
      await waitDone(t, t.alpha, ok.body.path);
    },
  },
  {
    id: 'deactivate-with-three-fields',
    rule: 'ACT-ORDER-DEACTIVATE-MINIMAL',
    title: 'a DEACTIVATE with only accessId, service and operation is received and succeeds',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      await finish(t, t.alpha, activateBody(accessId, service));
      const ex = await t.alpha.post(ORDERS, deactivateBody(accessId, service));
      t.expectStatus(ex, 201, 'DEACTIVATE {accessId, service, operation} of an active service');
      const done = await waitDone(t, t.alpha, ex.body.path);
      t.expectEqual(done.state, 'DONE_SUCCESS', 'the minimal DEACTIVATE must succeed');
    },
  },
  {
    id: 'same-type-already-active-400',
    rule: 'ACT-ORDER-SAME-TYPE-ACTIVE',
    title: 'ACTIVATE of a service whose service type already has another active service is 400',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service, sameTypeService } = profileOf(t);
      const first = await finish(t, t.alpha, activateBody(accessId, service));
      if (first.state !== 'DONE_SUCCESS') throw new NotRun(`activating ${service} at ${accessId} ended ${first.state}`);
      const ex = await t.alpha.post(ORDERS, activateBody(accessId, sameTypeService));
      expectCause(t, ex, `ACTIVATE ${sameTypeService} while ${service} is active`);
    },
  },
  {
    id: 'in-progress-duplicate-200-same-order',
    rule: 'ACT-ORDER-IN-PROGRESS',
    title: 'the same order again while one is in progress is 200 with the existing order',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { order } = await placeReceived(t, t.alpha, activateBody(accessId, profileOf(t).service));
      const ex = await t.alpha.post(ORDERS, activateBody(accessId, profileOf(t).service));
      t.expectStatus(ex, 200, 'the same ACTIVATE again');
      if (ex.body.state === 'RECEIVED') {
        t.expect(samePath(ex.body.path, order.path), 'the answer must be the existing order', { expected: order.path, actual: ex.body.path, exchange: ex });
      } else {
        const first = await t.alpha.get(order.path!);
        t.expect(first.body.state !== 'RECEIVED', 'answered as finished while the first order is still in progress', { expected: order.path, actual: ex.body, exchange: ex });
      }
      await waitDone(t, t.alpha, order.path!);
    },
  },
  {
    id: 'nothing-to-do-200-done-success-no-path',
    rule: 'ACT-ORDER-NOTHING-TO-DO',
    title: 'DEACTIVATE of an inactive and ACTIVATE of an active service: 200 DONE_SUCCESS without path',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const off = await t.alpha.post(ORDERS, deactivateBody(accessId, service));
      t.expectStatus(off, 200, 'DEACTIVATE of an inactive service');
      t.expectEqual({ state: off.body.state, path: off.body.path }, { state: 'DONE_SUCCESS' }, 'nothing to do: DONE_SUCCESS and no path', off);
      const done = await finish(t, t.alpha, activateBody(accessId, service));
      if (done.state !== 'DONE_SUCCESS') throw new NotRun(`activating ${service} at ${accessId} ended ${done.state}`);
      const on = await t.alpha.post(ORDERS, activateBody(accessId, service));
      t.expectStatus(on, 200, 'ACTIVATE of an active service');
      t.expectEqual({ state: on.body.state, path: on.body.path }, { state: 'DONE_SUCCESS' }, 'nothing to do: DONE_SUCCESS and no path', on);
    },
  },
  {
    id: 'type-claimed-by-other-provider-400',
    rule: 'ACT-ORDER-TYPE-CLAIMED',
    title: "ACTIVATE of a service type another provider has active at the access is 400",
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service, sameTypeService } = profileOf(t);
      const theirs = await finish(t, t.beta, activateBody(accessId, service));
      if (theirs.state !== 'DONE_SUCCESS') throw new NotRun(`tenant B activating ${service} ended ${theirs.state}`);
      for (const svc of [sameTypeService, service]) {
        const ex = await t.alpha.post(ORDERS, activateBody(accessId, svc));
        expectCause(t, ex, `ACTIVATE ${svc} while another provider has ${service} active`);
      }
    },
  },
  {
    id: 'unknown-order-404',
    rule: 'ACT-ORDER-NOT-FOUND',
    title: 'an order id that does not exist is 404 with a cause',
    async run(t: CheckContext) {
      const ex = await t.alpha.get(`${ROOT}/orders/${t.uuid()}`);
      t.expectStatus(ex, 404, 'GET of an unknown order');
      t.expect(typeof ex.body?.cause === 'string', 'the 404 needs a cause', { actual: ex.text.slice(0, 200), exchange: ex });
    },
  },
  // ---------------------------------------------------------------- tenancy, auth, schema, accesses
  {
    id: 'provider-sees-only-its-own',
    rule: 'ACT-TENANCY',
    title: "another provider's order is 404 and is in neither its feed, services/ nor the access's active list",
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const done = await finish(t, t.alpha, activateBody(accessId, service, { spReference: t.uid('ref') }));
      const get = await t.beta.get(done.path);
      t.expectStatus(get, 404, "tenant B reading tenant A's order");
      const { events, exchange } = await readFeed(t, t.beta);
      t.expect(eventsFor(events, done.path).length === 0, "tenant A's event is in tenant B's feed", { expected: 'absent', actual: done.path, exchange });
      const svc = await t.beta.get(`${ROOT}/services/`);
      t.expect(
        !(svc.body as any[]).some((s) => s.accessId === accessId && s.service === service),
        "tenant A's active service is listed in tenant B's services/",
        { expected: 'absent', actual: `${service} at ${accessId}`, exchange: svc },
      );
      const acc = await t.beta.get(`${ROOT}/accesses/${accessId}`);
      t.expectStatus(acc, 200, `tenant B reading access ${accessId}`);
      t.expect(!(acc.body.active ?? []).some((a: any) => a.service === service), "tenant A's active service is in tenant B's active list", { actual: acc.body.active, exchange: acc });
    },
  },
  {
    id: 'no-credentials-401',
    rule: 'ACT-AUTH',
    title: 'requests without HTTP Basic credentials are 401',
    async run(t: CheckContext) {
      const { service } = profileOf(t);
      for (const ex of [
        await t.anonymous.get(EVENTS),
        await t.anonymous.post(ORDERS, activateBody(profileOf(t).accesses[0], service)),
        await t.anonymous.get(`${ROOT}/services/`),
        await t.anonymous.get(`${ROOT}/orders/${t.uuid()}`),
      ]) {
        t.expectStatus(ex, 401);
      }
    },
  },
  {
    id: 'responses-match-spec',
    rule: 'ACT-SCHEMA',
    title: 'feed, orders, accesses, services and errors match the spec',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const done = await finish(t, t.alpha, activateBody(accessId, service, { equipment: [{ vendorId: 'ACME', macAddress: '00:11:22:33:44:55' }], spReference: t.uid('ref') }));
      await t.alpha.get(done.path);
      await readFeed(t, t.alpha);
      await t.alpha.get(`${ROOT}/accesses/`);
      await t.alpha.get(`${ROOT}/accesses/${accessId}`);
      await t.alpha.get(`${ROOT}/services/`);
      await t.alpha.post(ORDERS, { ...activateBody(accessId, service), operation: 'TOGGLE' });
      await t.alpha.get(EVENTS, { query: { since: t.uuid() } });
    },
  },
  {
    id: 'accesses-list-profile-accesses',
    rule: 'ACT-ACCESS-LIST',
    title: "accesses/ lists the profile's accesses, each offering the profile's services",
    async run(t: CheckContext) {
      const { accesses, service, sameTypeService } = profileOf(t);
      const ex = await t.alpha.get(`${ROOT}/accesses/`);
      t.expectStatus(ex, 200, 'GET accesses/');
      const byId = new Map((ex.body as any[]).map((a) => [a.accessId, a]));
      for (const id of accesses.slice(0, 10)) {
        const a = byId.get(id);
        t.expect(!!a, `access ${id} is not listed`, { expected: id, actual: 'absent', exchange: ex });
        for (const svc of [service, sameTypeService]) {
          t.expect((a.services ?? []).some((s: any) => s.service === svc), `access ${id} does not offer ${svc}`, { actual: a.services, exchange: ex });
        }
      }
    },
  },
  {
    id: 'access-lists-callers-active-services',
    rule: 'ACT-ACCESS-ACTIVE',
    title: "accesses/{id} lists the caller's active service with its spReference, and only the caller's",
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const spReference = t.uid('ref');
      const done = await finish(t, t.alpha, activateBody(accessId, service, { spReference }));
      if (done.state !== 'DONE_SUCCESS') throw new NotRun(`activating ${service} ended ${done.state}`);
      const mine = await t.alpha.get(`${ROOT}/accesses/${accessId}`);
      t.expectStatus(mine, 200, `GET accesses/${accessId}`);
      const entry = (mine.body.active ?? []).find((a: any) => a.service === service);
      t.expect(!!entry, `the active list lacks ${service}`, { expected: service, actual: mine.body.active, exchange: mine });
      t.expectEqual(entry.spReference, spReference, 'the active service carries the spReference of its order', mine);
      const theirs = await t.beta.get(`${ROOT}/accesses/${accessId}`);
      t.expect(!(theirs.body.active ?? []).some((a: any) => a.service === service), "another provider's active list shows the service", { actual: theirs.body.active, exchange: theirs });
    },
  },
  {
    id: 'services-lists-active-services',
    rule: 'ACT-SERVICES-LIST',
    title: 'services/ lists an activated service with its spReference, and no longer after deactivation',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const spReference = t.uid('ref');
      const done = await finish(t, t.alpha, activateBody(accessId, service, { spReference }));
      if (done.state !== 'DONE_SUCCESS') throw new NotRun(`activating ${service} ended ${done.state}`);
      const on = await t.alpha.get(`${ROOT}/services/`);
      const entry = (on.body as any[]).find((s) => s.accessId === accessId && s.service === service);
      t.expect(!!entry, 'services/ lacks the activated service', { expected: { service, accessId, spReference }, actual: 'absent', exchange: on });
      t.expectEqual(entry.spReference, spReference, 'services/ carries the spReference', on);
      await finish(t, t.alpha, deactivateBody(accessId, service));
      const off = await t.alpha.get(`${ROOT}/services/`);
      t.expect(!(off.body as any[]).some((s) => s.accessId === accessId && s.service === service), 'services/ still lists a deactivated service', { actual: entry, exchange: off });
    },
  },
  // ---------------------------------------------------------------- the order event feed
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
      if (!first) throw new NotRun('the first order has no event (checked by ACT-FEED-EVERY-FINISHED-ORDER)');
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
      if (!first || !second) throw new NotRun('the finished orders have no events (checked by ACT-FEED-EVERY-FINISHED-ORDER)');
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
        t.expectEqual(later.slice(0, earlier.length), earlier, `answer ${i + 2} does not contain answer ${i + 1} unchanged as its start`, answers[i + 1].exchange);
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
      t.expectEqual(onAfter[0], onEvent, 'the ACTIVATE event changed after the DEACTIVATE finished', exchange);
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
      const { events, exchange } = await readFeed(t, t.alpha);
      const seen = new Set<string>();
      for (const e of events) {
        t.expect(!seen.has(e.event), `event id ${e.event} occurs twice`, { expected: 'unique ids', actual: e.event, exchange });
        seen.add(e.event);
      }
    },
  },
  {
    id: 'event-id-works-as-since',
    rule: 'ACT-FEED-EVENT-ID-OPAQUE',
    title: 'whatever string an event id is, it is non-empty and accepted back as since',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      await finish(t, t.alpha, activateBody(accessId, profileOf(t).service));
      const { events, exchange } = await readFeed(t, t.alpha);
      const last = events[events.length - 1];
      t.expect(typeof last?.event === 'string' && last.event.length > 0, 'event ids must be non-empty strings', { actual: last?.event, exchange });
      const again = await t.alpha.get(EVENTS, { query: { since: last.event } });
      t.expectStatus(again, 200, `the event id ${last.event} given back as since`);
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
      const { events: full, exchange } = await readFeed(t, t.alpha, start);
      t.expectEqual(ids(chained), ids(full), 'the chained reads differ from one full read (gap, repeat or reorder)', exchange);
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
      const { events: all, exchange } = await readFeed(t, t.alpha);
      for (const d of done) t.expect(eventsFor(all, d.path).length === 1, `the finished order ${d.path} is missing without since`, { expected: d.path, actual: ids(all).slice(-5), exchange });
      t.expectEqual(ids(all.slice(all.length - after.length)), ids(after), 'the answer without since must end with the answer after the mark', exchange);
      if (since) t.expect(ids(all).includes(since), 'the event used as mark is missing without since', { expected: since, actual: 'absent', exchange });
    },
  },
  {
    id: 'unknown-since-is-not-empty-200',
    rule: 'ACT-FEED-UNKNOWN-SINCE-REJECTED',
    title: 'an unknown since is an error with a cause, not 200 []',
    async run(t: CheckContext) {
      const ex = await t.alpha.get(EVENTS, { query: { since: t.uuid() } });
      t.expectStatus(ex, [400, 404], 'GET orderevents/ with an unknown since');
      t.expect(typeof ex.body?.cause === 'string' && ex.body.cause.length > 0, 'the error needs a cause', { actual: ex.text.slice(0, 200), exchange: ex });
    },
  },
];

export default defineSuite({ api: 'activation', schemaRule: 'ACT-SCHEMA', checks });
