/** Activation input: orders the server must refuse with 400 and a cause, and the spec's shapes. */
import { invalidBodies } from '../framework/body-probes.js';
import type { Check, CheckContext } from '../framework/check.js';
import { NotRun } from '../framework/violation.js';
import {
  activateBody,
  deactivateBody,
  ensureActive,
  EVENTS,
  expectCause,
  finish,
  freshAccess,
  ORDERS,
  profileOf,
  scanFeed,
  ROOT,
  settle,
} from './helpers.js';

export const inputChecks: Check[] = [
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
      // A DEACTIVATE is validated as an ACTIVATE is, also when there would be nothing to do.
      const off = deactivateBody(accessId, service);
      cases.push(
        ['a DEACTIVATE of an unknown accessId', { ...off, accessId: t.uid('NOSUCH').toUpperCase() }],
        ['a DEACTIVATE of a service not offered', { ...off, service: t.uid('NOSERVICE') }],
        ['a DEACTIVATE with an accessId of 33 characters', { ...off, accessId: 'A'.repeat(33) }],
      );
      for (const [what, body] of cases) {
        const ex = typeof body === 'string' ? await t.alpha.request('POST', ORDERS, { rawBody: body }) : await t.alpha.post(ORDERS, body);
        expectCause(t, ex, `POST orders/ with ${what}`);
      }
      const ex = await t.alpha.post(ORDERS, { ...ok, spReference: 'r'.repeat(255) });
      t.expectStatus(ex, 201, 'a valid ACTIVATE after the refused ones (a refused request created an order if this is 200)');
      await settle(t, t.alpha, ex.body.path);
    },
  },
  {
    id: 'service-listed-without-connection-400',
    rule: 'ACT-ORDER-BAD-INPUT',
    title: 'an ACTIVATE of a service an access lists with connection "NO" is 400 with a cause',
    async run(t: CheckContext) {
      // Found in the server's own access list, so no profile key is needed; the list's shape is ACT-ACCESS-LIST's.
      const list = await t.prerequisite('listing the accesses', async () => {
        const ex = await t.alpha.get(`${ROOT}/accesses/`, { skipSchema: true });
        if (ex.status !== 200 || !Array.isArray(ex.body)) throw new Error(`GET accesses/ answered ${ex.status}`);
        return ex.body as Array<{ accessId?: string; services?: Array<{ service?: string; connection?: string }> }>;
      });
      const found = list.flatMap((a) => (a.services ?? []).filter((s) => s.connection === 'NO').map((s) => ({ accessId: a.accessId, service: s.service }))).find((f) => f.accessId && f.service);
      if (!found) throw new NotRun('no access the server lists has a service with connection "NO"', 'list, among the accesses, one where a service is not connectable (connection "NO")');
      const ex = await t.alpha.post(ORDERS, activateBody(found.accessId!, found.service!));
      expectCause(t, ex, `ACTIVATE of ${found.service} at ${found.accessId}, listed there with connection "NO"`);
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
      await settle(t, t.alpha, ok.body.path);
    },
  },
  {
    id: 'same-type-already-active-400',
    rule: 'ACT-ORDER-SAME-TYPE-ACTIVE',
    title: 'ACTIVATE of a service whose service type already has another active service is 400',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service, sameTypeService } = profileOf(t);
      await ensureActive(t, t.alpha, accessId, service);
      const ex = await t.alpha.post(ORDERS, activateBody(accessId, sameTypeService));
      expectCause(t, ex, `ACTIVATE ${sameTypeService} while ${service} is active`);
    },
  },
  {
    id: 'type-claimed-by-other-provider-400',
    rule: 'ACT-ORDER-TYPE-CLAIMED',
    title: "ACTIVATE of a service type another provider has active at the access is 400",
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service, sameTypeService } = profileOf(t);
      await ensureActive(t, t.beta, accessId, service);
      for (const svc of [sameTypeService, service]) {
        const ex = await t.alpha.post(ORDERS, activateBody(accessId, svc));
        expectCause(t, ex, `ACTIVATE ${svc} while another provider has ${service} active`);
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
      await scanFeed(t, t.alpha, undefined, () => undefined);
      await t.alpha.get(`${ROOT}/accesses/`);
      await t.alpha.get(`${ROOT}/accesses/${accessId}`);
      await t.alpha.get(`${ROOT}/services/`);
      await t.alpha.post(ORDERS, { ...activateBody(accessId, service), operation: 'TOGGLE' });
      await t.alpha.get(EVENTS, { query: { since: t.uuid() } });
    },
  },
  {
    id: 'bodies-breaking-the-schema-400-nothing-created',
    rule: 'ACT-ORDER-BAD-INPUT',
    title: "ACTIVATE and DEACTIVATE bodies that break the spec's schema in one place (a member left out, of another type, outside its values) answer 400 with a cause and create no order",
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const valid = { ...activateBody(accessId, service), equipment: [{ vendorId: 'ordercert', macAddress: '02:00:00:00:00:01' }], spReference: t.uid('ref') };
      for (const { what, body } of invalidBodies('activation', 'createOrder', valid)) expectCause(t, await t.alpha.post(ORDERS, body, { skipSchema: true }), `POST orders/ with ${what}`);
      // A DEACTIVATE is validated as an ACTIVATE is, also when there would be nothing to do.
      for (const { what, body } of invalidBodies('activation', 'createOrder', deactivateBody(accessId, service))) expectCause(t, await t.alpha.post(ORDERS, body, { skipSchema: true }), `a DEACTIVATE with ${what}`);
      // A refused order that was created anyway would be in progress: this one would be answered 200, not 201.
      const ex = await t.alpha.post(ORDERS, valid);
      t.expectStatus(ex, 201, 'a valid ACTIVATE after the refused ones (a refused request created an order if this is 200)');
      await settle(t, t.alpha, ex.body.path);
    },
  },
];
