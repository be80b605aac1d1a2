/** Activation orders: received, polled, finished, and the answers for orders with nothing to do. */
import { excerpt } from '../framework/excerpt.js';
import type { Check, CheckContext } from '../framework/check.js';
import type { Exchange } from '../framework/types.js';
import { NotRun, RuleViolation } from '../framework/violation.js';
import {
  activateBody,
  deactivateBody,
  ensureActive,
  finish,
  freshAccess,
  ORDERS,
  placeReceived,
  profileOf,
  ROOT,
  samePath,
  settle,
  takeFailingAccess,
  waitDone,
} from './helpers.js';

/** The access answered lists the caller's `service` as active. */
const listsActive = (access: Exchange, service: string) => access.status === 200 && Array.isArray(access.body?.active) && access.body.active.some((a: any) => a?.service === service);

/** Fails unless the answer is "nothing to do": 200, DONE_SUCCESS, no path. */
/** "Nothing to do": 200, the order as requested (its accessId, service and operation), DONE_SUCCESS, no path. */
function expectNothingToDo(t: CheckContext, ex: Exchange, what: string, request: { accessId: string; service: string; operation: string }) {
  t.expectStatus(ex, 200, what);
  const { accessId, service, operation } = ex.body ?? {};
  t.expectEqual({ accessId, service, operation, state: ex.body?.state, path: ex.body?.path }, { ...request, state: 'DONE_SUCCESS' }, `${what}: nothing to do is the order as requested, DONE_SUCCESS and no path`, ex);
}

