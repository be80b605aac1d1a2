import { makeContext, type Check, type Suite } from './check.js';
import { ClockControl } from './clock.js';
import { ApiClient, type Credentials } from './http.js';
import { guardedSection } from './profile-keys.js';
import { capabilityOf, notApplicable, resolveCapabilities } from './capabilities.js';
import { restartServer, type RestartHook } from './restart.js';
import type { ApiName, CheckResult, Exchange, Outcome, Rule, TenantLabel } from './types.js';
import { formatDifferences } from './diff.js';
import { replayScript } from './replay-script.js';
import { CheckAborted, NotRun, RuleViolation, SuiteError, show } from './violation.js';

export interface RunOptions {
  suites: Suite[];
  rules: Map<string, Rule>;
  baseUrls: Partial<Record<ApiName, string>>;
  /** Tenant A and tenant B. */
  tenants: [Credentials, Credentials];
  /** Each API's test data, and the `capabilities` the server declares (capabilities.ts). */
  profile: Partial<Record<ApiName, Record<string, any>>> & { capabilities?: Record<string, unknown> };
  clockUrl?: string;
  /** Allow checks that wait in real time when there is no clock control. */
  slow?: boolean;
  /** SHOULD rules fail instead of warn. */
  strict?: boolean;
  /** Only rules whose ID matches this regular expression. */
  grep?: RegExp;
  /** Leave out rules whose ID matches this regular expression. */
  exclude?: RegExp;
  /** Budget of one check, in ms: the longest it may take besides the real-time waits it asks for (default 30 s). */
  timeoutMs?: number;
  /** How to restart the server, for the persistence checks (optional, like the clock). */
  restart?: RestartHook;
  /**
   * Without a test clock: how many checks of one API that wait in real time (or are independent) may overlap
   * (default 16), besides the one other check each API runs at a time. 1 runs every check one by one.
   */
  concurrency?: number;
  onResult?: (result: CheckResult, done: number, total: number) => void;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_CONCURRENCY = 16;
/** What lets a check stopped at the end of its budget finish next time. */
export const TIMEOUT_REMEDY =
  'give a longer --timeout, or declare the time your server takes in the profile (activation.finishSeconds, cart.settleSeconds), by which each wait grows the budget';

export interface RuleOutcome {
  rule: Rule;
  outcome: Outcome | 'untested';
  results: CheckResult[];
}

/**
 * How a rule's checks add up: any fail fails it, else any warn warns, else any pass passes it; else it is not
 * judged, unless every check is not applicable (its capability declared absent).
 */
export function ruleOutcome(results: CheckResult[]): RuleOutcome['outcome'] {
  if (results.length === 0) return 'untested';
  for (const o of ['fail', 'warn', 'pass'] as const) if (results.some((r) => r.outcome === o)) return o;
  return results.every((r) => r.outcome === 'n/a') ? 'n/a' : 'skip';
}

export function groupByRule(rules: Map<string, Rule>, results: CheckResult[], apis: ApiName[]): RuleOutcome[] {
  return [...rules.values()]
    .filter((r) => apis.includes(r.api))
    .map((rule) => {
      const judged = results.filter((r) => r.rule === rule.id);
      // A check for this rule stopped by another rule's failure leaves this rule unjudged: say so, as a skip.
      const blocked = results
        .filter((r) => r.checkRule === rule.id && r.rule !== rule.id)
        .map((r): CheckResult => ({ ...r, rule: rule.id, outcome: 'skip', message: `not judged: ${r.rule} failed first (${r.message ?? 'see that rule'})` }));
      const mine = [...judged, ...blocked];
      return { rule, outcome: ruleOutcome(mine), results: mine };
    });
}

interface Job {
  index: number;
  suite: Suite;
  check: Check;
  rule: Rule;
}

/** The checks a run selects: by rule ID, with --grep and --exclude. */
export function selectChecks(options: Pick<RunOptions, 'suites' | 'rules' | 'grep' | 'exclude'>): Job[] {
  const jobs = options.suites.flatMap((suite) =>
    suite.checks
      .filter((c) => (!options.grep || options.grep.test(c.rule)) && !options.exclude?.test(c.rule))
      .map((check) => ({ suite, check })),
  );
  return jobs.map(({ suite, check }, index) => {
    const rule = options.rules.get(check.rule);
    if (!rule) throw new Error(`check ${suite.api}/${check.id} names unknown rule ${check.rule}`);
    return { index, suite, check, rule };
  });
}

/**
 * Runs the selected checks and returns one result per check, in the order the suites list them,
 * attributed to the rule each broke. The runner owns every check: it gives it an AbortSignal that
 * its HTTP clients and clock waits honour, and aborts it at the end of its budget (`timeoutMs` plus
 * the real-time waits it asked for); an aborted check fails its own rule with "no verdict" and
 * nothing it does afterwards is recorded or sent.
 *
 * With a test clock the checks run one at a time: a clock jump is seen by every check in flight.
 * Without one they may overlap (see `schedule`).
 */
export async function runChecks(options: RunOptions): Promise<CheckResult[]> {
  const jobs = selectChecks(options);
  const results: CheckResult[] = new Array(jobs.length);
  let done = 0;
  const clock = new ClockControl(options.clockUrl, options.slow ?? false, { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  const capabilities = resolveCapabilities(options.profile, options);
  const run = async (job: Job) => {
    // A check of a capability the profile declares absent is not run: it does not apply.
    const needs = capabilityOf(job.check);
    const result: CheckResult =
      needs && capabilities[needs].state === 'absent'
        ? { check: `${job.suite.api}/${job.check.id}`, api: job.suite.api, rule: job.check.rule, title: job.check.title, durationMs: 0, ...notApplicable(needs) }
        : { ...(await runOne(job, options, clock)), ...(needs ? { capability: needs } : {}) };
    results[job.index] = result;
    options.onResult?.(result, ++done, jobs.length);
  };
  const concurrency = clock.controllable ? 1 : Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  // A restart touches every check in flight: those that restart run last, one at a time.
  await schedule(jobs.filter((j) => !j.check.restarts), concurrency, run);
  for (const job of jobs.filter((j) => j.check.restarts)) await run(job);
  return results;
}

/**
 * Without a test clock, checks of different APIs run side by side, and within one API the checks that
 * wait in real time (`slow`) or are `independent` overlap each other and the rest, at most `limit` of them at once in each API; the other
 * checks of an API run one at a time, and an `exclusive` check runs alone in its API, before the others
 * start. None of this can change a verdict: each check works on orders and ids of its own, and without a
 * test clock no check moves the server's time.
 */
/** Checks that may overlap others of their API without a test clock. */
const mayOverlap = (job: Job) => !job.check.exclusive && !!(job.check.slow || job.check.independent);

async function schedule(jobs: Job[], limit: number, run: (job: Job) => Promise<void>): Promise<void> {
  if (limit === 1) {
    for (const job of jobs) await run(job);
    return;
  }
  const apis = [...new Set(jobs.map((j) => j.suite.api))];
  const queue = new Map(
    apis.map((api) => {
      const own = jobs.filter((j) => j.suite.api === api);
      // Exclusive checks first, so that they never wait for a long real-time wait to end.
      return [api, [...own.filter((j) => j.check.exclusive), ...own.filter((j) => !j.check.exclusive)]];
    }),
  );
  const running = new Map<ApiName, Set<Job>>(apis.map((api) => [api, new Set()]));
  const overlapping = new Map<ApiName, number>(apis.map((api) => [api, 0]));
  let inFlight = 0;
  await new Promise<void>((resolve, reject) => {
    const start = (api: ApiName, job: Job) => {
      const waiting = queue.get(api)!;
      waiting.splice(waiting.indexOf(job), 1);
      const overlaps = mayOverlap(job);
      running.get(api)!.add(job);
      inFlight++;
      if (overlaps) overlapping.set(api, overlapping.get(api)! + 1);
      run(job).then(() => {
        running.get(api)!.delete(job);
        inFlight--;
        if (overlaps) overlapping.set(api, overlapping.get(api)! - 1);
        pump();
      }, reject);
    };
    const pump = () => {
      if (inFlight === 0 && apis.every((api) => queue.get(api)!.length === 0)) return resolve();
      const open: ApiName[] = [];
      for (const api of apis) {
        const waiting = queue.get(api)!;
        const busy = [...running.get(api)!];
        if (!waiting.length || busy.some((j) => j.check.exclusive)) continue;
        if (waiting[0].check.exclusive) {
          if (busy.length === 0) start(api, waiting[0]);
          continue;
        }
        // The API's one-at-a-time lane: the first check that may not overlap.
        const next = waiting.find((j) => !mayOverlap(j));
        if (next && !busy.some((j) => !mayOverlap(j))) start(api, next);
        open.push(api);
      }
      // Then the checks that may overlap, longest waits first (those that wait in real time), up to the limit per API.
      const candidates = open.flatMap((api) => queue.get(api)!.filter(mayOverlap).map((job) => ({ api, job })));
      candidates.sort((a, b) => Number(!!b.job.check.slow) - Number(!!a.job.check.slow));
      for (const { api, job } of candidates) if (overlapping.get(api)! < limit) start(api, job);
    };
    pump();
  });
}

async function runOne(job: Job, options: RunOptions, sharedClock: ClockControl): Promise<CheckResult> {
  const { suite, check, rule } = job;
  const api = suite.api;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const transcript: Exchange[] = [];
  const notes: string[] = [];
  const started = Date.now();
  let waitedMs = 0;
  const budget = () => timeoutMs + waitedMs;
  const base: CheckResult = { check: `${api}/${check.id}`, api, rule: check.rule, title: check.title, outcome: 'pass', durationMs: 0 };
  const finish = (outcome: Outcome, extra: Partial<CheckResult> = {}): CheckResult => {
    const result: CheckResult = { ...base, outcome, durationMs: Date.now() - started, ...(waitedMs ? { waitedMs } : {}), transcript, ...extra };
    if (notes.length) result.message = [result.message, ...notes].filter(Boolean).join(' · ');
    if (outcome !== 'pass') result.replay = replayScript(result, options.baseUrls[api]);
    return result;
  };

  const clientOptions = { timeoutMs, signal: controller.signal, onExchange: (e: Exchange) => transcript.push(e), tenants: { A: options.tenants[0], B: options.tenants[1] } };
  const client = (creds?: Credentials, tenant?: TenantLabel) => new ApiClient(api, options.baseUrls[api]!, creds, suite.schemaRule, { ...clientOptions, tenant });
  const suiteBug = (key: string): never => {
    throw new SuiteError(`the check read profile key ${api}.${key}, which the preflight does not demand`);
  };
  let settled: { error?: unknown } | undefined;
  const running = (async () => {
    const t = makeContext(
      {
        rule,
        profile: guardedSection(api, options.profile[api], suiteBug),
        alpha: client(options.tenants[0], 'A'),
        beta: client(options.tenants[1], 'B'),
        anonymous: client(undefined),
        clock: sharedClock.forCheck({ signal: controller.signal, onRealWait: (ms) => (waitedMs += ms), onExchange: clientOptions.onExchange }),
        signal: controller.signal,
        deadline: () => started + budget() - Date.now(),
        restart: () => {
          if (!check.restarts) throw new SuiteError(`check ${check.id} restarts the server but is not marked "restarts"`);
          const urls = Object.values(options.baseUrls).filter((u): u is string => !!u);
          return restartServer(options.restart, urls, { signal: controller.signal, timeoutMs, onWait: (ms) => (waitedMs += ms) });
        },
      },
      notes,
    );
    await check.run(t);
  })().then(
    () => (settled = {}),
    (error) => (settled = { error }),
  );

  // The budget grows while the check waits in real time, so the timer re-arms until it is really spent.
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<void>((resolve) => {
    const tick = () => {
      const left = started + budget() - Date.now();
      if (left <= 0) resolve();
      else timer = setTimeout(tick, left);
    };
    tick();
  });
  await Promise.race([running, outOfTime]);
  clearTimeout(timer);
  if (!settled || (settled.error instanceof CheckAborted)) {
    controller.abort();
    const waits = waitedMs ? ` (--timeout ${timeoutMs} ms plus ${waitedMs} ms of waiting for the server's time to pass)` : ' (--timeout)';
    return finish('fail', { message: `no verdict within ${budget()} ms${waits}: the check was stopped`, timedOut: true, remedy: TIMEOUT_REMEDY });
  }
  controller.abort(); // the check is over: anything it left running stops here
  const err: any = settled.error;
  if (err === undefined) return finish('pass');
  if (err instanceof NotRun) return finish('skip', { message: `not run because ${err.message}`, remedy: err.remedy });
  if (err instanceof SuiteError) return finish('skip', { message: `not judged: a bug in the suite, not in your server: ${err.message}`, suiteError: true });
  if (err instanceof RuleViolation) {
    const broken = options.rules.get(err.detail.rule ?? check.rule) ?? rule;
    const soft = broken.level !== 'MUST' && !options.strict;
    return finish(soft ? 'warn' : 'fail', {
      rule: broken.id,
      ...(broken.id !== check.rule ? { checkRule: check.rule } : {}),
      message: err.detail.rule && err.detail.rule !== check.rule ? `${err.message} (while checking ${check.rule})` : err.message,
      // With differences by member, the whole values stay in the transcript.
      ...(err.detail.differences?.length
        ? { differences: formatDifferences(err.detail.differences) }
        : { expected: err.detail.expected === undefined ? undefined : show(err.detail.expected), actual: err.detail.actual === undefined ? undefined : show(err.detail.actual) }),
      curl: err.detail.exchange?.curl,
    });
  }
  return finish('fail', { message: `the check itself crashed: ${err?.stack ?? err}` });
}
