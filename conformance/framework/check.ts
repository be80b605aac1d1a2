import { excerpt } from './excerpt.js';
import crypto from 'node:crypto';
import type { ApiClient } from './http.js';
import type { ApiName, Exchange, Rule, TenantLabel } from './types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { CheckAborted, NotRun, RuleViolation, SuiteError } from './violation.js';
import type { ClockControl } from './clock.js';
import { diff, type Difference } from './diff.js';
import type { ProfileKey } from './profile-keys.js';
import { CheckWork, together } from './check-work.js';
import type { Capabilities, Capability, CapabilityName } from './capabilities.js';

/**
 * Everything a check gets: the rule it checks, clients for the two tenants (and one without
 * credentials), the vendor's profile data for this API, the clock, and small assertion helpers.
 */
export interface CheckContext {
  rule: Rule;
  /** The profile section of this API (the vendor's test data). */
  profile: Record<string, any>;
  /** The run's optional capabilities, declared or derived (none outside a run: each taken as offered). */
  capabilities?: Capabilities;
  /** Tenant A, the main actor. */
  alpha: ApiClient;
  /** Tenant B, for tenancy checks. */
  beta: ApiClient;
  /** No credentials at all. */
  anonymous: ApiClient;
  clock: ClockControl;
  /**
   * What the checks of one run share, each entry kept by the helper that owns its key (such as where a provider's
   * feed ended when last read): empty at the start of every run.
   */
  memo: Map<string, unknown>;
  /** Aborted when the check runs out of its budget: the clients and the clock stop with it. */
  signal: AbortSignal;
  /** Waits `ms` (for polling); stops at once when the check is aborted. Counts against the check's budget. */
  sleep(ms: number): Promise<void>;
  /**
   * Restarts the server under test through the vendor's hook (`--restart-url` / `--restart-command`) and
   * waits until it answers again; without a hook the check is not run. Only checks marked `restarts` may.
   */
  restart(): Promise<void>;
  /** Milliseconds left of the check's budget (`--timeout` plus the real-time waits it asked the clock for). */
  deadline(): number;
  /** A fresh id unique to this run, e.g. for PONs, booking uuids, spReferences. */
  uid(prefix?: string): string;
  uuid(): string;
  /**
   * Runs a step the check depends on but does not judge. If it throws, the check is reported
   * "not run because <what> failed: ..." instead of failing a rule it does not test.
   */
  prerequisite<T>(what: string, step: () => Promise<T>): Promise<T>;
  /** Fails the check's rule. */
  fail(message: string, detail?: { expected?: unknown; actual?: unknown; exchange?: Exchange; differences?: Difference[] }): never;
  /** Fails unless `condition` holds. */
  expect(condition: unknown, message: string, detail?: { expected?: unknown; actual?: unknown; exchange?: Exchange }): asserts condition;
  /** Fails unless the answer's status is one of `statuses`. */
  expectStatus(exchange: Exchange, statuses: number | number[], what?: string): void;
  /** Fails unless `actual` deep-equals `expected`. */
  expectEqual(actual: unknown, expected: unknown, message: string, exchange?: Exchange): void;
  /** Notes a fact in the report (shown with the result). */
  note(message: string): void;
  /**
   * Starts work that runs beside the check's own steps (a reader, a poller). It belongs to the check: when it
   * throws, the check ends at once with that error as its outcome (a rule's failure, a "not run", a suite bug);
   * `result()` waits for it. The check ends only once it has settled.
   */
  background<T>(what: string, work: () => Promise<T>): { result(): Promise<T> };
  /**
   * Runs `work` (requests staged as a race: writes at the same moment or a little apart) while no other check of
   * the run has a request on its way, so that the timing staged is the timing the server sees. Only HTTP requests
   * inside: no clock move, no wait for another check.
   */
  quietly<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Waits for something another check of the run holds (a piece of shared test data it will give back). Meanwhile the
   * check does not hold back clock moves that other checks wait for (they may hold what it waits for), so it may
   * only wait so before it has anything of its own a move could change (its test data is taken first), and the
   * time is not counted against its budget.
   */
  waitForOthers<T>(wait: () => Promise<T>): Promise<T>;
  /** Promise.all for steps sent at once: waits for all of them, then throws the first error by time. */
  together: typeof together;
}

