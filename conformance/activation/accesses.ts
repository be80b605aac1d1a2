/** Activation accesses and services: what is offered at an access and what is active. */
import type { Check, CheckContext } from '../framework/check.js';
import type { Exchange } from '../framework/types.js';
import { NotRun } from '../framework/violation.js';
import { activateBody, deactivateBody, finish, freshAccess, profileOf, ROOT } from './helpers.js';

/** An spReference beyond ASCII (Latin-1 letters, and a sign outside Latin-1): stored and answered as sent. */
const reference = (t: CheckContext) => `${t.uid('ref')}-Sjöström-ÅÄÖ-€`;

export const accessChecks: Check[] = [
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
    id: 'accesses-incremental-by-if-modified-since',
    rule: 'ACT-ACCESS-INCREMENTAL',
    title: 'accesses/ answers Last-Modified; sent back as If-Modified-Since it answers 304, or 200 changed since; a date before any change answers every access',
    async run(t: CheckContext) {
      const { accesses } = profileOf(t);
      const all = await t.alpha.get(`${ROOT}/accesses/`);
      t.expectStatus(all, 200, 'GET accesses/');
      const lastModified = all.headers['last-modified'];
      t.expect(!!lastModified && !Number.isNaN(Date.parse(lastModified)), 'a 200 answer of GET accesses/ has no Last-Modified HTTP-date', { expected: 'Last-Modified: <HTTP-date>', actual: lastModified ?? 'absent', exchange: all });
      const again = await t.alpha.get(`${ROOT}/accesses/`, { headers: { 'If-Modified-Since': lastModified } });
      if (again.status === 200) {
        // Something changed after the first answer: the second one says when.
        const later = Date.parse(again.headers['last-modified'] ?? '');
        t.expect(later > Date.parse(lastModified), `GET accesses/ with If-Modified-Since: ${lastModified} answered 200 without anything changed since`, { expected: `304, or 200 with a Last-Modified after ${lastModified}`, actual: `200, Last-Modified: ${again.headers['last-modified'] ?? 'absent'}`, exchange: again });
      } else t.expectStatus(again, 304, `GET accesses/ with If-Modified-Since: ${lastModified} (the answer's own Last-Modified)`);
      const since1970 = await t.alpha.get(`${ROOT}/accesses/`, { headers: { 'If-Modified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' } });
      t.expectStatus(since1970, 200, 'GET accesses/ with If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT');
      const listed = new Set((Array.isArray(since1970.body) ? since1970.body : []).map((a: any) => a?.accessId));
      const missing = accesses.slice(0, 10).filter((id: string) => !listed.has(id));
      t.expect(!missing.length, `accesses changed since 1970 leave out ${missing.join(', ')}`, { expected: "every access, the profile's among them", actual: `${listed.size} accesses`, exchange: since1970 });
    },
  },
  {
    id: 'unknown-access-answers-error',
    rule: 'ACT-ACCESS-ACTIVE',
    title: 'the availability of an accessId the KO does not have answers 404 (or 400) with a cause',
    async run(t: CheckContext) {
      const unknown = t.uid('NOSUCH').toUpperCase();
      const ex = await t.alpha.get(`${ROOT}/accesses/${unknown}`, { skipSchema: true });
      t.expectStatus(ex, [404, 400], `GET accesses/${unknown} (no such access)`);
      t.expect(typeof ex.body?.cause === 'string' && ex.body.cause.length > 0, `GET accesses/${unknown}: the ${ex.status} answer needs a cause`, { expected: '{ "cause": "<text>" }', actual: ex.text?.slice(0, 200), exchange: ex });
    },
  },
  {
    id: 'access-lists-callers-active-services',
    rule: 'ACT-ACCESS-ACTIVE',
    title: "accesses/{id} lists the caller's active service with its spReference, and only the caller's",
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const spReference = reference(t);
      // Read while the order is in progress too (it reads RECEIVED before and after): the service is not active yet,
      // and the list after it finishes must not be an answer kept from before.
      let early: Exchange | undefined;
      const done = await finish(t, t.alpha, activateBody(accessId, service, { spReference }), async (order) => {
        const before = await t.alpha.get(order.path, { skipSchema: true });
        const during = await t.alpha.get(`${ROOT}/accesses/${accessId}`);
        const after = await t.alpha.get(order.path, { skipSchema: true });
        const listed = (during.body?.active ?? []).some((a: any) => a?.service === service);
        if (before.body?.state === 'RECEIVED' && after.body?.state === 'RECEIVED' && listed) early = during;
      });
      t.expect(!early, `while its ACTIVATE was still RECEIVED, the access listed ${service} as active`, { expected: 'no active service until the order has succeeded', actual: early?.body?.active, exchange: early });
      if (done.state !== 'DONE_SUCCESS') throw new NotRun(`activating ${service} ended ${done.state}`, `make an ACTIVATE of activation.service at the accesses of activation.accesses succeed`);
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
    id: 'access-active-service-carries-its-equipment',
    rule: 'ACT-ACCESS-ACTIVE',
    title: 'accesses/{id} lists an active service with the equipment its ACTIVATE sent',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const equipment = [
        { vendorId: 'ACME', macAddress: '00:1A:2B:3C:4D:5E' },
        { vendorId: 'ORDERCERT', macAddress: '00:1A:2B:3C:4D:5F' },
      ];
      const done = await finish(t, t.alpha, activateBody(accessId, service, { equipment }));
      if (done.state !== 'DONE_SUCCESS') throw new NotRun(`activating ${service} ended ${done.state}`, `make an ACTIVATE of activation.service at the accesses of activation.accesses succeed`);
      const ex = await t.alpha.get(`${ROOT}/accesses/${accessId}`);
      t.expectStatus(ex, 200, `GET accesses/${accessId}`);
      const entry = (ex.body?.active ?? []).find((a: any) => a.service === service);
      t.expect(!!entry, `the active list lacks ${service}`, { expected: service, actual: ex.body?.active, exchange: ex });
      // A MAC address is the same address in either case. The availability page's own example lists an active
      // service's equipment as `{ vendorId }` alone, so an answer may leave macAddress out; one it gives must be the one sent.
      const seen = (entry.equipment ?? []).map((e: any, i: number) => ({
        vendorId: e?.vendorId,
        macAddress: e?.macAddress === undefined ? equipment[i]?.macAddress : String(e.macAddress).toUpperCase(),
      }));
      t.expectEqual(seen, equipment, 'the active service does not carry the equipment its ACTIVATE sent', ex);
    },
  },
  {
    id: 'deactivation-clears-the-equipment',
    rule: 'ACT-ACCESS-ACTIVE',
    title: 'after a DEACTIVATE the equipment is cleared: the next ACTIVATE with no equipment lists none',
    async run(t: CheckContext) {
      // "Vid avaktivering skall listan av equipment rensas" (on deactivation the list of equipment shall be cleared).
      const accessId = await freshAccess(t);
      const { service, sameTypeService } = profileOf(t);
      const first = await finish(t, t.alpha, activateBody(accessId, service, { equipment: [{ vendorId: 'ACME', macAddress: '00:1A:2B:3C:4D:5E' }] }));
      if (first.state !== 'DONE_SUCCESS') throw new NotRun(`activating ${service} ended ${first.state}`, `make an ACTIVATE of activation.service at the accesses of activation.accesses succeed`);
      const off = await finish(t, t.alpha, deactivateBody(accessId, service));
      if (off.state !== 'DONE_SUCCESS') throw new NotRun(`deactivating ${service} ended ${off.state}`, `make a DEACTIVATE of activation.service succeed`);
      for (const svc of [sameTypeService, service]) {
        const done = await finish(t, t.alpha, activateBody(accessId, svc, { equipment: [] }));
        if (done.state !== 'DONE_SUCCESS') throw new NotRun(`activating ${svc} ended ${done.state}`, `make an ACTIVATE of the profile's services succeed`);
        const ex = await t.alpha.get(`${ROOT}/accesses/${accessId}`);
        t.expectStatus(ex, 200, `GET accesses/${accessId}`);
        const entry = (ex.body?.active ?? []).find((a: any) => a?.service === svc);
        t.expect(!!entry, `the active list lacks ${svc}`, { expected: svc, actual: ex.body?.active, exchange: ex });
        t.expect(!(entry.equipment ?? []).length, `${svc}, activated with no equipment after a DEACTIVATE, lists equipment`, { expected: 'no equipment', actual: entry.equipment, exchange: ex });
        await finish(t, t.alpha, deactivateBody(accessId, svc));
      }
    },
  },
  {
    id: 'services-lists-active-services',
    rule: 'ACT-SERVICES-LIST',
    title: 'services/ lists an activated service with its spReference, and no longer after deactivation',
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      const spReference = reference(t);
      // Read while each order is in progress too: the list after it finishes must not be an answer kept from before.
      const listed = () => t.alpha.get(`${ROOT}/services/`);
      const done = await finish(t, t.alpha, activateBody(accessId, service, { spReference }), listed);
      if (done.state !== 'DONE_SUCCESS') throw new NotRun(`activating ${service} ended ${done.state}`, `make an ACTIVATE of activation.service at the accesses of activation.accesses succeed`);
      const on = await t.alpha.get(`${ROOT}/services/`);
      const entry = (on.body as any[]).find((s) => s.accessId === accessId && s.service === service);
      t.expect(!!entry, 'services/ lacks the activated service', { expected: { service, accessId, spReference }, actual: 'absent', exchange: on });
      t.expectEqual(entry.spReference, spReference, 'services/ carries the spReference', on);
      await finish(t, t.alpha, deactivateBody(accessId, service), listed);
      const off = await t.alpha.get(`${ROOT}/services/`);
      t.expect(!(off.body as any[]).some((s) => s.accessId === accessId && s.service === service), 'services/ still lists a deactivated service', { actual: entry, exchange: off });
    },
  },
];
