/**
 * ordercert init: writes a profile for a vendor's server from what the server itself tells (the activation
 * accesses that offer two services of one type and are free, each tenant's ethernet buyerId, whether a test clock
 * answers), plus what flags give where no API can tell (the cart's supplier, product, option, availability and
 * unit; the activation accesses that fail or are slow). Every key it could not fill is written as a comment that
 * says what to put there; then the preflight runs on the profile, as certify would.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { listedApiClocks, preflight } from './framework/preflight.js';
import { loadProfile } from './framework/profile.js';
import type { ProfileKey } from './framework/profile-keys.js';
import { SUITES, suitesFor } from './suites.js';
import type { ApiName } from './framework/types.js';
import type { Credentials } from './framework/http.js';
import { apisOf, baseUrlsOf, CONNECTION_OPTIONS, ConnectionError, tenantsOf } from './connection.js';

export const INIT_USAGE = `usage: ordercert init [options]

Asks your server what it can tell and writes a profile (your test data) for certify: the activation accesses
that offer two services of one type and are free, each tenant's ethernet buyerId, whether a test clock
answers. What no API tells comes from the flags below; a key neither found nor given is written as a comment
saying what to put there. Then the preflight runs on the profile, as certify would.

connection (as for certify):
  --api NAME           cart, activation, ethernet or all (default all)
  --base-url URL, --cart-url URL, --activation-url URL, --ethernet-url URL
  --tenant-a USER:SECRET, --tenant-b USER:SECRET   (or ORDERCERT_TENANT_A, ORDERCERT_TENANT_B)
  --clock-url URL      your test clock (default: tried at BASE-URL/__clock); each API's own is tried at
                       URL/<api>, and suggested when every API has one that moves its time alone
  --restart-url URL    your restart hook (noted in the profile; never called by init)

what no API tells:
  --cart-supplier ID, --cart-product ID, --cart-option ID, --cart-availability ID, --cart-unit ID
  --cart-small-availability ID   an availability of that option with at most 10 places
  --cart-async-option ID, --cart-async-availability ID, --cart-rejecting-availability ID, --cart-settle-seconds N
  --activation-failing-access ID[,ID...]  an access where every ACTIVATE ends DONE_FAILED (more than one: the
                                  checks that need one run side by side)
  --activation-slow-access ID, --activation-slow-finish-seconds N   an access where orders finish later
  --activation-finish-seconds N   seconds after which an order has finished (default 5)
  --activation-service NAME, --activation-same-type-service NAME   (default: chosen from what is offered)
  --activation-max-accesses N     at most this many accesses in the pool (default 40)
  --ethernet-seller-id ID         the sellerId put in every order (default ordercert-seller)

output:
  --out FILE           where to write the profile (default ordercert-profile.yaml)
  --force              overwrite FILE if it exists

exit codes: 0 the profile is written and the preflight found nothing to fix, 2 bad arguments, an
unreachable server, or the profile is written but the preflight (or a missing key) says what to fix`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  'clock-url': { type: 'string' },
  'restart-url': { type: 'string' },
  'cart-supplier': { type: 'string' },
  'cart-product': { type: 'string' },
  'cart-option': { type: 'string' },
  'cart-availability': { type: 'string' },
  'cart-unit': { type: 'string' },
  'cart-small-availability': { type: 'string' },
  'cart-async-option': { type: 'string' },
  'cart-async-availability': { type: 'string' },
  'cart-rejecting-availability': { type: 'string' },
  'cart-settle-seconds': { type: 'string' },
  'activation-failing-access': { type: 'string' },
  'activation-slow-access': { type: 'string' },
  'activation-slow-finish-seconds': { type: 'string' },
  'activation-finish-seconds': { type: 'string' },
  'activation-service': { type: 'string' },
  'activation-same-type-service': { type: 'string' },
  'activation-max-accesses': { type: 'string' },
  'ethernet-seller-id': { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
type Options = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : K extends 'api' ? string[] : string };

class InitError extends Error {}

/** One key of the written profile: its value when known, and the comment above it. */
export interface Entry {
  key: string;
  value?: unknown;
  /** Why the value is what it is, or, without a value, what to put there. */
  note: string;
}

/** One section of the written profile (an API's test data, or any other top-level mapping). */
export interface Section {
  name: string;
  heading: string;
  entries: Entry[];
}

const TIMEOUT_MS = 10_000;
const basic = (c: Credentials) => `Basic ${Buffer.from(`${c.user}:${c.secret}`).toString('base64')}`;

