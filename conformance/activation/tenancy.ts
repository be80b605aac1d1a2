/** Activation tenancy: credentials are required, and one provider never sees another's orders or services. */
import type { Check, CheckContext } from '../framework/check.js';
import { NotRun } from '../framework/violation.js';
import { activateBody, deactivateBody, ensureActive, EVENTS, eventsFor, finish, finishCycle, freshAccess, mark, ORDERS, profileOf, readFeed, ROOT, samePath, scanFeed, waitDone } from './helpers.js';

export const tenancyChecks: Check[] = [
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
      let leaked = 0;
      const { exchange } = await scanFeed(t, t.beta, undefined, (e) => (leaked += eventsFor([e], done.path).length));
      t.expect(leaked === 0, "tenant A's event is in tenant B's feed", { expected: 'absent', actual: done.path, exchange });
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
    id: 'other-provider-cannot-deactivate',
    rule: 'ACT-TENANCY',
    title: "another provider's DEACTIVATE of a provider's active service leaves it active",
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const { service } = profileOf(t);
      await ensureActive(t, t.alpha, accessId, service);
      const theirs = await t.beta.post(ORDERS, deactivateBody(accessId, service));
      // However the server answers B (nothing to do, a refusal, or an order of its own), A's service must stay.
      if ((theirs.status === 200 || theirs.status === 201) && theirs.body?.path) {
        await t.prerequisite(`waiting for B's order ${theirs.body.path} to finish`, () => waitDone(t, t.beta, theirs.body.path));
      }
      const mine = await t.alpha.get(`${ROOT}/services/`);
      t.expectStatus(mine, 200, 'GET services/ as tenant A');
      t.expect(
        Array.isArray(mine.body) && mine.body.some((s: any) => s.accessId === accessId && s.service === service),
        "tenant B's DEACTIVATE ended tenant A's active service",
        { expected: `${service} at ${accessId} in A's services/`, actual: `B's DEACTIVATE answered ${theirs.status}; A's services/ lacks it`, exchange: theirs },
      );
    },
  },
  {
    id: 'since-of-another-providers-event',
    rule: 'ACT-TENANCY',
    title: "a feed read whose since names another provider's event answers none of that provider's events",
    async run(t: CheckContext) {
      const accessId = await freshAccess(t);
      const since = await mark(t, t.beta);
      const done = await finishCycle(t, t.beta, accessId, 2);
      const theirs = await t.prerequisite("reading B's events of its two orders", async () => {
        const { events } = await readFeed(t, t.beta, since, { skipSchema: true });
        return events;
      });
      const event = eventsFor(theirs, done[0].path)[0]?.event;
      if (!event) throw new NotRun(`B's feed has no event of its order ${done[0].path}`, 'the feed rules say why');
      // Refusing such a since (400 or 404) is ACT-FEED-UNKNOWN-SINCE-REJECTED's; answering B's events is never right.
      let leaked = 0;
      const ex = await t.alpha.get(EVENTS, { query: { since: event }, skipSchema: true, onItem: (e: any) => (leaked += done.some((d) => samePath(e?.order?.path, d.path)) ? 1 : 0) });
      t.expect(!leaked, `A's feed since B's event ${event} answered B's orders`, { expected: "none of B's events (or a refusal)", actual: `${leaked} of B's events`, exchange: ex });
    },
  },
  {
    id: 'no-credentials-401',
    rule: 'ACT-AUTH',
    title: 'requests without HTTP Basic credentials, or with a wrong secret, are 401',
    async run(t: CheckContext) {
      const { service } = profileOf(t);
      const wrong = t.alpha.as({ user: t.alpha.credentials?.user ?? 'alpha', secret: 'certainly-not-the-secret' });
      for (const client of [t.anonymous, wrong]) {
        for (const ex of [
          await client.get(EVENTS),
          await client.post(ORDERS, activateBody(profileOf(t).accesses[0], service)),
          await client.get(`${ROOT}/services/`),
          await client.get(`${ROOT}/accesses/${encodeURIComponent(profileOf(t).accesses[0])}`),
          await client.get(`${ROOT}/orders/${t.uuid()}`),
        ]) {
          t.expectStatus(ex, 401);
        }
      }
    },
  },
];
