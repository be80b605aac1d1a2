/**
 * Before any check: is the set-up right? Each base URL answers, each tenant's credentials are accepted,
 * the profile has every key a selected suite needs and names ids the server knows (where an API can
 * tell), and the test clock, when given, answers and moves forward. Each problem is one line that says
 * what to fix; any problem means nothing is judged (exit 2).
 */
import { excerpt } from './excerpt.js';
import { makeContext, type CheckContext, type Suite } from './check.js';
import { ClockControl, clockUrlOf } from './clock.js';
import { ApiClient, type Credentials } from './http.js';
import { guardedSection, profileProblems } from './profile-keys.js';
import type { ApiName, Exchange, Rule } from './types.js';
import { SuiteError } from './violation.js';
import { capabilitiesOf, capabilityProblems, resolveCapabilities } from './capabilities.js';
import type { RestartHook } from './restart.js';

export interface PreflightOptions {
  /** The suites the run will run: each brings its profile keys and its own steps. */
  suites: Suite[];
  /**
   * The suites whose capabilities a profile may declare (default: `suites`). Give all there are, so that a profile
   * that declares a capability of an API outside the run is not refused.
   */
  knownSuites?: Suite[];
  baseUrls: Partial<Record<ApiName, string>>;
  tenants: [Credentials, Credentials];
  profile: Partial<Record<ApiName, Record<string, any>>> & { capabilities?: Record<string, unknown> };
  clockUrl?: string;
  /** Each API's own test clock, where it has one. */
  clockUrls?: Partial<Record<ApiName, string>>;
  timeoutMs?: number;
  /** The longest answer held whole (`--max-body`); a longer one is a preflight problem, never read to its end. */
  maxBodyBytes?: number;
  /** The restart hook given, if any: a profile that declares capabilities.restart needs one. */
  restart?: RestartHook;
}

export const PREFLIGHT_MIN_WAIT_MS = 10_000;
const TENANT_FLAGS = ['--tenant-a', '--tenant-b'] as const;
const brief = (ex: Exchange) => `${ex.status}${ex.text ? `: ${excerpt(ex.text, 160)}` : ''}`;