async function getJson(url: string, creds?: Credentials): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers: creds ? { Authorization: basic(creds), Accept: 'application/json' } : {}, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

/** Each API's profile keys, as its suite declares them. */
const PROFILE_KEYS = Object.fromEntries(Object.entries(SUITES).map(([api, suite]) => [api, suite.profileKeys])) as Record<ApiName, ProfileKey[]>;
const whatOf = (api: ApiName, key: string) => PROFILE_KEYS[api].find((k) => k.key === key)?.what ?? key;
const given = (api: ApiName, key: string, value: unknown, flag: string): Entry => ({ key, value, note: `${whatOf(api, key)} (given with ${flag})` });
const missing = (api: ApiName, key: string, flag: string): Entry => {
  const k = PROFILE_KEYS[api].find((x) => x.key === key)!;
  return { key, note: `${k.required ? 'REQUIRED, not found' : 'absent'}: ${k.what} (no API tells it: ${flag}, or write it here)` };
};
const number = (value: string | undefined, flag: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InitError(`${flag} must be a number of seconds, got "${value}"`);
  return n;
};

/** The cart section: only the flags can fill it (the Cart API has no catalogue to ask). */
function cartSection(o: Options): Section {
  const flags: Array<[string, keyof Options, boolean?]> = [
    ['supplierId', 'cart-supplier'],
    ['productId', 'cart-product'],
    ['optionId', 'cart-option'],
    ['availabilityId', 'cart-availability'],
    ['unitId', 'cart-unit'],
    ['smallAvailabilityId', 'cart-small-availability'],
    ['asyncOptionId', 'cart-async-option'],
    ['asyncAvailabilityId', 'cart-async-availability'],
    ['rejectingAvailabilityId', 'cart-rejecting-availability'],
    ['settleSeconds', 'cart-settle-seconds', true],
  ];
  const entries = flags.map(([key, flag, isNumber]) => {
    const raw = o[flag] as string | undefined;
    if (raw === undefined) return missing('cart', key, `--${flag}`);
    return given('cart', key, isNumber ? number(raw, `--${flag}`) : raw, `--${flag}`);
  });
  return { name: 'cart', heading: 'Cart API test data (the Cart API has no catalogue to ask: these come from the flags)', entries };
}

const offeredAt = (access: any): Map<string, any> =>
  new Map((Array.isArray(access?.services) ? access.services : []).filter((s: any) => s?.connection === 'YES').map((s: any) => [s.service, s]));

/** ON-API's `available`: "YES", "NO" or the date it becomes available (a boolean in older servers). */
const availableNow = (value: unknown) =>
  value === true || value === 'YES' || (typeof value === 'string' && value !== 'NO' && !Number.isNaN(Date.parse(value)) && Date.parse(value) <= Date.now());

/** Two services of one type: the same leading letters (BB-100-10, BB-100-100), offered at the most accesses. */
function chooseServices(accesses: any[]): [string, string] | undefined {
  const count = new Map<string, number>();
  for (const a of accesses) for (const s of offeredAt(a).keys()) count.set(s, (count.get(s) ?? 0) + 1);
  const byType = new Map<string, string[]>();
  for (const s of count.keys()) {
    const type = /^[A-Za-z]+/.exec(s)?.[0] ?? s;
    byType.set(type, [...(byType.get(type) ?? []), s]);
  }
  const pairs = [...byType.values()].filter((names) => names.length >= 2).map((names) => names.sort((x, y) => count.get(y)! - count.get(x)!).slice(0, 2) as [string, string]);
  pairs.sort((p, q) => Math.min(count.get(q[0])!, count.get(q[1])!) - Math.min(count.get(p[0])!, count.get(p[1])!));
  return pairs[0];
}