/**
 * - 'none': neither moves the server's clock nor judges anything a clock move could change (no order, hold or
 *   order state of its own that time could move on).
 * - 'reads': never moves the clock, but what it judges could change if the clock moved (a hold that could expire,
 *   an order that could settle): it overlaps other 'reads' checks, never a check that moves the clock.
 * - 'advances': moves the clock only to let its own work finish, and nothing it judges changes when time passes
 *   sooner or further than it asked (it never judges an order still in progress): it overlaps other 'advances'.
 * - 'moves' (or unmarked): moves the clock and may be disturbed by another move.
 * - 'alone': moves the clock and needs each move at once: a margin of real time between its steps that a wait for
 *   its turn at the clock could use up, or a race between its own request and the move.
 * Checks take turns at the clock (clock-turns.ts): a 'reads', 'moves' or 'alone' check never sees a move between
 * two of its steps; an 'alone' check runs with no other check beside it but 'none' ones, so its moves are made at
 * once. Without turns (`--concurrency 1`, or none of the above), 'moves' runs alone like 'alone'.
 * A check marked 'none' that moves the clock after all is stopped before the move and run again as 'moves'.
 */
export type TimeUse = 'none' | 'reads' | 'advances' | 'moves' | 'alone';

/** One check: a small function that verifies one rule. Checks never depend on each other's state. */
export interface Check {
  /** Stable, unique within the API, kebab-case: `confirm-fails-when-a-booking-is-confirmed`. */
  id: string;
  /** The catalogue rule this check verifies. */
  rule: string;
  title: string;
  /** Needs more than a few seconds of real time when the server has no test clock. */
  slow?: boolean;
  /**
   * Must not overlap other checks of its API when checks run concurrently (no test clock): it reads a whole
   * list or feed and expects exact contents, or uses shared, scarce test data (a small availability).
   */
  exclusive?: boolean;
  /**
   * A scarce piece of the profile's test data the check cleans and uses (e.g. 'failingAccess'): no more checks of its
   * API that name the same one run at once than the profile has of it (the suite's `scarce`; one by default), each
   * taking one of its own; other checks may run beside them.
   */
  uses?: string;
  /**
   * Judges only orders, ids and accesses of its own, so that without a test clock it may overlap the other
   * checks of its API like a check that waits in real time (it waits for the server to finish its work).
   */
  independent?: boolean;
  /**
   * About how many steps the check takes, where it knows (a behaviour-model case: its steps); default 4. Among
   * checks that may start, the longest start first, so that a run does not end waiting for a long one started last.
   */
  cost?: number;
  /**
   * Judges what the whole run made (e.g. every event the run's orders added to a feed): starts once every other
   * check of its API has ended.
   */
  last?: boolean;
  /** Restarts the server (t.restart): runs after every other check of the run, alone. */
  restarts?: boolean;
  /**
   * What the check does with the server's time, so that with a test clock checks overlap only where no clock move
   * can change what another sees (see `TimeUse`). Unmarked counts as 'moves', the safe default: it runs alone among
   * the checks that involve time.
   */
  time?: TimeUse;
  /**
   * The optional capability the check applies to (one its suite declares, or `restart`): where the profile declares
   * it absent, the check is not run and reports "not applicable". A check that restarts applies to `restart` without saying so.
   */
  needs?: CapabilityName;
  run(t: CheckContext): Promise<void>;
}

/** What an API's preflight steps get: a context like a check's, and the clients of tenant A, tenant B and no credentials. */
export interface PreflightContext {
  /** A context for steps that reuse the checks' building blocks; its profile is the API's section, guarded. */
  t: CheckContext;
  clients: [ApiClient, ApiClient, ApiClient];
  /** The line to report when tenant `i` (0 = A, 1 = B) was refused (401 or 403) on a read any tenant may make. */
  credentialProblem(i: number, exchange: Exchange): string | undefined;
  /** An answer in brief, for a problem's line: its status and the start of its text. */
  brief(exchange: Exchange): string;
  /** The run's optional capabilities, declared or derived: a declared one is tried where the API can show it. */
  capabilities: Capabilities;
}