export const orderChecks: Check[] = [
  {
    id: 'received-order-finishes',
    rule: 'ACT-ORDER-RECEIVED-POLLABLE',
    title: 'an order answered RECEIVED can be polled at its path until it is DONE_*',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { order } = await placeReceived(t, t.alpha, activateBody(accessId, profileOf(t).service));
      const done = await waitDone(t, t.alpha, order.path!, true);
      t.expect(['DONE_SUCCESS', 'DONE_FAILED'].includes(done.state), 'the polled order must end DONE_SUCCESS or DONE_FAILED', { actual: done.state });
    },
  },
  {
    id: 'create-answers-201-location-received',
    rule: 'ACT-ORDER-CREATED',
    title: 'a new order (an ACTIVATE with spReference and equipment) is 201 with Location, path, the request fields, state RECEIVED and message ""',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const equipment = [{ vendorId: 'ACME', macAddress: '00:1a:2b:3c:4d:5e' }];
      const ex = await t.alpha.post(ORDERS, activateBody(accessId, service, { spReference: t.uid('ref'), equipment }));
      t.expectStatus(ex, 201, 'POST orders/ (a new ACTIVATE)');
      const location = ex.headers.location;
      t.expect(!!location, 'a created order needs a Location header', { expected: `Location: ${ROOT}/orders/<id>`, actual: '(none)', exchange: ex });
      const b = ex.body;
      t.expect(typeof b.path === 'string' && b.path.includes(`${ROOT}/orders/`), 'the body needs the order path', { expected: `${ROOT}/orders/<id>`, actual: b.path, exchange: ex });
      t.expect(new URL(location, ex.url).pathname.endsWith(b.path), 'Location must point at the order path of the body', { expected: b.path, actual: location, exchange: ex });
      // Followed where the suite can: on the host the order was placed with and below the base URL's API root (a
      // Location on another host may be the server's public name, which this run cannot tell from a wrong one; one
      // outside the base URL's path comes through a proxy that does not rewrite it).
      const resolved = new URL(location, ex.url);
      const base = new URL(t.alpha.baseUrl);
      const basePath = base.pathname.replace(/\/$/, '');
      if (resolved.hostname !== base.hostname) t.note(`the Location ${location} is on another host than ${base.hostname}; not followed`);
      else if (resolved.pathname.startsWith(`${basePath}${ROOT}/`)) {
        const followed = await t.alpha.get(resolved.pathname.slice(basePath.length), { skipSchema: true });
        t.expect(followed.status === 200 && samePath(followed.body?.path, b.path), 'following the Location does not answer the order', { expected: `200 with the order ${b.path}`, actual: `${followed.status} ${excerpt(followed.text, 200)}`, exchange: followed });
      }
      t.expectEqual(
        { accessId: b.accessId, service: b.service, operation: b.operation, state: b.state, message: b.message },
        { accessId, service, operation: 'ACTIVATE', state: 'RECEIVED', message: '' },
        'the created order echoes the request, RECEIVED with an empty message',
        ex,
      );
      await settle(t, t.alpha, b.path);
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
      await settle(t, t.alpha, order.path!);
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
        await t.sleep(60);
        const ex = await t.alpha.get(done.path);
        t.expectStatus(ex, 200, `GET ${done.path}`);
        t.expectEqual({ state: ex.body.state, message: ex.body.message }, { state: done.state, message: done.message }, 'a finished order changed again', ex);
      }
    },
  },
  {
    id: 'failed-order-has-message',
    rule: 'ACT-ORDER-FAILURE-MESSAGE',
    needs: 'failedOrders',
    uses: 'failingAccess',
    title: "an order at the profile's failing access ends DONE_FAILED with a message",
    async run(t: CheckContext) {
      const { service } = profileOf(t);
      const failingAccess = await takeFailingAccess(t);
      if (!failingAccess) throw new NotRun('the profile names no failingAccess', 'name in activation.failingAccess an access where an ACTIVATE ends DONE_FAILED, or declare capabilities.failedOrders: false');
      const ex = await t.alpha.post(ORDERS, activateBody(failingAccess, service));
      t.expectStatus(ex, [200, 201], `ACTIVATE at the failing access ${failingAccess}`);
      t.expect(typeof ex.body.message === 'string', 'message is always present', { actual: ex.body, exchange: ex });
      t.expect(!!ex.body.path, 'the order at the failing access must be received (it has a path)', { actual: ex.body, exchange: ex });
      // (That the access lists no service while its ACTIVATE is in progress is judged at a normal access, where the
      // order stays RECEIVED with a test clock: access-lists-callers-active-services.)
      const done = await waitDone(t, t.alpha, ex.body.path);
      t.expect(done.state === 'DONE_FAILED', 'the order at the failing access must end DONE_FAILED', { expected: 'DONE_FAILED', actual: done.state });
      t.expect(typeof done.message === 'string' && done.message.trim().length > 0, 'DONE_FAILED needs a message saying why', { expected: 'a non-empty message', actual: JSON.stringify(done.message) });
      // A finding on the way, under its own rule: the service was not active (the ACTIVATE was received), and a
      // failed order changes nothing, so the access must not list it now.
      const after = await t.alpha.get(`${ROOT}/accesses/${encodeURIComponent(failingAccess)}`, { skipSchema: true });
      if (listsActive(after, service)) {
        throw new RuleViolation(`the ACTIVATE of ${service} at ${failingAccess} ended DONE_FAILED, yet the access lists ${service} as active`, {
          rule: 'ACT-ACCESS-ACTIVE',
          expected: `no active ${service} (the order failed)`,
          actual: excerpt(after.text, 300),
          exchange: after,
        });
      }
    },
  },
  {
    id: 'deactivate-with-three-fields',
    rule: 'ACT-ORDER-DEACTIVATE-MINIMAL',
    title: 'a DEACTIVATE with only accessId, service and operation is received and succeeds',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      await ensureActive(t, t.alpha, accessId, service);
      const ex = await t.alpha.post(ORDERS, deactivateBody(accessId, service));
      t.expectStatus(ex, 201, 'DEACTIVATE {accessId, service, operation} of an active service');
      const done = await waitDone(t, t.alpha, ex.body.path);
      t.expectEqual(done.state, 'DONE_SUCCESS', 'the minimal DEACTIVATE must succeed');
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
      await settle(t, t.alpha, order.path!);
    },
  },
  {
    id: 'nothing-to-do-200-done-success-no-path',
    rule: 'ACT-ORDER-NOTHING-TO-DO',
    title: 'DEACTIVATE of an inactive and ACTIVATE of an active service: 200 DONE_SUCCESS without path; DEACTIVATE of an active service is not "nothing to do"',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const off = await t.alpha.post(ORDERS, deactivateBody(accessId, service));
      expectNothingToDo(t, off, 'DEACTIVATE of an inactive service', { accessId, service, operation: 'DEACTIVATE' });
      await ensureActive(t, t.alpha, accessId, service);
      const on = await t.alpha.post(ORDERS, activateBody(accessId, service));
      expectNothingToDo(t, on, 'ACTIVATE of an active service', { accessId, service, operation: 'ACTIVATE' });
      const end = await t.alpha.post(ORDERS, deactivateBody(accessId, service));
      t.expect(end.status === 201 && !!end.body?.path, 'DEACTIVATE of an active service answered as if there were nothing to do', {
        expected: '201 with the new order (state RECEIVED, a path)',
        actual: `${end.status} ${excerpt(end.text, 200)}`,
        exchange: end,
      });
      await settle(t, t.alpha, end.body.path);
    },
  },
  {
    id: 'deactivate-inactive-while-its-type-is-active',
    rule: 'ACT-ORDER-NOTHING-TO-DO',
    title: 'DEACTIVATE of an inactive service while another service of its type is active: 200 DONE_SUCCESS without path',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service, sameTypeService } = profileOf(t);
      await ensureActive(t, t.alpha, accessId, sameTypeService);
      const off = await t.alpha.post(ORDERS, deactivateBody(accessId, service));
      expectNothingToDo(t, off, `DEACTIVATE of ${service} while ${sameTypeService} is active`, { accessId, service, operation: 'DEACTIVATE' });
    },
  },
  {
    id: 'unknown-order-404',
    rule: 'ACT-ORDER-NOT-FOUND',
    title: 'an order id that does not exist is 404 with a cause',
    async run(t: CheckContext) {
      const ex = await t.alpha.get(`${ROOT}/orders/${t.uuid()}`);
      t.expectStatus(ex, 404, 'GET of an unknown order');
      t.expect(typeof ex.body?.cause === 'string', 'the 404 needs a cause', { actual: excerpt(ex.text, 200), exchange: ex });
    },
  },
];
