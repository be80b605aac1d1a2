import type { ApiName, Exchange, TenantLabel } from './types.js';
import { CheckAborted, NotRun, RuleViolation, SuiteError } from './violation.js';
import { documentedStatus, responseValidatorFor } from './schemas.js';
import { JsonArraySplitter, JsonStreamError } from './json-stream.js';

/** The longest answer held whole (16 MiB); `--max-body` changes it. A list read item by item has no such limit. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** How much of an answer cut short, or read item by item, the transcript keeps. */
export const KEPT_BYTES = 64 * 1024;

/** An answer's body as read so far: its text (or the start of it), its length, and whether reading stopped early. */
export interface BodyRead {
  text: string;
  bytes: number;
  cut?: { bytes: number; kept: number };
}

/**
 * Reads a body chunk by chunk. With `onChunk` every chunk is handed on and only the first KEPT_BYTES are kept;
 * otherwise up to `cap` bytes are kept, and a longer body is cut there (the rest is never read).
 */
export async function readCapped(response: Response, cap: number, read: BodyRead, onChunk?: (chunk: Uint8Array) => void): Promise<void> {
  const keep = onChunk ? KEPT_BYTES : cap;
  const chunks: Buffer[] = [];
  let kept = 0;
  const settle = () => {
    read.text = Buffer.concat(chunks).toString('utf8');
  };
  if (!response.body) return settle();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      read.bytes += value.byteLength;
      if (kept < keep) {
        const part = Buffer.from(value.buffer, value.byteOffset, Math.min(value.byteLength, keep - kept));
        chunks.push(Buffer.from(part));
        kept += part.length;
      }
      if (read.bytes > keep) read.cut = { bytes: read.bytes, kept: Math.min(kept, KEPT_BYTES) };
      if (onChunk) onChunk(value);
      else if (read.bytes > cap) {
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    throw err;
  } finally {
    if (read.cut && kept > KEPT_BYTES) {
      chunks.splice(0, chunks.length, Buffer.concat(chunks).subarray(0, KEPT_BYTES));
    }
    settle();
    if (read.cut) read.cut.bytes = read.bytes;
  }
}

const safeParse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

export interface Credentials {
  user: string;
  secret: string;
}

export interface RequestOptions {
  body?: unknown;
  /** A raw body sent as is (for malformed-input checks); wins over `body`. */
  rawBody?: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Skip the response-schema check (for deliberately bad requests whose answer is checked by hand). */
  skipSchema?: boolean;
  /**
   * Reads a 2xx JSON array answer item by item instead of holding it whole: each item is checked against the
   * spec's schema and handed here as it arrives (an answer of any length, with the memory of its largest item).
   * The exchange then keeps only the first bytes of the body.
   */
  onItem?: (item: any, index: number) => void;
}

/** Shell single quotes: nothing inside is expanded. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The environment variable that holds a tenant's USER:SECRET (the same names `ordercert certify` reads). */
export const tenantVariable = (tenant: TenantLabel) => `ORDERCERT_TENANT_${tenant}`;

/** What a kept Authorization header says instead of the credentials. */
const maskedAuthorization = (tenant: TenantLabel | undefined, wrongSecret: string | undefined) =>
  tenant ? `Basic <${wrongSecret === undefined ? `tenant ${tenant}` : `tenant ${tenant}'s user, a wrong secret`}>` : 'Basic <credentials of no tenant>';

/** curl's -u argument for a request sent as `tenant` (with a wrong secret, the tenant's user and that secret). */
export function curlUser(tenant: TenantLabel, wrongSecret?: string): string {
  const variable = tenantVariable(tenant);
  return wrongSecret === undefined ? `-u "$${variable}"` : `-u "\${${variable}%%:*}":${shellQuote(wrongSecret)}`;
}

/**
 * A curl command that repeats one kept request: the tenant's credentials come from $ORDERCERT_TENANT_A or
 * $ORDERCERT_TENANT_B (curl -u builds the header itself: no base64, no line wrapping), `baseExpression`
 * (a shell word such as "$BASE") stands for `base` when given.
 */
