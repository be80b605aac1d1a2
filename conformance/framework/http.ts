import type { ApiName, Exchange } from './types.js';
import { CheckAborted, RuleViolation } from './violation.js';
import { responseValidatorFor } from './schemas.js';

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
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Builds a curl command that repeats a request exactly, secrets included only as placeholders. */
export function toCurl(method: string, url: string, headers: Record<string, string>, body?: string): string {
  const parts = ['curl', '-i', '-X', method, quote(url)];
  for (const [k, v] of Object.entries(headers)) {
    const value = k.toLowerCase() === 'authorization' ? 'Basic $(printf %s "$USER:$SECRET" | base64)' : v;
    parts.push('-H', k.toLowerCase() === 'authorization' ? `"${k}: ${value}"` : quote(`${k}: ${value}`));
  }
  if (body !== undefined) parts.push('--data-binary', quote(body));
  return parts.join(' ');
}

export interface ClientOptions {
  /** Longest wait for one answer (the run's `--timeout`). */
  timeoutMs?: number;
  /** The check's signal: once aborted, requests in flight are cancelled and no new one is sent. */
  signal?: AbortSignal;
  /** Sees every exchange, e.g. to keep a transcript. */
  onExchange?: (exchange: Exchange) => void;
}

/**
 * An HTTP client for one API of the server under test, as one tenant. Every answer whose status the
 * spec documents is checked against the spec's schema; a mismatch is a violation of `schemaRule`.
 */
export class ApiClient {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly onExchange: (exchange: Exchange) => void;

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
  }

  /** The same client (signal, transcript, timeout) with other credentials, e.g. a wrong secret. */
  as(credentials: Credentials | undefined): ApiClient {
    return new ApiClient(this.api, this.baseUrl, credentials, this.schemaRule, { timeoutMs: this.timeoutMs, signal: this.signal, onExchange: this.onExchange });
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Exchange> {
    if (this.signal?.aborted) throw new CheckAborted();
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
    const curl = toCurl(method, url.toString(), headers, payload);
    let response: Response;
    try {
      const timeout = AbortSignal.timeout(this.timeoutMs);
      response = await fetch(url, { method, headers, body: payload, signal: this.signal ? AbortSignal.any([this.signal, timeout]) : timeout });
    } catch (err: any) {
      if (this.signal?.aborted) throw new CheckAborted();
      throw new RuleViolation(`${method} ${url} got no answer: ${err?.cause?.code ?? err?.name ?? ''} ${err?.message ?? err}`.trim(), {
        expected: 'an HTTP answer',
        actual: 'no answer (connection failed or timed out)',
      });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err: any) {
      if (this.signal?.aborted) throw new CheckAborted();
      throw new RuleViolation(`${method} ${url} broke off its answer: ${err?.message ?? err}`, { expected: 'a whole HTTP answer', actual: 'the body was cut off' });
    }
    let body: any = text;
    const contentType = response.headers.get('content-type') ?? '';
    if (/json/i.test(contentType) && text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const exchange: Exchange = {
      method,
      url: url.toString(),
      requestHeaders: headers,
      requestBody: options.body ?? options.rawBody,
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body,
      text,
      curl,
    };
    this.onExchange(exchange);
    if (!options.skipSchema) this.checkSchema(exchange, path);
    return exchange;
  }

  get = (path: string, options?: RequestOptions) => this.request('GET', path, options);
  post = (path: string, body?: unknown, options?: RequestOptions) => this.request('POST', path, { ...options, body });
  put = (path: string, body?: unknown, options?: RequestOptions) => this.request('PUT', path, { ...options, body });
  patch = (path: string, body?: unknown, options?: RequestOptions) => this.request('PATCH', path, { ...options, body });
  delete = (path: string, body?: unknown, options?: RequestOptions) => this.request('DELETE', path, { ...options, body });

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
