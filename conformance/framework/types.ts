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

/** skip: not judged; n/a: the check applies only to a capability the profile declares absent (never unjudged). */
export type Outcome = 'pass' | 'fail' | 'warn' | 'skip' | 'n/a';

/** Which of the run's tenants sent a request: `--tenant-a` or `--tenant-b` (none: sent without credentials). */
export type TenantLabel = 'A' | 'B';

export interface Exchange {
  method: string;
  url: string;
  /** The headers sent, with credentials masked (`Authorization: Basic <tenant A>`). */
  requestHeaders: Record<string, string>;
  /** The tenant whose user name the request carried (none: no credentials, or credentials of no tenant). */
  tenant?: TenantLabel;
  /** A deliberately wrong secret sent with the tenant's user name (kept: it is not a real secret). */
  wrongSecret?: string;
  /** A request to the test clock endpoint (`--clock-url`), not to the API. */
  clock?: boolean;
  /** When the request was sent (ISO 8601) and how long until the whole answer was read. */
  startedAt: string;
  durationMs: number;
  requestBody?: unknown;
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, otherwise the text. */
  body: any;
  text: string;
  /** This one request as a curl command (credentials as $ORDERCERT_TENANT_A / $ORDERCERT_TENANT_B). */
  curl: string;
  /**
   * The body was not kept whole: longer than --max-body (the suite stopped reading), or a list read item by item.
   * `bytes`: how many bytes were read; `kept`: how many of them `text` holds.
   */
  cut?: { bytes: number; kept: number };
  /** The answer said JSON but its body did not parse: the parser's message (body then holds the text). */
  parseError?: string;
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
  /** The request the failure points at, as a curl command. */
  curl?: string;
  /** Where actual differs from expected, one line per member: `/bookings/2/status: ON_HOLD -> CONFIRMED`. */
  differences?: string[];
  /** For a check that did not pass: a shell script that sends its whole exchange again, in order. */
  replay?: string;
  durationMs: number;
  /** Of durationMs, the time spent waiting in real time for the server's time to pass (no test clock). */
  waitedMs?: number;
  /** For a check that was not run: what the vendor can do so that it runs (a flag, a profile key). */
  remedy?: string;
  /** The optional capability the check applies to (see capabilities.ts), when it applies to one. */
  capability?: string;
  /** The check hit a bug of the suite (never a verdict on the server). */
  suiteError?: boolean;
  /** The check was stopped at the end of its budget. */
  timedOut?: boolean;
  /** Every request the check sent and the answer it got, in order. */
  transcript?: Exchange[];
}