export function toCurl(ex: Pick<Exchange, 'method' | 'url' | 'requestHeaders' | 'requestBody' | 'tenant' | 'wrongSecret'>, base?: { url: string; expression: string }): string {
  const rest = base && ex.url.startsWith(base.url) ? ex.url.slice(base.url.length) : undefined;
  const url = base && rest !== undefined ? `${base.expression}${rest ? shellQuote(rest) : ''}` : shellQuote(ex.url);
  const parts = ['curl', '-sS', '-i', '-w', `'\\n'`, '-X', ex.method, url];
  if (ex.tenant) parts.push(curlUser(ex.tenant, ex.wrongSecret));
  for (const [k, v] of Object.entries(ex.requestHeaders)) {
    if (k.toLowerCase() === 'authorization' && (ex.tenant || v.startsWith('Basic <'))) continue;
    parts.push('-H', shellQuote(`${k}: ${v}`));
  }
  const body = ex.requestBody === undefined ? undefined : typeof ex.requestBody === 'string' ? ex.requestBody : JSON.stringify(ex.requestBody);
  if (body !== undefined) parts.push('--data-binary', shellQuote(body));
  return parts.join(' ');
}

export interface ClientOptions {
  /** Longest wait for one answer (the run's `--timeout`). */
  timeoutMs?: number;
  /** The check's signal: once aborted, requests in flight are cancelled and no new one is sent. */
  signal?: AbortSignal;
  /** Sees every exchange, e.g. to keep a transcript. */
  onExchange?: (exchange: Exchange) => void;
  /** Whose credentials this client sends: the run's tenant A or B (none for a client without credentials). */
  tenant?: TenantLabel;
  /** The run's tenants, so that any Basic header sent (a wrong secret, another tenant's) is labelled and masked. */
  tenants?: Partial<Record<TenantLabel, Credentials>>;
  /** The longest answer held whole (`--max-body`, default DEFAULT_MAX_BODY_BYTES); a longer one fails the schema rule. */
  maxBodyBytes?: number;
  /**
   * Sees every answer that breaks the spec whatever the check asked: no answer, one cut off or over --max-body, a
   * status its operation does not document (a 3xx, a 5xx, ...), a body that is not the JSON the spec documents (also
   * when the check skips the schema). The runner fails the schema rule with the first unless the check fails a rule
   * of its own: a set-up step that got such an answer is not merely "not run".
   */
  onAnswerProblem?: (exchange: Exchange, problem: string) => void;
  /** Told when a request goes out ("GET <url>"); the function it returns is called once its answer is read or lost. */
  onSend?: (request: string) => () => void;
  /**
   * Awaited before each request goes out (another check may have the server quiet, see quiet.ts); resolves to the
   * function called once the answer is read or lost.
   */
  gate?: () => Promise<() => void>;
}

/**
 * An HTTP client for one API of the server under test, as one tenant. Every answer whose status the
 * spec documents is checked against the spec's schema; a mismatch is a violation of `schemaRule`.
 */
export class ApiClient {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly onExchange: (exchange: Exchange) => void;
  readonly tenant?: TenantLabel;
  readonly tenants: Partial<Record<TenantLabel, Credentials>>;
  readonly maxBodyBytes: number;
  readonly onAnswerProblem?: (exchange: Exchange, problem: string) => void;
  readonly onSend?: (request: string) => () => void;
  readonly gate?: () => Promise<() => void>;

  constructor(
    readonly api: ApiName,
    readonly baseUrl: string,
    readonly credentials: Credentials | undefined,
    readonly schemaRule: string,
    options: ClientOptions | number = {},
  ) {
    const opts = typeof options === 'number' ? { timeoutMs: options } : options;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.signal = opts.signal;
    this.onExchange = opts.onExchange ?? (() => {});
    this.tenant = opts.tenant;
    this.tenants = opts.tenants ?? (opts.tenant && credentials ? { [opts.tenant]: credentials } : {});
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.onAnswerProblem = opts.onAnswerProblem;
    this.onSend = opts.onSend;
    this.gate = opts.gate;
  }

