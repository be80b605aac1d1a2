import type { ApiModule } from '../../src/shared/api.js';
import type { ApiName } from '../../conformance/framework/types.js';
import type { RunOptions } from '../../conformance/framework/runner.js';

/**
 * A copy of the reference server that makes one choice the source documents leave to the server. The
 * conformance suite must certify it: no rule may fail (test/selftest/tolerance-table.test.ts).
 */
export interface ToleranceVariant {
  /** kebab-case, unique across the tolerance and the kill tables. */
  name: string;
  /** The suites that judge the choice. */
  apis: ApiName[];
  /** The choice, in a sentence. */
  choice: string;
  /** What allows it: a rule's reading, a sentence of a source document, or INTERPRETING.md. */
  allowedBy: string;
  /** Certified with --strict (SHOULD rules fail instead of warn): true unless the choice touches a SHOULD rule. */
  strict: boolean;
  /** Only the rules whose ID matches (where a whole run would take minutes of real time); default all. */
  grep?: RegExp;
  /** What the vendor of such a server would put in its profile (test data, capabilities), over the reference profile. */
  profile?: RunOptions['profile'];
  /**
   * Every selected MUST rule is judged or not applicable (a capability declared absent): the verdict is CERTIFIED,
   * exit 0, not only "nothing failed".
   */
  fullyJudged?: boolean;
  /**
   * Also run the behaviour-model sweep's checks (ids `sweep-*`). The table runs them for the rows whose choice bears
   * on what the sweep compares (members added or changing on every read, confirmation and hold designs, the sources'
   * forms); for the others the hand-written checks judge every rule, which keeps the table's time bounded.
   */
  sweep?: boolean;
  /** The vendor's --timeout, where the choice makes checks take longer than the default. */
  timeoutMs?: number;
  /** Its run is minutes of waiting in real time: the table starts it first, so that the other rows run beside it. */
  waitsLong?: boolean;
  /** The server's APIs, with the choice made. Each API's base URL is the server's URL plus its mountPath. */
  server(): ApiModule[];
}
