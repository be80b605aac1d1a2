import type { Exchange } from './types.js';

/** A server broke a rule. `rule` defaults to the rule of the check that found it. */
export class RuleViolation extends Error {
  constructor(
    message: string,
    readonly detail: { expected?: unknown; actual?: unknown; exchange?: Exchange; rule?: string } = {},
  ) {
    super(message);
  }
}

/** The check could not run: a prerequisite failed or a capability (test clock, ...) is missing. */
export class NotRun extends Error {}

export const show = (value: unknown): string =>
  value === undefined ? 'undefined' : typeof value === 'string' ? value : JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
