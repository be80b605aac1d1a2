/** The shared vocabulary of the conformance suite. */
export type ApiName = 'cart' | 'activation' | 'ethernet';
export const API_NAMES: ApiName[] = ['cart', 'activation', 'ethernet'];

export type Level = 'MUST' | 'SHOULD' | 'MAY';

/** One documented rule: what a server is held to, quoted from its source. */
export interface Rule {
  id: string;
  api: ApiName;
  level: Level;
  /**
   * The local copy of the source the quote is checked against: a seed file (e.g. `000_42e3361135d972c7.txt`)
   * or a digest (e.g. `reference/cart.md`). Neither ships with the suite: show `document` to a vendor.
   */
  source: string;
  /** The public document the rule comes from: title, section and URL (the catalogue's `sources` table). */
  document: SourceDocument;
  /** The source sentence, word for word. */
  quote: string;
  /** English rendering where the source is not in English. */
  translation?: string;
  /** How ordercert reads the rule, where the quote alone leaves room (optional). */
  reading?: string;
}

/** A public document a catalogue quotes, and where in it a rule stands. */
export interface SourceDocument {
  /** The catalogue's key for the document, e.g. `redeam-cart-capability`. */
  key: string;
  title: string;
  /** The section of the document the quote stands in. */
  section?: string;
  url: string;
  /** True when the quote is ordercert's digest of the document (a summary), not its own words. */
  digest?: boolean;
}

export type Outcome = 'pass' | 'fail' | 'warn' | 'skip';

export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, otherwise the text. */
  body: any;
  text: string;
  curl: string;
}

export interface CheckResult {
  check: string;
  api: ApiName;
  rule: string;
  /** The rule the check was written for, when the verdict went to another (a schema failure on the way). */
  checkRule?: string;
  title: string;
  outcome: Outcome;
  /** Why it failed, warned or was not run. */
  message?: string;
  expected?: string;
  actual?: string;
  curl?: string;
  durationMs: number;
  /** For a check that was not run: what the vendor can do so that it runs (a flag, a profile key). */
  remedy?: string;
  /** The check hit a bug of the suite (never a verdict on the server). */
  suiteError?: boolean;
  /** The check was stopped at the end of its budget. */
  timedOut?: boolean;
  /** Every request the check sent and the answer it got, in order. */
  transcript?: Exchange[];
}
