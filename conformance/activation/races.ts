/**
 * Orders for one service type at one access sent at the same moment, so that each is received before the other
 * has finished: the refusal a server gives a later order (claimed by another provider, another service of the
 * type already active) has to hold when the conflict only shows while provisioning. Judged by what each provider
 * then has active (GET services/), set against how its order ended.
 */
import { excerpt } from '../framework/excerpt.js';
import type { Check, CheckContext } from '../framework/check.js';
import type { ApiClient } from '../framework/http.js';
import type { Exchange } from '../framework/types.js';
import { NotRun } from '../framework/violation.js';
import { activateBody, freshAccess, profileOf, ROOT, waitDone } from './helpers.js';

interface Outcome {
  who: 'A' | 'B';
  service: string;
  /** DONE_SUCCESS, DONE_FAILED, or "refused 400" when the order was not received. */
  ended: string;
  /** The finished order's message ('' when refused). */
  message: string;
  exchange: Exchange;
}

/** Sends every order at once and follows each received one until it has finished. */
async function orderAtOnce(t: CheckContext, orders: Array<{ who: 'A' | 'B'; client: ApiClient; body: Record<string, unknown> }>): Promise<Outcome[]> {
  const answers = await t.quietly(() => t.together(orders.map((o) => o.client.post(`${ROOT}/orders/`, o.body))));
  const outcomes: Outcome[] = [];
  for (const [i, ex] of answers.entries()) {
    const { who, client, body } = orders[i];
    const service = String(body.service);
    if (ex.status === 400) {
      outcomes.push({ who, service, ended: 'refused 400', message: '', exchange: ex });
      continue;
    }
    await t.prerequisite(`ACTIVATE ${service} as ${who} received`, async () => {
      if (ex.status !== 201 || !ex.body?.path) throw new Error(`expected 201 with a path or 400, got ${ex.status}: ${excerpt(ex.text, 200)}`);
    });
    const done = await t.prerequisite(`waiting for ${ex.body.path} to finish`, () => waitDone(t, client, ex.body.path));
    outcomes.push({ who, service, ended: done.state, message: done.message, exchange: ex });
  }
  return outcomes;
}

/** The services of the type under test a provider has active at the access. */
async function activeThere(t: CheckContext, client: ApiClient, accessId: string, services: string[]): Promise<{ services: string[]; exchange: Exchange }> {
  // How services/ answers is ACT-SERVICES-LIST's to judge; here it is only read.
  const ex = await t.prerequisite('reading services/', async () => {
    const answer = await client.get(`${ROOT}/services/`);
    if (answer.status !== 200 || !Array.isArray(answer.body)) throw new Error(`GET services/ answered ${answer.status}: ${excerpt(answer.text, 200)}`);
    return answer;
  });
  return { services: (ex.body as any[]).filter((s) => s?.accessId === accessId && services.includes(s?.service)).map((s) => s.service), exchange: ex };
}

const summary = (outcomes: Outcome[]) => outcomes.map((o) => `${o.who} ${o.service}: ${o.ended}`).join('; ');

/** Two providers ACTIVATE the profile's service at a fresh access at the same moment. */
async function providersRace(t: CheckContext) {
  const { service } = profileOf(t);
  const accessId = await freshAccess(t);
  const outcomes = await orderAtOnce(t, [
    { who: 'A', client: t.alpha, body: activateBody(accessId, service) },
    { who: 'B', client: t.beta, body: activateBody(accessId, service) },
  ]);
  return { accessId, outcomes };
}

/** One provider ACTIVATEs both services of one type at a fresh access at the same moment. */
async function servicesRace(t: CheckContext) {
  const { service, sameTypeService } = profileOf(t);
  const accessId = await freshAccess(t);
  const outcomes = await orderAtOnce(t, [
    { who: 'A', client: t.alpha, body: activateBody(accessId, service) },
    { who: 'A', client: t.alpha, body: activateBody(accessId, sameTypeService) },
  ]);
  return { accessId, outcomes };
}

export const raceChecks: Check[] = [
  {
    id: 'two-providers-claiming-a-type-at-once',
    rule: 'ACT-ORDER-TYPE-CLAIMED',
    title: 'two providers ACTIVATE one service at one access at the same moment: at most one of them ends with it active, and an order ends DONE_SUCCESS only for the one that has it',
    async run(t: CheckContext) {
      const { service, sameTypeService } = profileOf(t);
      const { accessId, outcomes } = await providersRace(t);
      const a = await activeThere(t, t.alpha, accessId, [service, sameTypeService]);
      const b = await activeThere(t, t.beta, accessId, [service, sameTypeService]);
      t.expect(!(a.services.length && b.services.length), `both providers have ${service}'s service type active at ${accessId}`, {
        expected: 'the type claimed by one provider at most',
        actual: `A: ${a.services.join(', ')}; B: ${b.services.join(', ')} (orders: ${summary(outcomes)})`,
        exchange: b.exchange,
      });
      for (const o of outcomes.filter((x) => x.ended === 'DONE_SUCCESS')) {
        const mine = o.who === 'A' ? a : b;
        t.expect(mine.services.includes(service), `${o.who}'s ACTIVATE of ${service} ended DONE_SUCCESS, yet ${o.who} does not have it active at ${accessId}`, {
          expected: `${service} in ${o.who}'s services/`,
          actual: `${mine.services.join(', ') || 'nothing'} (orders: ${summary(outcomes)})`,
          exchange: mine.exchange,
        });
      }
    },
  },
  {
    id: 'two-services-of-one-type-at-once',
    rule: 'ACT-ORDER-SAME-TYPE-ACTIVE',
    title: 'one provider ACTIVATEs two services of one type at one access at the same moment: at most one ends active, and an order ends DONE_SUCCESS only for the service that is',
    async run(t: CheckContext) {
      const { service, sameTypeService } = profileOf(t);
      const { accessId, outcomes } = await servicesRace(t);
      const a = await activeThere(t, t.alpha, accessId, [service, sameTypeService]);
      t.expect(a.services.length <= 1, `two services of one type are active at ${accessId}`, {
        expected: 'one at most',
        actual: `${a.services.join(', ')} (orders: ${summary(outcomes)})`,
        exchange: a.exchange,
      });
      for (const o of outcomes.filter((x) => x.ended === 'DONE_SUCCESS')) {
        t.expect(a.services.includes(o.service), `the ACTIVATE of ${o.service} ended DONE_SUCCESS, yet ${o.service} is not active at ${accessId}`, {
          expected: `${o.service} in services/`,
          actual: `${a.services.join(', ') || 'nothing'} (orders: ${summary(outcomes)})`,
          exchange: a.exchange,
        });
      }
    },
  },
  {
    id: 'orders-failing-in-a-race-say-why',
    rule: 'ACT-ORDER-FAILURE-MESSAGE',
    title: 'an order that ends DONE_FAILED because another one for its type finished first has a message saying why',
    async run(t: CheckContext) {
      const outcomes = [...(await providersRace(t)).outcomes, ...(await servicesRace(t)).outcomes];
      const failed = outcomes.filter((o) => o.ended === 'DONE_FAILED');
      if (!failed.length) throw new NotRun(`no order of the two races ended DONE_FAILED (${summary(outcomes)})`, 'none on the profile: the races decide it (the rule is also judged at activation.failingAccess)');
      for (const o of failed) {
        t.expect(o.message.trim().length > 0, `${o.who}'s ACTIVATE of ${o.service} ended DONE_FAILED without a message`, {
          expected: 'a non-empty message saying why',
          actual: JSON.stringify(o.message),
          exchange: o.exchange,
        });
      }
    },
  },
];
