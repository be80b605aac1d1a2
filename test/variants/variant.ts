import type { ApiModule } from '../../src/shared/api.js';
import type { ApiName } from '../../conformance/framework/types.js';

/** A copy of the reference server that breaks exactly one documented rule. */
export interface Variant {
  /** kebab-case, unique across all APIs. */
  name: string;
  api: ApiName;
  /** The catalogue rule the conformance suite must report as failed. */
  breaks: string;
  /**
   * Other rules the same bug breaks, named instead of `breaks` when the run's timing decides which check sees
   * it first (e.g. events that happen to fall in one second). Empty for almost every variant.
   */
  alsoBreaks?: string[];
  description: string;
  /** Only the rules whose ID matches (a variant whose every wait runs to the end of the budget would take minutes). */
  grep?: RegExp;
  /** The database the kill table runs it on (default SQLite): a bug only concurrent transactions show needs PostgreSQL. */
  backend?: 'sqlite' | 'postgres';
  /** The server's APIs, with the one broken. */
  apis(): ApiModule[];
}
