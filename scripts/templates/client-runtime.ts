/**
 * Runtime shared by the generated typed clients (generated/<api>/client.ts): an openapi-fetch client over the
 * API's generated `paths`, HTTP Basic credentials on every request, and `ok()`, which turns an answer into its
 * typed body or throws the API's own error class carrying the status and the typed error body.
 *
 * Two ways to call, both fully typed from the spec:
 *   const { data, error, response } = await client.GET('/path/{id}', { params: { path: { id } } });
 *   const data = await client.ok(client.GET('/path/{id}', { params: { path: { id } } }));   // throws on 4xx/5xx
 */
import createClient, { type Client } from 'openapi-fetch';

export interface ClientConfig {
  /** The API's base URL, the part the spec's paths are appended to (e.g. `http://localhost:8080/cart`). */
  baseUrl: string;
  /** HTTP Basic user (the tenant / reseller / buyer). */
  user: string;
  /** HTTP Basic secret. */
  secret: string;
  /** A fetch to use instead of the global one (a test double, a proxy, a retrying fetch). */
  fetch?: (input: Request) => Promise<Response>;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** An answer the API refused (4xx/5xx): its status, its body in the API's error shape, the request that got it. */
export class ApiClientError<E> extends Error {
  constructor(
    readonly api: string,
    readonly status: number,
    readonly body: E,
    readonly method: string,
    readonly url: string,
  ) {
    super(`${api}: ${method} ${url} answered ${status}: ${summarise(body)}`);
    this.name = 'ApiClientError';
  }
}

function summarise(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text === undefined ? '(no body)' : text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** `Basic base64(user:secret)`, with the credentials encoded as UTF-8 (RFC 7617). */
export function basicAuthorization(user: string, secret: string): string {
  const bytes = new TextEncoder().encode(`${user}:${secret}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

/** What openapi-fetch resolves to: either data or a typed error, with the raw Response. */
type Answer = { data?: unknown; error?: unknown; response: Response };
/** The success body of an answer type. */
export type DataOf<R> = R extends { error?: never; data: infer D } ? D : never;

export type TypedClient<Paths extends {}> = Client<Paths, 'application/json'> & {
  /** The answer's body when it succeeded; otherwise throws the API's error class (status + typed error body). */
  ok<R extends Answer>(answer: Promise<R> | R): Promise<DataOf<R>>;
};

export type ErrorClass<E> = new (status: number, body: E, method: string, url: string) => ApiClientError<E>;

/** Builds an API's client. The generated client.ts of each API calls this with its own paths and error class. */
export function createTypedClient<Paths extends {}, E>(config: ClientConfig, ErrorType: ErrorClass<E>): TypedClient<Paths> {
  const client = createClient<Paths>({
    baseUrl: config.baseUrl.replace(/\/+$/, ''),
    fetch: config.fetch,
    headers: { ...config.headers, Authorization: basicAuthorization(config.user, config.secret) },
  });
  // Which request each response answered, so that an error can say "POST /orders answered 409".
  const requests = new WeakMap<Response, { method: string; url: string }>();
  client.use({
    onResponse({ request, response }) {
      requests.set(response, { method: request.method, url: request.url });
    },
  });
  const ok = async <R extends Answer>(answer: Promise<R> | R): Promise<DataOf<R>> => {
    const { data, error, response } = await answer;
    if (response.ok) return data as DataOf<R>;
    const request = requests.get(response);
    throw new ErrorType(response.status, error as E, request?.method ?? '', request?.url ?? response.url);
  };
  return Object.assign(client, { ok });
}
