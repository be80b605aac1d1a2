import { setMaxListeners } from 'node:events';
import { makeContext, type Check, type Suite } from './check.js';
import { CheckWork } from './check-work.js';
import { ClockControl, clockUrlOf } from './clock.js';
import { QuietServer } from './quiet.js';
import { chooseOverlap, type Overlap } from './overlap.js';
import { ClockTurns, type ClockMember } from './clock-turns.js';
import { ClockWatch, newLedger, type ClockLedger } from './clock-watch.js';
import { schedule, timeUse, type Job } from './schedule.js';
import { ApiClient, type Credentials } from './http.js';
import { guardedSection } from './profile-keys.js';
import { capabilitiesOf, capability, capabilityOf, notApplicable, resolveCapabilities } from './capabilities.js';
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
  /** The server's test clock (every API's time). */
  clockUrl?: string;
  /**
   * An API's own test clock, where it has one (moving it moves that API's time alone): checks of APIs on different
   * clocks never wait for each other's moves.
   */
  clockUrls?: Partial<Record<ApiName, string>>;
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
   * How many checks of one API that wait in real time (or are independent) may overlap (default 16; with a test
   * clock 4 for a server near and 16 for one across a network (overlap.ts), and as their use of time allows),
   * besides the one other check each API runs at a time. 1 runs every check one by one.
   */
  concurrency?: number;
  onResult?: (result: CheckResult, done: number, total: number) => void;
  /** Told the overlap the run uses, before the first check starts. */
  onOverlap?: (overlap: Overlap) => void;
  /** The longest answer held whole, in bytes (`--max-body`; default DEFAULT_MAX_BODY_BYTES of http.ts). */
  maxBodyBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_CONCURRENCY = 16;
/** What lets a check stopped at the end of its budget finish next time. */
export const TIMEOUT_REMEDY =
  'give a longer --timeout, or declare the time your server takes in the profile (activation.finishSeconds, cart.settleSeconds), by which each wait grows the budget';
/**
 * With a test clock and the server near (overlap.ts), checks that overlap keep the server busy rather than wait on
 * it, so each takes longer by the number beside it: a smaller default keeps a check within its budget on a loaded
 * machine. A server far away gets DEFAULT_CONCURRENCY.
 */
export const DEFAULT_CLOCK_CONCURRENCY = 4;

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
    const needs = capabilityOf(check);
    if (needs && !capability(capabilitiesOf([suite]), needs)) throw new Error(`check ${suite.api}/${check.id} needs ${needs}, which its suite does not declare`);
    return { index, suite, check, rule };
  });
}

/**
 * A finding made while the test clock jumped forward by more than the run moved it: not the server's fault as far
 * as anyone can tell, so not judged, with the finding kept for the reader.
 */
function movedByOthers(ran: CheckResult, jumpMs: number, clockUrl: string): CheckResult {
  const { rule, checkRule, message, expected, actual, differences, curl, ...rest } = ran;
  const finding = [`${checkRule && checkRule !== rule ? `${rule}: ` : ''}${message ?? ''}`, expected !== undefined ? `expected ${expected}` : '', actual !== undefined ? `actual ${actual}` : '', ...(differences ?? [])]
    .filter(Boolean)
    .join('; ');
  return {
    ...rest,
    rule: checkRule ?? rule,
    outcome: 'skip',
    message: `not judged: the test clock at ${clockUrl} moved ${Math.round(jumpMs / 1000)} s further forward than this run moved it, while the check ran (what it found then: ${finding})`,
    remedy: 'let nothing else move this test clock during the run (one certification at a time per server, or an API clock of its own per run), and run again',
  };
}

/**
 * Runs the selected checks and returns one result per check, in the order the suites list them,
 * attributed to the rule each broke. The runner owns every check: it gives it an AbortSignal that
 * its HTTP clients and clock waits honour, and aborts it at the end of its budget (`timeoutMs` plus
 * the real-time waits it asked for); an aborted check fails its own rule with "no verdict" and
 * nothing it does afterwards is recorded or sent.
 *
 * Checks overlap as `schedule` allows; with a test clock, also as their use of time allows (`Check.time`).
 */
