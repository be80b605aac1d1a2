/**
 * Before any check: is the set-up right? Each base URL answers, each tenant's credentials are accepted,
 * the profile has every key a selected suite needs and names ids the server knows (where an API can
 * tell), and the test clock, when given, answers and moves forward. Each problem is one line that says
 * what to fix; any problem means nothing is judged (exit 2).
 */
import { excerpt } from './excerpt.js';
import { makeContext, type CheckContext } from './check.js';
import { ClockControl } from './clock.js';
import { ApiClient, type Credentials } from './http.js';
import { guardedSection, profileProblems } from './profile-keys.js';
import type { ApiName, Exchange, Rule } from './types.js';
import { SuiteError } from './violation.js';
import { bookingPath, CANCEL, createBooking } from '../cart/helpers.js';

export interface PreflightOptions {
  apis: ApiName[];
  baseUrls: Partial<Record<ApiName, string>>;
  tenants: [Credentials, Credentials];
  profile: Partial<Record<ApiName, Record<string, any>>>;
  clockUrl?: string;
  timeoutMs?: number;
}

export const PREFLIGHT_MIN_WAIT_MS = 10_000;
const TENANT_FLAGS = ['--tenant-a', '--tenant-b'] as const;
const brief = (ex: Exchange) => `${ex.status}${ex.text ? `: ${excerpt(ex.text, 160)}` : ''}`;

/** A context for preflight steps that reuse the checks' building blocks. */
function contextFor(api: ApiName, options: PreflightOptions, clients: ApiClient[]): CheckContext {
  return makeContext(
    {
      rule: { id: 'PREFLIGHT', api, level: 'MUST', source: '', quote: '' } as Rule,
      profile: guardedSection(api, options.profile[api], (key) => {
        throw new SuiteError(`preflight read profile key ${api}.${key}`);
      }),
      alpha: clients[0],
      beta: clients[1],
      anonymous: clients[2],
      clock: new ClockControl(undefined, false),
      signal: new AbortController().signal,
      deadline: () => options.timeoutMs ?? 30_000,
      restart: () => {
        throw new SuiteError('the preflight never restarts the server');
      },
    },
    [],
  );
}

/** Tenant credentials refused: 401 or 403 on a read any tenant may make. */
function credentialProblem(api: ApiName, i: number, creds: Credentials, ex: Exchange): string | undefined {
  if (ex.status !== 401 && ex.status !== 403) return undefined;
  return `the ${api} API refused tenant ${i ? 'B' : 'A'} (user "${creds.user}") with ${ex.status}: check ${TENANT_FLAGS[i]} (or ORDERCERT_TENANT_${i ? 'B' : 'A'})`;
}

async function cartProblems(options: PreflightOptions, clients: ApiClient[]): Promise<string[]> {
  const t = contextFor('cart', options, clients);
  const p = t.profile;
  const problems: string[] = [];
  for (const [i, client] of clients.slice(0, 2).entries()) {
    const ex = await client.get(`/suppliers/${encodeURIComponent(p.supplierId)}/orders/${t.uid('preflight-')}`, { skipSchema: true });
    const refused = credentialProblem('cart', i, options.tenants[i], ex);
    if (refused) problems.push(refused);
  }
  if (problems.length) return problems;
  // The only way the Cart API tells whether the profile's ids exist: a booking with them, cancelled at once.
  const uuid = t.uuid();
  const created = await createBooking(t, { uuid, minutes: 5 }, clients[0], { skipSchema: true });
  if (created.status < 200 || created.status >= 300) {
    problems.push(
      `the cart API refused a booking with the profile's ids (supplierId "${p.supplierId}", productId "${p.productId}", optionId "${p.optionId}", ` +
        `availabilityId "${p.availabilityId}", unitId "${p.unitId}"): ${brief(created)}; check the cart section of the profile`,
    );
    return problems;
  }
  await clients[0].post(bookingPath(t, uuid, 'cancel'), CANCEL, { skipSchema: true });
  return problems;
}