async function activationSection(o: Options, url: string, tenants: Credentials[], found: string[]): Promise<Section> {
  const api: ApiName = 'activation';
  const list = await getJson(`${url}/api/2.3.1/accesses/`, tenants[0]);
  if (list.status !== 200 || !Array.isArray(list.body)) {
    throw new InitError(`GET ${url}/api/2.3.1/accesses/ as tenant A answered ${list.status}: is --activation-url the part before /api/2.3.1, and are tenant A's credentials right?`);
  }
  const chosen = o['activation-service'] && o['activation-same-type-service'] ? ([o['activation-service'], o['activation-same-type-service']] as [string, string]) : chooseServices(list.body);
  const failingList = (o['activation-failing-access'] ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  const failing = failingList[0];
  const slow = o['activation-slow-access'];
  const max = o['activation-max-accesses'] === undefined ? 40 : Number(o['activation-max-accesses']);
  if (!Number.isInteger(max) || max < 1) throw new InitError('--activation-max-accesses must be a whole number of at least 1');
  const pool: string[] = [];
  let taken = 0;
  if (chosen) {
    for (const access of list.body) {
      if (pool.length >= max) break;
      const id = access?.accessId;
      if (typeof id !== 'string' || failingList.includes(id) || id === slow) continue;
      const offered = offeredAt(access);
      if (!chosen.every((s) => offered.has(s))) continue;
      // Free: both services available to each test tenant (or already theirs: the suite deactivates them first).
      const free = await Promise.all(
        tenants.map(async (creds) => {
          const one = await getJson(`${url}/api/2.3.1/accesses/${encodeURIComponent(id)}`, creds);
          if (one.status !== 200) return false;
          const services = new Map((one.body?.services ?? []).map((s: any) => [s?.service, s]));
          const active = new Set((one.body?.active ?? []).map((s: any) => s?.service));
          return chosen.every((s) => availableNow((services.get(s) as any)?.available) || active.has(s));
        }),
      );
      if (free.every(Boolean)) pool.push(id);
      else taken++;
    }
  }
  const entries: Entry[] = [];
  if (pool.length) {
    entries.push({
      key: 'accesses',
      value: pool,
      note: `accesses the suite may order on freely: the first ${pool.length} the server lists that offer both services below, available to each tenant${taken ? ` (${taken} where they are not were left out)` : ''}. Take out any where orders fail or are slow on purpose (name those with --activation-failing-access and --activation-slow-access)`,
    });
    found.push(`activation: ${pool.length} free accesses offering ${chosen!.join(' and ')}`);
  } else {
    entries.push({ key: 'accesses', note: `REQUIRED, not found: no access the server lists offers two services of one type, available to both tenants. List accesses the suite may order on freely here` });
  }
  const how = o['activation-service'] ? 'given with --activation-service' : 'chosen by init: the two services of one type (same leading letters) offered at the most accesses; check they are of one service type';
  if (chosen) {
    entries.push({ key: 'service', value: chosen[0], note: `${whatOf(api, 'service')} (${how})` });
    entries.push({ key: 'sameTypeService', value: chosen[1], note: `${whatOf(api, 'sameTypeService')} (${how})` });
  } else {
    entries.push(missing(api, 'service', '--activation-service'), missing(api, 'sameTypeService', '--activation-same-type-service'));
  }
  entries.push(failing ? given(api, 'failingAccess', failing, '--activation-failing-access') : missing(api, 'failingAccess', '--activation-failing-access'));
  if (failingList.length > 1) entries.push(given(api, 'moreFailingAccesses', failingList.slice(1), '--activation-failing-access'));
  const finish = number(o['activation-finish-seconds'], '--activation-finish-seconds');
  entries.push(finish === undefined ? { key: 'finishSeconds', note: `${whatOf(api, 'finishSeconds')}; give --activation-finish-seconds if your orders take longer` } : given(api, 'finishSeconds', finish, '--activation-finish-seconds'));
  const slowSeconds = number(o['activation-slow-finish-seconds'], '--activation-slow-finish-seconds');
  entries.push(slow ? given(api, 'slowAccess', slow, '--activation-slow-access') : missing(api, 'slowAccess', '--activation-slow-access'));
  entries.push(slowSeconds !== undefined ? given(api, 'slowFinishSeconds', slowSeconds, '--activation-slow-finish-seconds') : missing(api, 'slowFinishSeconds', '--activation-slow-finish-seconds'));
  return { name: api, heading: 'Service Activation test data (ON-API 2.3.1), found by asking GET /api/2.3.1/accesses/', entries };
}

/** A tenant's buyerId: the one its own order list links to, names, or the user name when the server lists that. */
async function buyerIdOf(url: string, creds: Credentials): Promise<{ id?: string; how: string }> {
  const all = await getJson(`${url}/orders`, creds);
  const fromLink = /[?&]buyerId=([^&]+)/.exec(all.body?.link?.href ?? '')?.[1];
  if (all.status === 200 && fromLink) return { id: decodeURIComponent(fromLink), how: 'from the link of its order list (GET /orders)' };
  const fromItem = all.status === 200 ? all.body?.items?.find((o: any) => typeof o?.buyerId === 'string')?.buyerId : undefined;
  if (fromItem) return { id: fromItem, how: 'from its own orders (GET /orders)' };
  const byUser = await getJson(`${url}/orders?buyerId=${encodeURIComponent(creds.user)}`, creds);
  if (byUser.status === 200) return { id: creds.user, how: 'its user name, which GET /orders?buyerId= accepts' };
  return { how: `GET /orders answered ${all.status} and GET /orders?buyerId=${creds.user} ${byUser.status}` };
}

async function ethernetSection(o: Options, url: string, tenants: Credentials[], found: string[]): Promise<Section> {
  const entries: Entry[] = [];
  for (const [i, creds] of tenants.entries()) {
    const key = i ? 'buyerIdB' : 'buyerIdA';
    const { id, how } = await buyerIdOf(url, creds);
    if (id) {
      entries.push({ key, value: id, note: `${whatOf('ethernet', key)}: ${how}` });
      found.push(`ethernet: tenant ${i ? 'B' : 'A'}'s buyerId "${id}"`);
    } else entries.push({ key, note: `REQUIRED, not found (${how}): ${whatOf('ethernet', key)}; write the buyerId whose orders tenant ${i ? 'B' : 'A'} may list` });
  }
  const seller = o['ethernet-seller-id'] ?? 'ordercert-seller';
  entries.push({ key: 'sellerId', value: seller, note: `${whatOf('ethernet', 'sellerId')}${o['ethernet-seller-id'] ? ' (given with --ethernet-seller-id)' : ' (any name of yours will do)'}` });
  return { name: 'ethernet', heading: 'Ethernet Order API test data, found by asking GET /orders as each tenant', entries };
}

/** Whether a test clock answers GET with {"now": ...}; nothing is moved. */
async function probeClock(url: string): Promise<string | undefined> {
  try {
    const r = await getJson(url);
    return r.status === 200 && typeof r.body?.now === 'string' && !Number.isNaN(Date.parse(r.body.now)) ? undefined : `answered ${r.status} without {"now": ...}`;
  } catch (err: any) {
    return `did not answer (${err?.cause?.code ?? err?.name ?? err})`;
  }
}

const yamlValue = (v: unknown): string => (Array.isArray(v) ? `[${v.map(yamlValue).join(', ')}]` : typeof v === 'string' && !/^[A-Za-z0-9][\w.\-/]*$/.test(v) ? JSON.stringify(v) : String(v));
const comment = (text: string, indent = '') => wrap(text, 100 - indent.length - 2).map((l) => `${indent}# ${l}`).join('\n');
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** The profile's YAML: a header, then each section with a comment above each key; keys without a value commented out. */
export function renderProfile(header: string[], sections: Section[], command?: string): string {
  const out = header.map((l) => comment(l));
  if (command) out.push('# Then certify with:', `#   ${command.split(' --').join(' \\\n#     --')}`);
  out.push('');
  for (const section of sections) {
    out.push(comment(section.heading), `${section.name}:`);
    for (const e of section.entries) {
      out.push(comment(e.note, '  '));
      out.push(e.value === undefined ? `  # ${e.key}:` : `  ${e.key}: ${yamlValue(e.value)}`);
    }
    out.push('');
  }
  return out.join('\n');
}

export async function initMain(argv: string[]): Promise<number> {
  let o: Options;
  try {
    o = parseArgs({ args: argv, options: OPTIONS, strict: true }).values as Options;
  } catch (err: any) {
    console.error(`${err.message}\n\n${INIT_USAGE}`);
    return 2;
  }
  if (o.help) {
    console.log(INIT_USAGE);
    return 0;
  }
  try {
    const apis = apisOf(o);
    const baseUrls = baseUrlsOf(o, apis);
    const tenants = tenantsOf(o, 'init asks the server as both test tenants');
    const out = o.out ?? 'ordercert-profile.yaml';
    if (fs.existsSync(out) && !o.force) throw new InitError(`${out} exists: give --force to overwrite it, or --out another file`);

    const found: string[] = [];
    const sections: Section[] = [];
    for (const api of apis) {
      try {
        if (api === 'cart') sections.push(cartSection(o));
        if (api === 'activation') sections.push(await activationSection(o, baseUrls.activation!, tenants, found));
        if (api === 'ethernet') sections.push(await ethernetSection(o, baseUrls.ethernet!, tenants, found));
      } catch (err: any) {
        if (err instanceof InitError) throw err;
        throw new InitError(`the ${api} API at ${baseUrls[api]} did not answer (${err?.cause?.code ?? err?.message ?? err}): is the server running, and is the URL right?`);
      }
    }

    // Capabilities the run can use: they are command-line options of certify, noted in the header.
    const clockCandidate = o['clock-url'] ?? (o['base-url'] ? `${o['base-url'].replace(/\/$/, '')}/__clock` : undefined);
    const clockProblem = clockCandidate ? await probeClock(clockCandidate) : 'no URL to try (give --clock-url)';
    const clockUrl = clockCandidate && !clockProblem ? clockCandidate : undefined;
    const clockUrls = clockUrl ? (await listedApiClocks(clockUrl, apis, 10_000)).clocks : {};
    const ownClockNote = Object.keys(clockUrls).length ? `; each API's own, moving its time alone: ${apis.map((a) => `${a} at ${clockUrls[a]}`).join(', ')}` : '';
    const restartUrl = o['restart-url'];
    const capabilities = [
      clockUrl ? `test clock: answers at ${clockUrl}${ownClockNote}` : `test clock: absent (${clockCandidate ?? 'none tried'}: ${clockProblem}); without one, the rules about time are judged only with --slow, in real time`,
      restartUrl ? `restart hook: ${restartUrl} (given; init does not call it)` : 'restart hook: absent (none given); the rules only a restart can break are not judged without --restart-url or --restart-command',
    ];
    if (apis.includes('cart')) capabilities.push(o['cart-async-option'] ? `cart: asynchronous confirmations (option ${o['cart-async-option']})` : 'cart: asynchronous confirmations absent (no --cart-async-option)');
    if (apis.includes('activation')) {
      capabilities.push(o['activation-failing-access'] ? `activation: a failing access (${o['activation-failing-access']})` : 'activation: failing access absent (no --activation-failing-access)');
      capabilities.push(o['activation-slow-access'] ? `activation: a slow access (${o['activation-slow-access']})` : 'activation: slow access absent (no --activation-slow-access)');
    }
    const certifyCommand = [
      'ordercert certify',
      ...apis.map((a) => `--${a}-url ${baseUrls[a]}`),
      '--tenant-a "$ORDERCERT_TENANT_A" --tenant-b "$ORDERCERT_TENANT_B"',
      `--profile ${out}`,
      ...(Object.keys(clockUrls).length ? apis.map((a) => `--${a}-clock-url ${clockUrls[a]}`) : clockUrl ? [`--clock-url ${clockUrl}`] : []),
      ...(restartUrl ? [`--restart-url ${restartUrl}`] : []),
    ].join(' ');
    const header = [
      `ordercert profile written by ordercert init on ${new Date().toISOString().slice(0, 10)} from what the server told it and the flags given.`,
      'A key written as a comment was neither found nor given: REQUIRED ones must be filled in before certify runs; without an absent optional one, the checks that need it are not judged (the report says so).',
      'What the server offers:',
      ...capabilities.map((c) => `- ${c}`),
    ];
    fs.writeFileSync(out, renderProfile(header, sections, certifyCommand));
    console.log(`wrote ${out}`);
    for (const line of [...found, ...capabilities]) console.log(`  ${line}`);

    const unfilled = sections.flatMap((s) => s.entries.filter((e) => e.value === undefined && PROFILE_KEYS[s.name as ApiName]?.find((k) => k.key === e.key)?.required).map((e) => `${s.name}.${e.key}`));
    if (unfilled.length) {
      console.error(`ordercert init: ${out} needs ${unfilled.join(', ')} before certify runs: no API of the server tells them; give them as flags (ordercert init --help) or write them in the file`);
      return 2;
    }
    const problems = await preflight({ suites: suitesFor(apis), knownSuites: Object.values(SUITES), baseUrls, tenants, profile: loadProfile([out]), clockUrl, clockUrls });
    if (problems.length) {
      console.error(`ordercert init: the preflight on ${out} found what to fix:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      return 2;
    }
    console.log(`the preflight found nothing to fix. Next:\n  ${certifyCommand}`);
    return 0;
  } catch (err: any) {
    if (err instanceof InitError || err instanceof ConnectionError || /^profile /.test(err?.message ?? '')) {
      console.error(`ordercert init: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
