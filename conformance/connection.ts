/**
 * The connection options that certify, init and explore share: which APIs, where each one answers, and the two
 * test tenants. Each command spreads CONNECTION_OPTIONS into its parseArgs options and reads them with apisOf,
 * baseUrlsOf and tenantsOf, which throw ConnectionError with a message saying what to fix.
 */
import { API_NAMES, type ApiName } from './framework/types.js';
import type { Credentials } from './framework/http.js';

export const CONNECTION_OPTIONS = {
  api: { type: 'string', multiple: true },
  'base-url': { type: 'string' },
  'cart-url': { type: 'string' },
  'activation-url': { type: 'string' },
  'ethernet-url': { type: 'string' },
  'tenant-a': { type: 'string' },
  'tenant-b': { type: 'string' },
} as const;

/** The parsed values of CONNECTION_OPTIONS (a command's values may hold more). */
export interface ConnectionValues {
  api?: string[];
  'base-url'?: string;
  'cart-url'?: string;
  'activation-url'?: string;
  'ethernet-url'?: string;
  'tenant-a'?: string;
  'tenant-b'?: string;
}

/** A connection option is missing or wrong; the message says what to fix. */
export class ConnectionError extends Error {}

/** The APIs named by --api (repeatable, comma-separated, `all`; default all), in catalogue order. */
export function apisOf(values: ConnectionValues): ApiName[] {
  const names = (values.api?.length ? values.api : ['all']).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const unknown = names.filter((n) => n !== 'all' && !(API_NAMES as string[]).includes(n));
  const apis = API_NAMES.filter((a) => names.includes('all') || names.includes(a));
  if (unknown.length || !apis.length) throw new ConnectionError(`--api ${unknown.join(',')}: expected one of ${API_NAMES.join(', ')}, all`);
  return apis;
}

/** Each API's base URL, without a trailing slash: --<api>-url, or --base-url followed by /<api>; http(s) only. */
export function baseUrlsOf(values: ConnectionValues, apis: ApiName[]): Partial<Record<ApiName, string>> {
  const baseUrls: Partial<Record<ApiName, string>> = {};
  for (const api of apis) {
    const own = values[`${api}-url`];
    const root = values['base-url'];
    const url = own ?? (root ? `${root.replace(/\/$/, '')}/${api}` : undefined);
    if (!url) throw new ConnectionError(`no URL for the ${api} API: give --base-url or --${api}-url`);
    if (!/^https?:\/\//.test(url)) throw new ConnectionError(`--${own ? `${api}-url` : 'base-url'} must be an http(s) URL, got "${url}"`);
    baseUrls[api] = url.replace(/\/$/, '');
  }
  return baseUrls;
}

function credentialsOf(value: string | undefined, tenant: 'A' | 'B', why: string): Credentials {
  const flag = `--tenant-${tenant.toLowerCase()}`;
  if (!value) throw new ConnectionError(`${flag} is required (USER:SECRET), or set ORDERCERT_TENANT_${tenant}${why}`);
  const at = value.indexOf(':');
  if (at <= 0) throw new ConnectionError(`${flag} must be USER:SECRET`);
  return { user: value.slice(0, at), secret: value.slice(at + 1) };
}

/**
 * The two test tenants, from --tenant-a/--tenant-b or ORDERCERT_TENANT_A/B; they must be different users.
 * `why`, when given, is added to the message about a missing tenant (what the command needs it for).
 */
export function tenantsOf(values: ConnectionValues, why?: string): [Credentials, Credentials] {
  const suffix = why ? `: ${why}` : '';
  const tenants: [Credentials, Credentials] = [
    credentialsOf(values['tenant-a'] ?? process.env.ORDERCERT_TENANT_A, 'A', suffix),
    credentialsOf(values['tenant-b'] ?? process.env.ORDERCERT_TENANT_B, 'B', suffix),
  ];
  if (tenants[0].user === tenants[1].user) throw new ConnectionError('--tenant-a and --tenant-b must be two different tenants');
  return tenants;
}
