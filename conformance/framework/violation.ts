import type { Difference } from './diff.js';
import type { Exchange } from './types.js';

/** A server broke a rule. `rule` defaults to the rule of the check that found it. */
export class RuleViolation extends Error {
  constructor(
    message: string,
    readonly detail: { expected?: unknown; actual?: unknown; exchange?: Exchange; rule?: string; differences?: Difference[] } = {},
  ) {
    super(message);
  }
}

/**
 * The check could not run: a prerequisite failed or a capability (test clock, a profile key, ...) is
 * missing. `remedy` says what the vendor can do so that the rule is judged next time.
 */
export class NotRun extends Error {
  constructor(
    message: string,
    readonly remedy?: string,
  ) {
    super(message);
  }
}

/**
 * The suite itself went wrong (it read a profile key the preflight does not demand, ...): never a
 * verdict on the server. The check's rule is reported as not judged.
 */
export class SuiteError extends Error {}

/** The check ran out of its budget and was aborted: whatever it does afterwards does not count. */
export class CheckAborted extends Error {
  constructor() {
    super('the check was stopped at its timeout');
  }
}

export const show = (value: unknown): string =>
  value === undefined ? 'undefined' : typeof value === 'string' ? value : JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