/** A context for preflight steps that reuse the checks' building blocks. */
function contextFor(suite: Suite, options: PreflightOptions, clients: ApiClient[]): CheckContext {
  const api = suite.api;
  return makeContext(
    {
      rule: { id: 'PREFLIGHT', api, level: 'MUST', source: '', quote: '' } as Rule,
      profile: guardedSection(suite, options.profile[api], (key) => {
        throw new SuiteError(`preflight read profile key ${api}.${key}`);
      }),
      alpha: clients[0],
      beta: clients[1],
      anonymous: clients[2],
      clock: new ClockControl(undefined, false),
      memo: new Map(),
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

/**
 * Clocks given as each API's own must be separate: moving one must leave the others' time alone, or checks of one
 * API could see another's moves. Each is moved by a second in turn while the others are read before and after.
 */
export async function sharedClockProblems(urls: Map<string, ApiName[]>, timeoutMs: number): Promise<string[]> {
  const problems: string[] = [];
  const clocks = [...urls.keys()].map((url) => new ClockControl(url, false, { timeoutMs }));
  const read = async (clock: ClockControl) => {
    const at = Date.now();
    return { server: (await clock.now()).getTime(), local: (Date.now() + at) / 2 };
  };
  for (const moved of clocks) {
    const others = clocks.filter((c) => c !== moved);
    const before = await Promise.all(others.map(read));
    await moved.advance(1);
    const after = await Promise.all(others.map(read));
    others.forEach((other, i) => {
      // Beyond the real time between the two reads, a separate clock has not moved (allowing half the step).
      const jumped = after[i].server - before[i].server - (after[i].local - before[i].local);
      if (jumped > 500) {
        const names = (url: string) => urls.get(url)!.join(', ');
        problems.push(`the test clock given for ${names(other.url!)} (${other.url}) moved when the one given for ${names(moved.url!)} (${moved.url}) was advanced: give one clock URL for APIs whose time moves together`);
      }
    });
  }
  return problems;
}

/**
 * The APIs' own test clocks that a test clock lists in its answer (`"clocks": {"cart": URL, ...}`, each URL taken
 * relative to the clock's own), for a run of several APIs: used only when every API of the run is listed, each
 * listed clock answers, and moving one leaves the others' time alone. Otherwise none, with a note that says why: the
 * one clock serves every API then, as it always can (its own problems are the preflight's to name).
 */
export async function listedApiClocks(clockUrl: string, apis: ApiName[], timeoutMs: number): Promise<{ clocks: Partial<Record<ApiName, string>>; note?: string }> {
  if (apis.length < 2) return { clocks: {} };
  let listed: unknown;
  try {
    const answer = await new ClockControl(clockUrl, false, { timeoutMs }).read();
    listed = answer.ok ? answer.body?.clocks : undefined;
  } catch {
    return { clocks: {} };
  }
  if (listed === undefined) return { clocks: {} };
  const ignored = (why: string) => ({ clocks: {}, note: `the test clock at ${clockUrl} lists clocks of its APIs, but ${why}: every API's time is moved at ${clockUrl}` });
  if (!listed || typeof listed !== 'object' || Array.isArray(listed)) return ignored('"clocks" is not an object of URLs');
  const own: Partial<Record<ApiName, string>> = {};
  for (const api of apis) {
    const value = (listed as Record<string, unknown>)[api];
    if (typeof value !== 'string') return ignored(`not one for ${api}`);
    const url = URL.canParse(value, clockUrl) ? new URL(value, clockUrl) : undefined;
    if (!url || !/^https?:$/.test(url.protocol)) return ignored(`the one for ${api} ("${value}") is not an http(s) URL`);
    own[api] = url.href;
  }
  const urls = new Map(apis.map((api) => [own[api]!, [api]]));
  if (urls.size < apis.length) return ignored('some APIs share one');
  for (const url of urls.keys()) {
    const problems = await clockProblems(url, timeoutMs);
    if (problems.length) return ignored(problems[0]);
  }
  const shared = await sharedClockProblems(urls, timeoutMs);
  return shared.length ? ignored(shared[0]) : { clocks: own };
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
  const problems = options.suites.flatMap((suite) => profileProblems(suite, options.profile[suite.api]));
  const known = capabilitiesOf(options.knownSuites ?? options.suites);
  problems.push(...capabilityProblems(known, options.profile, options.suites.map((s) => s.api), options));
  for (const { api } of options.suites) {
    const problem = await reachable(api, options.baseUrls[api]!, timeoutMs);
    if (problem) problems.push(problem);
  }
  // Each clock the run moves: the server's, or an API's own.
  const clocks = new Map<string, ApiName[]>();
  for (const { api } of options.suites) {
    const url = clockUrlOf(options, api);
    if (url) clocks.set(url, [...(clocks.get(url) ?? []), api]);
  }
  for (const url of clocks.keys()) problems.push(...(await clockProblems(url, timeoutMs)));
  if (!problems.length && clocks.size > 1) problems.push(...(await sharedClockProblems(clocks, timeoutMs)));
  if (problems.length) return problems;
  for (const suite of options.suites) {
    const api = suite.api;
    if (!suite.preflight) continue;
    const [a, b, none] = [options.tenants[0], options.tenants[1], undefined].map(
      (creds) => new ApiClient(api, options.baseUrls[api]!, creds, 'PREFLIGHT', { timeoutMs, maxBodyBytes: options.maxBodyBytes }),
    );
    const clients: [ApiClient, ApiClient, ApiClient] = [a, b, none];
    try {
      problems.push(
        ...(await suite.preflight({
          t: contextFor(suite, options, clients),
          clients,
          credentialProblem: (i, ex) => credentialProblem(api, i, options.tenants[i], ex),
          capabilities: resolveCapabilities(known, options.profile, options),
          brief,
        })),
      );
    } catch (err: any) {
      problems.push(`the ${api} API: ${err?.message ?? err}`);
    }
  }
  return problems;
}