async function activationProblems(options: PreflightOptions, clients: ApiClient[]): Promise<string[]> {
  const p = options.profile.activation!;
  const problems: string[] = [];
  let accesses: any[] | undefined;
  for (const [i, client] of clients.slice(0, 2).entries()) {
    const ex = await client.get('/api/2.3.1/accesses/', { skipSchema: true });
    const refused = credentialProblem('activation', i, options.tenants[i], ex);
    if (refused) problems.push(refused);
    else if (ex.status === 200 && Array.isArray(ex.body)) accesses ??= ex.body;
    else problems.push(`GET /api/2.3.1/accesses/ as tenant ${i ? 'B' : 'A'} answered ${brief(ex)}: is --activation-url the part before /api/2.3.1?`);
  }
  if (problems.length || !accesses) return problems;
  const byId = new Map(accesses.map((a) => [a?.accessId, a]));
  const offered = (access: any, service: string) => Array.isArray(access?.services) && access.services.some((s: any) => s?.service === service);
  const unknown = (p.accesses as string[]).filter((id) => !byId.has(id));
  if (unknown.length) problems.push(`profile activation.accesses names accesses the server does not list: ${unknown.join(', ')}`);
  for (const service of [p.service, p.sameTypeService]) {
    const without = (p.accesses as string[]).filter((id) => byId.has(id) && !offered(byId.get(id), service));
    if (without.length) problems.push(`service "${service}" is not offered at ${without.join(', ')} (profile activation.accesses)`);
  }
  if (p.failingAccess && !byId.has(p.failingAccess)) problems.push(`profile activation.failingAccess "${p.failingAccess}" is not an access the server lists`);
  if (p.slowAccess) {
    if (!byId.has(p.slowAccess)) problems.push(`profile activation.slowAccess "${p.slowAccess}" is not an access the server lists`);
    else if (!offered(byId.get(p.slowAccess), p.service)) problems.push(`service "${p.service}" is not offered at ${p.slowAccess} (profile activation.slowAccess)`);
    if ((p.accesses as string[]).includes(p.slowAccess)) problems.push(`profile activation.slowAccess "${p.slowAccess}" is also in activation.accesses: name an access outside the pool`);
    if (typeof p.slowFinishSeconds !== 'number' || p.slowFinishSeconds <= Number(p.finishSeconds ?? 5)) problems.push('profile activation.slowFinishSeconds is missing or not more than finishSeconds: give the seconds after which an order at slowAccess has finished');
  }
  return problems;
}

async function ethernetProblems(options: PreflightOptions, clients: ApiClient[]): Promise<string[]> {
  const p = options.profile.ethernet!;
  const problems: string[] = [];
  for (const [i, client] of clients.slice(0, 2).entries()) {
    const buyer = i ? p.buyerIdB : p.buyerIdA;
    const ex = await client.get('/orders', { query: { buyerId: buyer }, skipSchema: true });
    const refused = ex.status === 401 ? credentialProblem('ethernet', i, options.tenants[i], ex) : undefined;
    if (refused) problems.push(refused);
    else if (ex.status !== 200) {
      problems.push(`listing the orders of buyerId "${buyer}" as tenant ${i ? 'B' : 'A'} answered ${brief(ex)}: is profile ethernet.buyerId${i ? 'B' : 'A'} that tenant's buyerId?`);
    }
  }
  return problems;
}

async function clockProblems(url: string, timeoutMs: number): Promise<string[]> {
  const clock = new ClockControl(url, false, { timeoutMs });
  try {
    const before = await clock.now();
    await clock.advance(1);
    const after = await clock.now();
    if (after.getTime() - before.getTime() < 1000) {
      return [`the test clock at ${url} did not move forward: ${before.toISOString()} before advancing it by 1 s, ${after.toISOString()} after`];
    }
    return [];
  } catch (err: any) {
    // The clock's own messages already name it ("the test clock at URL did not answer: ...").
    const why = String(err?.message ?? err);
    const line = why.includes(url) ? why : `the test clock at ${url}: ${why}`;
    return [`${line} (GET must answer {"now": "<RFC 3339>"}, POST {"advanceSeconds": n} must move it)`];
  }
}

async function reachable(api: ApiName, url: string, timeoutMs: number): Promise<string | undefined> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return undefined;
  } catch (err: any) {
    const why = err?.cause?.code ?? err?.name ?? String(err);
    return `the ${api} API at ${url} is unreachable (${why}): is the server running, and is the URL right?`;
  }
}

/** Every problem found, one line each; empty when the run may start. */
export async function preflight(options: PreflightOptions): Promise<string[]> {
  // A short --timeout is for checks; set-up answers get at least PREFLIGHT_MIN_WAIT_MS (documented in INTERPRETING.md).
  const timeoutMs = Math.max(options.timeoutMs ?? 30_000, PREFLIGHT_MIN_WAIT_MS);
  const problems = options.apis.flatMap((api) => profileProblems(api, options.profile[api]));
  for (const api of options.apis) {
    const problem = await reachable(api, options.baseUrls[api]!, timeoutMs);
    if (problem) problems.push(problem);
  }
  if (options.clockUrl) problems.push(...(await clockProblems(options.clockUrl, timeoutMs)));
  if (problems.length) return problems;
  const probes = { cart: cartProblems, activation: activationProblems, ethernet: ethernetProblems };
  for (const api of options.apis) {
    const clients = [options.tenants[0], options.tenants[1], undefined].map(
      (creds) => new ApiClient(api, options.baseUrls[api]!, creds, 'PREFLIGHT', { timeoutMs }),
    );
    try {
      problems.push(...(await probes[api](options, clients)));
    } catch (err: any) {
      problems.push(`the ${api} API: ${err?.message ?? err}`);
    }
  }
  return problems;
}