export async function runChecks(options: RunOptions): Promise<CheckResult[]> {
  const jobs = selectChecks(options).map((job): Job => {
    const given = job.check.uses ? job.suite.scarce?.(options.profile[job.suite.api] ?? {})[job.check.uses] : undefined;
    return { ...job, scarce: Math.max(1, Number.isInteger(given) ? given! : 1) };
  });
  const results: CheckResult[] = new Array(jobs.length);
  let done = 0;
  const clockUrl = (api: ApiName) => clockUrlOf(options, api);
  // Every move the run makes through a clock is counted, so that a jump it did not make can be told (clock-watch.ts).
  const ledgers = new Map<string, ClockLedger>();
  const ledgerOf = (url: string | undefined) => (url ? ledgers.get(url) ?? ledgers.set(url, newLedger()).get(url) : undefined);
  const clocks = new Map(options.suites.map((s) => [s.api, new ClockControl(clockUrl(s.api), options.slow ?? false, { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, ledger: ledgerOf(clockUrl(s.api)) })]));
  const watches = new Map<string, ClockWatch>();
  for (const clock of clocks.values()) if (clock.url && !watches.has(clock.url)) watches.set(clock.url, new ClockWatch(clock, ledgerOf(clock.url)!));
  await Promise.all([...watches.values()].map((w) => w.start()));
  const time = new Map(jobs.map((job) => [job, timeUse(job)]));
  const again: Job[] = [];
  const overlap = await chooseOverlap(options.concurrency, [...clocks.values()], {
    unclocked: DEFAULT_CONCURRENCY,
    near: DEFAULT_CLOCK_CONCURRENCY,
    far: DEFAULT_CONCURRENCY,
  }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  options.onOverlap?.(overlap);
  const concurrency = overlap.concurrency;
  const known = capabilitiesOf(options.suites);
  const capabilities = resolveCapabilities(known, options.profile, options);
  const memo = new Map<string, unknown>();
  // With a test clock and checks overlapping, the checks that involve time take turns at the clock (clock-turns.ts):
  // one set of turns per clock, shared by the APIs whose time it moves.
  const turnsAt = new Map<string, ClockTurns>();
  if (concurrency > 1) for (const [, clock] of clocks) if (clock.url && !turnsAt.has(clock.url)) turnsAt.set(clock.url, new ClockTurns(clock));
  const turnsOf = (job: Job) => turnsAt.get(clockUrl(job.suite.api) ?? '');
  // A check staging a race has its API to itself for that moment (quiet.ts): the other APIs' checks go on, their
  // requests touching none of its data.
  const quietApis = new Map(options.suites.map((s) => [s.api, new QuietServer(options.timeoutMs ?? DEFAULT_TIMEOUT_MS)]));
  const quietOf = (job: Job) => (concurrency > 1 ? quietApis.get(job.suite.api) : undefined);
  const run = async (job: Job) => {
    // A check of a capability the profile declares absent is not run: it does not apply.
    const needs = capabilityOf(job.check);
    if (needs && capabilities[needs].state === 'absent') {
      const result: CheckResult = { check: `${job.suite.api}/${job.check.id}`, api: job.suite.api, rule: job.check.rule, title: job.check.title, durationMs: 0, ...notApplicable(known, needs) };
      results[job.index] = result;
      options.onResult?.(result, ++done, jobs.length);
      return;
    }
    // A check marked not to involve time that tries to move the clock (while others may be in flight) is stopped
    // before the move, and runs again as 'moves'.
    const use = time.get(job)!;
    const turns = turnsOf(job);
    const clock = clocks.get(job.suite.api)!;
    let moved = false;
    const guarded =
      turns && use === 'none'
        ? new ClockControl(clock.url, options.slow ?? false, {
            timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            ledger: clock.options.ledger,
            beforeMove: () => {
              moved = true;
              throw new CheckAborted();
            },
          })
        : clock;
    const member = turns && use !== 'none' ? (record: (e: Exchange) => void) => turns.join(use !== 'advances', record) : undefined;
    const startedAt = Date.now();
    const ran = await runOne(job, options, guarded, memo, member, quietOf(job));
    if (moved) {
      time.set(job, 'moves');
      again.push(job);
      return;
    }
    const watch = clock.url && use !== 'none' && (ran.outcome === 'fail' || ran.outcome === 'warn') && !ran.timedOut ? watches.get(clock.url) : undefined;
    const jumpMs = watch ? await watch.jumpDuring(startedAt, Date.now()) : 0;
    const result: CheckResult = { ...(jumpMs ? movedByOthers(ran, jumpMs, clock.url!) : ran), ...(needs ? { capability: needs } : {}) };
    results[job.index] = result;
    options.onResult?.(result, ++done, jobs.length);
  };
  // Taking turns at the clock, checks are kept apart by their use of time only when one needs its moves at once.
  const timeOf = turnsAt.size ? (job: Job) => (turnsOf(job) ? { time: time.get(job)!, clock: clockUrl(job.suite.api)! } : undefined) : undefined;
  // A restart touches every check in flight: those that restart run last, one at a time.
  // A check that would hold back the next move waits while others wait for it.
  const waitsForClock = turnsAt.size ? (job: Job) => time.get(job) !== 'none' && time.get(job) !== 'advances' && !!turnsOf(job)?.someoneWaits() : undefined;
  // After a move, checks held back while others waited for it may start: the schedule is woken.
  let wake = () => {};
  for (const turns of turnsAt.values()) turns.onMove(() => wake());
  const woken = (pump: () => void) => (wake = pump);
  await schedule(jobs.filter((j) => !j.check.restarts), concurrency, run, timeOf, waitsForClock, woken);
  await schedule(again.splice(0), concurrency, run, timeOf, waitsForClock, woken);
  for (const job of jobs.filter((j) => j.check.restarts)) await run(job);
  return results;
}

async function runOne(
  job: Job,
  options: RunOptions,
  sharedClock: ClockControl,
  memo: Map<string, unknown>,
  joinTurns?: (record: (exchange: Exchange) => void) => Promise<ClockMember>,
  quiet?: QuietServer,
): Promise<CheckResult> {
  const { suite, check, rule } = job;
  const api = suite.api;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  // Everything the check starts listens to its signal (requests, waits, access leases, its turn at the clock): many
  // listeners are the rule here, not a leak.
  setMaxListeners(0, controller.signal);
  const transcript: Exchange[] = [];
  const notes: string[] = [];
  const started = Date.now();
  let waitedMs = 0;
  // Time waiting for its turns at the shared clock is the run's, not the check's or the server's.
  let turn: ClockMember | undefined;
  // Time kept back while another check has the server quiet (or waiting for a quiet moment of its own) is the run's too.
  const held = { ms: 0, waits: 0, since: 0 };
  const heldBack = async <T>(wait: Promise<T>): Promise<T> => {
    if (held.waits++ === 0) held.since = Date.now();
    try {
      return await wait;
    } finally {
      if (--held.waits === 0) held.ms += Date.now() - held.since;
    }
  };
  const heldMs = () => held.ms + (held.waits ? Date.now() - held.since : 0);
  const budget = () => timeoutMs + waitedMs + (turn?.parkedMs() ?? 0) + heldMs();
  const me = {};
  // A check that waits for the server's time gives up its quiet moment (quiet.ts).
  const endQuiet = () => quiet?.end(me);
  const base: CheckResult = { check: `${api}/${check.id}`, api, rule: check.rule, title: check.title, outcome: 'pass', durationMs: 0 };
  const finish = (outcome: Outcome, extra: Partial<CheckResult> = {}): CheckResult => {
    if ((outcome === 'pass' || outcome === 'skip') && answerProblems.length && !extra.suiteError) return brokenAnswer();
    const result: CheckResult = { ...base, outcome, durationMs: Date.now() - started, ...(waitedMs ? { waitedMs } : {}), transcript, ...extra };
    if (notes.length) result.message = [result.message, ...notes].filter(Boolean).join(' · ');
    if (outcome !== 'pass') result.replay = replayScript(result, options.baseUrls[api]);
    return result;
  };

  // Answers that break the spec whatever the check asked (no answer, cut, undocumented status, not JSON): they fail
  // the schema rule unless the check fails a rule of its own.
  const answerProblems: Array<{ exchange: Exchange; problem: string }> = [];
  // Requests sent and not yet answered: a check stopped at its budget names what it was waiting for.
  const waiting = new Set<{ request: string; at: number }>();
  const brokenAnswer = (): CheckResult => {
    const [{ exchange, problem }] = answerProblems;
    const schemaRule = options.rules.get(suite.schemaRule);
    const soft = schemaRule && schemaRule.level !== 'MUST' && !options.strict;
    answerProblems.length = 0;
    return finish(soft ? 'warn' : 'fail', {
      rule: suite.schemaRule,
      ...(suite.schemaRule !== check.rule ? { checkRule: check.rule } : {}),
      message: `${problem} (while checking ${check.rule})`,
      expected: 'an answer the spec documents',
      actual: exchange.status ? `${exchange.status}: ${exchange.text.slice(0, 200)}` : 'no answer',
      curl: exchange.curl,
    });
  };
  const clientOptions = {
    timeoutMs,
    signal: controller.signal,
    onExchange: (e: Exchange) => transcript.push(e),
    tenants: { A: options.tenants[0], B: options.tenants[1] },
    maxBodyBytes: options.maxBodyBytes,
    onAnswerProblem: (exchange: Exchange, problem: string) => answerProblems.push({ exchange, problem }),
    onSend: (request: string) => {
      const entry = { request, at: Date.now() };
      waiting.add(entry);
      return () => waiting.delete(entry);
    },
    gate: quiet ? () => (quiet.holdsBack(me) ? heldBack(quiet.enter(me, controller.signal)) : quiet.enter(me, controller.signal)) : undefined,
  };
  turn = await joinTurns?.(clientOptions.onExchange);
  const watched = (tenant?: TenantLabel) =>
    suite.watch
      ? (e: Exchange) => {
          clientOptions.onExchange(e);
          suite.watch!(e, tenant, memo);
        }
      : clientOptions.onExchange;
  const client = (creds?: Credentials, tenant?: TenantLabel) => new ApiClient(api, options.baseUrls[api]!, creds, suite.schemaRule, { ...clientOptions, tenant, onExchange: watched(tenant) });
  const suiteBug = (key: string): never => {
    throw new SuiteError(`the check read profile key ${api}.${key}, which the preflight does not demand`);
  };
  // The check's own steps and any work it starts in the background: the first error of any of them is its outcome.
  const work = new CheckWork();
  let settled = false;
  const running = (async () => {
    const t = makeContext(
      {
        rule,
        profile: guardedSection(suite, options.profile[api], suiteBug),
        capabilities: resolveCapabilities(capabilitiesOf(options.suites), options.profile, options),
        alpha: client(options.tenants[0], 'A'),
        beta: client(options.tenants[1], 'B'),
        anonymous: client(undefined),
        memo,
        clock: sharedClock.forCheck({ signal: controller.signal, onRealWait: (ms) => (waitedMs += ms), onExchange: clientOptions.onExchange, turns: turn, beforeWait: endQuiet }),
        signal: controller.signal,
        deadline: () => started + budget() - Date.now(),
        async quietly(work) {
          if (!quiet) return work();
          await heldBack(quiet.acquire(me, controller.signal));
          try {
            return await work();
          } finally {
            endQuiet();
          }
        },
        // Standing aside at the clock: the checks holding what it waits for may be parked, waiting for a move.
        waitForOthers: (wait) => heldBack(turn ? turn.aside(wait) : wait()),
        restart: () => {
          if (!check.restarts) throw new SuiteError(`check ${check.id} restarts the server but is not marked "restarts"`);
          const urls = Object.values(options.baseUrls).filter((u): u is string => !!u);
          return restartServer(options.restart, urls, { signal: controller.signal, timeoutMs, onWait: (ms) => (waitedMs += ms) });
        },
      },
      notes,
      work,
      endQuiet,
    );
    await check.run(t);
  })().then(
    () => {
      settled = true;
    },
    (error) => {
      work.record(error);
      settled = true;
    },
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
  await Promise.race([running, outOfTime, work.failed]);
  // Its own steps done without an error: the work it started must settle too, within the same budget.
  let leftRunning: string[] = [];
  if (settled && !work.first) {
    await Promise.race([work.settled(), outOfTime, work.failed]);
    leftRunning = work.first ? [] : work.pending();
  }
  clearTimeout(timer);
  controller.abort(); // the check is over: anything it left running stops here
  turn?.leave();
  endQuiet();
  const first = work.first;
  if (!first && leftRunning.length) {
    return finish('skip', { message: `not judged: a bug in the suite, not in your server: the check ended with work still running (${leftRunning.join(', ')})`, suiteError: true });
  }
  if ((!settled && !first) || first?.error instanceof CheckAborted) {
    const waits = waitedMs ? ` (--timeout ${timeoutMs} ms plus ${waitedMs} ms of waiting for the server's time to pass)` : ' (--timeout)';
    const unanswered = [...waiting].map((w) => `${w.request} (sent ${Date.now() - w.at} ms before)`);
    const still = unanswered.length ? `; still waiting for the answer to ${unanswered.join(', ')}` : '';
    return finish('fail', { message: `no verdict within ${budget()} ms${waits}: the check was stopped${still}`, timedOut: true, remedy: TIMEOUT_REMEDY });
  }
  const err: any = first?.error;
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
  return finish('fail', { message: `the check itself crashed${first?.what ? ` (in ${first.what})` : ''}: ${err?.stack ?? err}` });
}