  /** The same client (signal, transcript, timeout) with other credentials, e.g. a wrong secret. */
  as(credentials: Credentials | undefined): ApiClient {
    const tenant = credentials && (Object.entries(this.tenants).find(([, c]) => c?.user === credentials.user)?.[0] as TenantLabel | undefined);
    return new ApiClient(this.api, this.baseUrl, credentials, this.schemaRule, {
      timeoutMs: this.timeoutMs,
      signal: this.signal,
      onExchange: this.onExchange,
      tenant: tenant ?? (credentials?.user === this.credentials?.user ? this.tenant : undefined),
      tenants: this.tenants,
      maxBodyBytes: this.maxBodyBytes,
      onAnswerProblem: this.onAnswerProblem,
      onSend: this.onSend,
      gate: this.gate,
    });
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Exchange> {
    if (this.signal?.aborted) throw new CheckAborted();
    const gone = await this.gate?.();
    const answered = this.onSend?.(`${method} ${this.baseUrl.replace(/\/$/, '')}${path}`);
    try {
      return await this.send(method, path, options);
    } finally {
      answered?.();
      gone?.();
    }
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Exchange> {
    const url = new URL(this.baseUrl.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (this.credentials) {
      headers.Authorization = `Basic ${Buffer.from(`${this.credentials.user}:${this.credentials.secret}`).toString('base64')}`;
    }
    let payload: string | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/json';
    }
    const startedAt = new Date();
    const sent = { method, url: url.toString(), ...this.masked(headers), requestBody: options.rawBody ?? options.body };
    const op = `${method} ${path.split('?')[0]}`;
    // An exchange as far as it got: kept in the transcript and named by the violation, whatever went wrong.
    const record = (status: number, responseHeaders: Record<string, string>, read: BodyRead, body: unknown, parseError?: string): Exchange => {
      const exchange: Exchange = {
        ...sent,
        startedAt: startedAt.toISOString(),
        durationMs: Date.now() - startedAt.getTime(),
        status,
        headers: responseHeaders,
        body,
        text: read.text,
        curl: toCurl(sent),
        ...(read.cut ? { cut: read.cut } : {}),
        ...(parseError ? { parseError } : {}),
      };
      this.onExchange(exchange);
      return exchange;
    };
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      // Redirects are not followed: the answer is judged as it is (no spec documents a 3xx), and credentials go nowhere else.
      response = await fetch(url, { method, headers, body: payload, redirect: 'manual', signal: this.signal ? AbortSignal.any([this.signal, timeout]) : timeout });
    } catch (err: any) {
      if (this.signal?.aborted) throw new CheckAborted();
      const why = timeout.aborted ? `no answer within --timeout ${this.timeoutMs} ms` : `${err?.cause?.code ?? err?.name ?? ''} ${err?.cause?.message ?? err?.message ?? err}`.trim();
      const exchange = record(0, {}, { text: '', bytes: 0 }, undefined);
      this.onAnswerProblem?.(exchange, `${method} ${url} got no answer: ${why}`);
      throw new RuleViolation(`${method} ${url} got no answer: ${why}`, { expected: 'an HTTP answer', actual: `no answer (${why})`, exchange });
    }
    const responseHeaders = Object.fromEntries(response.headers.entries());
    const contentType = response.headers.get('content-type') ?? '';
    const isJson = /json/i.test(contentType);
    const read: BodyRead = { text: '', bytes: 0 };
    let items: { count: number } | undefined;
    try {
      if (options.onItem && isJson && response.status >= 200 && response.status < 300) {
        items = await this.readItems(response, read, options, op, response.status);
      } else {
        await readCapped(response, this.maxBodyBytes, read);
      }
    } catch (err: any) {
      if (this.signal?.aborted) throw new CheckAborted();
      if (err instanceof RuleViolation || err instanceof CheckAborted || err instanceof NotRun || err instanceof SuiteError) {
        if (err instanceof RuleViolation && err.detail.rule === this.schemaRule && !err.detail.exchange) {
          throw new RuleViolation(err.message, { ...err.detail, exchange: record(response.status, responseHeaders, read, read.text) });
        }
        record(response.status, responseHeaders, read, read.text);
        throw err;
      }
      const exchange = record(response.status, responseHeaders, read, read.text);
      if (err instanceof JsonStreamError) {
        this.onAnswerProblem?.(exchange, `${op} ${response.status}: the body is not a JSON array: ${err.message}`);
        throw new RuleViolation(`${op} ${response.status}: the body is not a JSON array: ${err.message}`, { rule: this.schemaRule, expected: 'a JSON array (the spec\'s response)', actual: err.message, exchange });
      }
      const why = timeout.aborted ? `did not finish its answer within --timeout ${this.timeoutMs} ms` : `broke off its answer (${err?.cause?.code ?? err?.message ?? err})`;
      this.onAnswerProblem?.(exchange, `${method} ${url} answered ${response.status} but ${why}, after ${read.bytes} bytes`);
      throw new RuleViolation(`${method} ${url} answered ${response.status} but ${why}, after ${read.bytes} bytes`, { expected: 'a whole HTTP answer', actual: `the body ended after ${read.bytes} bytes`, exchange });
    }
    if (read.cut && !items) {
      const exchange = record(response.status, responseHeaders, read, read.text);
      this.onAnswerProblem?.(exchange, `${op} answered ${response.status} with a body longer than ${this.maxBodyBytes} bytes (--max-body)`);
      throw new RuleViolation(`${op} answered ${response.status} with a body longer than ${this.maxBodyBytes} bytes (--max-body): the suite stopped reading it`, {
        rule: this.schemaRule,
        expected: `an answer of at most ${this.maxBodyBytes} bytes (--max-body raises the limit)`,
        actual: `more than ${read.cut.bytes} bytes; the transcript keeps the first ${read.cut.kept}`,
        exchange,
      });
    }
    let body: any = read.text;
    let parseError: string | undefined;
    if (items) body = read.cut ? read.text : safeParse(read.text);
    else if (isJson && read.text.length > 0) {
      try {
        body = JSON.parse(read.text);
      } catch (err: any) {
        parseError = err?.message ?? String(err);
      }
    }
    const exchange = record(response.status, responseHeaders, read, body, parseError);
    this.checkAnswer(exchange, path);
    if (!options.skipSchema && !items) this.checkSchema(exchange, path);
    return exchange;
  }

  /**
   * Reads a JSON array answer item by item: each is checked against the spec's schema (unless skipSchema) and handed
   * to `onItem` as it arrives; only the first bytes are kept for the transcript.
   */
  private async readItems(response: Response, read: BodyRead, options: RequestOptions, op: string, status: number): Promise<{ count: number }> {
    const whole = responseValidatorFor(this.api, op.split(' ')[0], op.slice(op.indexOf(' ') + 1), status);
    const splitter = new JsonArraySplitter((item, index) => {
      if (!options.skipSchema && whole && !whole.validate([item])) {
        const errors = (whole.validate.errors ?? []).slice(0, 5).map((e) => `/${index}${e.instancePath.replace(/^\/0/, '')} ${e.message}`).join('; ');
        throw new RuleViolation(`${op} ${status}: item ${index} of the list does not match the spec's ${whole.name}`, { rule: this.schemaRule, expected: `items valid against ${whole.name}`, actual: errors });
      }
      options.onItem!(item, index);
    }, this.maxBodyBytes);
    await readCapped(response, Infinity, read, (chunk) => splitter.push(chunk));
    return { count: splitter.end() };
  }

  get = (path: string, options?: RequestOptions) => this.request('GET', path, options);
  post = (path: string, body?: unknown, options?: RequestOptions) => this.request('POST', path, { ...options, body });
  put = (path: string, body?: unknown, options?: RequestOptions) => this.request('PUT', path, { ...options, body });
  patch = (path: string, body?: unknown, options?: RequestOptions) => this.request('PATCH', path, { ...options, body });
  delete = (path: string, body?: unknown, options?: RequestOptions) => this.request('DELETE', path, { ...options, body });

  /** The headers as kept: a Basic Authorization header names the tenant it belongs to instead of its credentials. */
  private masked(headers: Record<string, string>): Pick<Exchange, 'requestHeaders' | 'tenant' | 'wrongSecret'> {
    const name = Object.keys(headers).find((h) => h.toLowerCase() === 'authorization');
    if (!name) return { requestHeaders: { ...headers } };
    const value = headers[name];
    const basic = /^Basic\s+(.+)$/i.exec(value);
    const decoded = basic ? Buffer.from(basic[1], 'base64').toString('utf8') : undefined;
    const at = decoded?.indexOf(':') ?? -1;
    const [user, secret] = decoded && at > 0 ? [decoded.slice(0, at), decoded.slice(at + 1)] : [undefined, undefined];
    const known = { ...this.tenants, ...(this.tenant && this.credentials && !this.tenants[this.tenant] ? { [this.tenant]: this.credentials } : {}) };
    const match = (Object.entries(known) as Array<[TenantLabel, Credentials | undefined]>).find(([, c]) => c && c.user === user);
    const tenant = match?.[0];
    const isSecret = (Object.values(known) as Array<Credentials | undefined>).some((c) => c && c.secret === secret);
    const wrongSecret = tenant && secret !== match![1]!.secret ? (isSecret ? '<another tenant\'s secret>' : secret) : undefined;
    return {
      requestHeaders: { ...headers, [name]: basic ? maskedAuthorization(tenant, wrongSecret) : '<masked>' },
      ...(tenant ? { tenant } : {}),
      ...(wrongSecret !== undefined ? { wrongSecret } : {}),
    };
  }

  /** Reports what breaks the spec whatever the check asked: an undocumented status, a body that is not the JSON documented. */
  private checkAnswer(exchange: Exchange, path: string): void {
    if (!this.onAnswerProblem) return;
    const bare = path.split('?')[0];
    const found = documentedStatus(this.api, exchange.method, bare, exchange.status);
    const op = `${exchange.method} ${bare}`;
    if (found && !found.documented) {
      const location = exchange.status >= 300 && exchange.status < 400 && exchange.headers.location ? ` (a redirect to ${exchange.headers.location}, not followed)` : '';
      return this.onAnswerProblem(exchange, `${op} answered ${exchange.status}${location}, a status the spec does not document for ${found.operationId}`);
    }
    if (!responseValidatorFor(this.api, exchange.method, bare, exchange.status)) return;
    if (!/json/i.test(exchange.headers['content-type'] ?? '')) {
      this.onAnswerProblem(exchange, `${op} answered ${exchange.status} with Content-Type ${exchange.headers['content-type'] ?? '(none)'}, not the JSON the spec documents`);
    } else if (exchange.parseError) {
      this.onAnswerProblem(exchange, `${op} answered ${exchange.status} with a body that is not valid JSON (${exchange.parseError})`);
    }
  }

  private checkSchema(exchange: Exchange, path: string): void {
    const validator = responseValidatorFor(this.api, exchange.method, path.split('?')[0], exchange.status);
    if (!validator) return;
    if (!/json/i.test(exchange.headers['content-type'] ?? '')) {
      throw new RuleViolation(`${exchange.method} ${path} answered ${exchange.status} without a JSON body`, {
        rule: this.schemaRule,
        expected: 'Content-Type: application/json',
        actual: exchange.headers['content-type'] ?? '(none)',
        exchange,
      });
    }
    if (exchange.parseError) {
      throw new RuleViolation(`${exchange.method} ${path} ${exchange.status}: the body is not valid JSON (${exchange.parseError})`, {
        rule: this.schemaRule,
        expected: `a JSON body valid against ${validator.name}`,
        actual: `${exchange.text.slice(0, 200)}${exchange.text.length > 200 ? '...' : ''}`,
        exchange,
      });
    }
    if (!validator.validate(exchange.body)) {
      const errors = (validator.validate.errors ?? [])
        .slice(0, 5)
        .map((e) => `${e.instancePath || '(body)'} ${e.message}`)
        .join('; ');
      throw new RuleViolation(`${exchange.method} ${path} ${exchange.status}: the body does not match the spec's ${validator.name}`, {
        rule: this.schemaRule,
        expected: `a body valid against ${validator.name}`,
        actual: errors,
        exchange,
      });
    }
  }
}

/** A request to the test clock endpoint as a transcript entry (no credentials; `clock` marks it). */
export function clockExchange(url: string, init: RequestInit | undefined, res: Response, text: string, startedAt: Date): Exchange {
  const requestHeaders = Object.fromEntries(new Headers(init?.headers).entries());
  const method = init?.method ?? 'GET';
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : text;
  } catch {
    // not JSON: kept as text
  }
  const requestBody = typeof init?.body === 'string' ? safeJson(init.body) : undefined;
  const sent = { method, url, requestHeaders, requestBody, clock: true as const };
  return {
    ...sent,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    status: res.status,
    headers: Object.fromEntries(res.headers.entries()),
    body,
    text,
    curl: toCurl(sent, { url, expression: '"$ORDERCERT_CLOCK_URL"' }),
  };
}

const safeJson = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};