/**
 * All checks of one API, the rule a response that breaks the spec's schema violates, and what the suite needs
 * before any check runs: the profile keys it reads and the preflight steps that tell whether the set-up is right.
 */
export interface Suite {
  api: ApiName;
  schemaRule: string;
  checks: Check[];
  /** Every profile key of this API's section the checks read; the required ones are demanded by the preflight. */
  profileKeys: ProfileKey[];
  /** Whether the server accepts the tenants and knows the profile's ids: a line per problem, each saying what to fix. */
  preflight?(context: PreflightContext): Promise<string[]>;
  /** The optional capabilities the API's documents let a server offer or not; their `api` is this suite's. */
  capabilities?: Capability[];
  /**
   * Sees every exchange of every check of this API as it completes (with the tenant of the client, A or B), with
   * the run's memo: where a suite keeps what the whole run created, for checks that overlap and meet each other's data.
   */
  watch?(exchange: Exchange, tenant: TenantLabel | undefined, memo: Map<string, unknown>): void;
  /** How many of each scarce piece of test data (a check's `uses`) the profile's section gives; one when unnamed. */
  scarce?(section: Record<string, unknown>): Record<string, number>;
}

export const defineSuite = (suite: Suite): Suite => suite;

export function makeContext(
  base: Omit<CheckContext, 'uid' | 'uuid' | 'prerequisite' | 'fail' | 'expect' | 'expectStatus' | 'expectEqual' | 'note' | 'sleep' | 'background' | 'together' | 'quietly' | 'waitForOthers'> & Partial<Pick<CheckContext, 'quietly' | 'waitForOthers'>>,
  notes: string[],
  work: CheckWork = new CheckWork(),
  /** Called before the check sleeps (the runner ends its quiet moment, if it has one). */
  beforeSleep?: () => void,
): CheckContext {
  const ctx: CheckContext = {
    ...base,
    // Alone on the server (no other check running), every moment is quiet.
    quietly: base.quietly ?? ((work) => work()),
    waitForOthers: base.waitForOthers ?? ((wait) => wait()),
    background: (what, fn) => work.start(what, fn),
    together,
    async sleep(ms) {
      beforeSleep?.();
      try {
        await sleep(ms, undefined, { signal: base.signal });
      } catch {
        throw new CheckAborted();
      }
    },
    uid: (prefix = 'oc') => `${prefix}${crypto.randomBytes(5).toString('hex')}`,
    uuid: () => crypto.randomUUID(),
    async prerequisite(what, step) {
      try {
        return await step();
      } catch (err: any) {
        if (err instanceof CheckAborted || err instanceof SuiteError) throw err;
        if (err instanceof NotRun) throw new NotRun(`${what}: ${err.message}`, err.remedy);
        throw new NotRun(`${what} failed: ${err?.message ?? err}`, `make "${what}" work against your server (see the message)`);
      }
    },
    fail(message, detail = {}) {
      throw new RuleViolation(message, detail);
    },
    expect(condition, message, detail) {
      if (!condition) ctx.fail(message, detail);
    },
    expectStatus(exchange, statuses, what) {
      const allowed = Array.isArray(statuses) ? statuses : [statuses];
      if (!allowed.includes(exchange.status)) {
        ctx.fail(`${what ?? `${exchange.method} ${new URL(exchange.url).pathname}`} answered ${exchange.status}`, {
          expected: `status ${allowed.join(' or ')}`,
          actual: `status ${exchange.status}: ${excerpt(exchange.body, 300)}`,
          exchange,
        });
      }
    },
    expectEqual(actual, expected, message, exchange) {
      const differences = diff(expected, actual);
      if (differences.length) ctx.fail(message, { expected, actual, exchange, differences });
    },
    note(message) {
      notes.push(message);
    },
  };
  return ctx;
}
