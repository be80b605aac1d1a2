import type { ApiName, Exchange, TenantLabel } from './types.js';
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
    });
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
    const startedAt = new Date();
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
    const sent = { method, url: url.toString(), ...this.masked(headers), requestBody: options.rawBody ?? options.body };
    const exchange: Exchange = {
      ...sent,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body,
      text,
      curl: toCurl(sent),
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
