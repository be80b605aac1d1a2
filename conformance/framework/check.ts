import { excerpt } from './excerpt.js';
import crypto from 'node:crypto';
import type { ApiClient } from './http.js';
import type { ApiName, Exchange, Rule } from './types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { CheckAborted, NotRun, RuleViolation, SuiteError } from './violation.js';
import type { ClockControl } from './clock.js';
import { diff, type Difference } from './diff.js';

/**
 * Everything a check gets: the rule it checks, clients for the two tenants (and one without
 * credentials), the vendor's profile data for this API, the clock, and small assertion helpers.
 */
export interface CheckContext {
  rule: Rule;
  /** The profile section of this API (the vendor's test data). */
  profile: Record<string, any>;
  /** Tenant A, the main actor. */
  alpha: ApiClient;
  /** Tenant B, for tenancy checks. */
  beta: ApiClient;
  /** No credentials at all. */
  anonymous: ApiClient;
  clock: ClockControl;
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
}

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
   * Judges only orders, ids and accesses of its own, so that without a test clock it may overlap the other
   * checks of its API like a check that waits in real time (it waits for the server to finish its work).
   */
  independent?: boolean;
  /** Restarts the server (t.restart): runs after every other check of the run, alone. */
  restarts?: boolean;
  run(t: CheckContext): Promise<void>;
}

/** All checks of one API, and the rule a response that breaks the spec's schema violates. */
export interface Suite {
  api: ApiName;
  schemaRule: string;
  checks: Check[];
}

export const defineSuite = (suite: Suite): Suite => suite;

export function makeContext(
  base: Omit<CheckContext, 'uid' | 'uuid' | 'prerequisite' | 'fail' | 'expect' | 'expectStatus' | 'expectEqual' | 'note' | 'sleep'>,
  notes: string[],
): CheckContext {
  const ctx: CheckContext = {
    ...base,
    async sleep(ms) {
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
