/**
 * ordercert replay REPORT CHECK: sends a check's recorded requests again, in order (the ids the check chose
 * replaced by fresh ones unless --same-ids), to the same server or another one, and shows where each answer differs from the recorded one (status and
 * body members by JSON pointer). Exit 1: every answer is as recorded, so the recorded failure reproduces;
 * exit 0: some answers differ (listed); exit 2: bad arguments.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { diff, formatDifferences, type Difference } from './framework/diff.js';
import type { Credentials } from './framework/http.js';
import { describeExchange } from './framework/replay-script.js';
import type { ApiName, CheckResult, Exchange, TenantLabel } from './framework/types.js';

export const REPLAY_USAGE = `usage: ordercert replay REPORT CHECK [options]

Sends the requests a check made in a certification run (REPORT is its report.json; CHECK a check ID
such as cart/all-or-nothing-confirm-with-confirmed-booking, as printed with the failure) again, in order,
and shows where each answer differs from the recorded one: its status and its body members (by JSON
pointer; values the server makes up on every run, timestamps and generated ids, are not compared).

  --base-url URL       the server's root (the API at URL/cart, URL/activation, URL/ethernet);
                       default: the server the run judged
  --cart-url URL, --activation-url URL, --ethernet-url URL   one API's own base URL
  --clock-url URL      the test clock endpoint, for a check that moved the server's clock
                       (default: the one the run used, when replaying against the same server)
  --tenant-a USER:SECRET   tenant A (or ORDERCERT_TENANT_A), needed when the check sent requests as A
  --tenant-b USER:SECRET   tenant B (or ORDERCERT_TENANT_B)
  --timeout MS         longest wait for one answer (default 30000)
  --same-ids           send the ids the run used (by default the ids the check chose itself, such as
                       booking uuids and order ids, are replaced by fresh ones, so that the replay does
                       not collide with what the run left on the server)
  --script             print the check's replay script (sh + curl, the run's ids) instead of running it

exit codes: 1 every answer is as recorded (the recorded failure reproduces), 0 some answers differ
(they are listed), 2 bad arguments or a report without that check's transcript`;

const OPTIONS = {
  'base-url': { type: 'string' },
  'cart-url': { type: 'string' },
  'activation-url': { type: 'string' },
  'ethernet-url': { type: 'string' },
  'clock-url': { type: 'string' },
  'tenant-a': { type: 'string' },
  'tenant-b': { type: 'string' },
  timeout: { type: 'string' },
  script: { type: 'boolean' },
  'same-ids': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** How one replayed answer compares with the recorded one. */
export interface ReplayStep {
  exchange: Exchange;
  status: number;
  differences: Difference[];
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const skeleton = (s: string) => s.replace(/[A-Za-z0-9]/g, 'x');
/**
 * Values a server makes up afresh on every run (timestamps, the ids it generates) differ between any two runs:
 * two strings of the same shape with digits in them are not compared.
 */
export const generatedValues = (_p: string, e: unknown, a: unknown) =>
  typeof e === 'string' && typeof a === 'string' && /\d/.test(e) && /\d/.test(a) && ((DATE_TIME.test(e) && DATE_TIME.test(a)) || (e.length === a.length && skeleton(e) === skeleton(a)));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An id the suite makes up (t.uid(): a short prefix and 10 hex digits, or t.uuid()). */
const CHOSEN = /^[A-Za-z]{1,12}-?[0-9a-f]{10}$/;
/** Members that carry the ids of what a check creates; other uuids (a channel id, say) are the suite's constants. */
const ID_MEMBER = /^(uuid|id|orderId|\w*Reference|\w*PurchaseOrderNumber|pon)$/i;

/**
 * The ids the check chose itself (booking uuids, order ids, references: seen in a request before any answer
 * held them), each with a fresh one, so that a replay against the same server does not collide with the run.
 */
export function freshIds(transcript: Exchange[]): Map<string, string> {
  const fresh = new Map<string, string>();
  let answered = '';
  const visit = (v: unknown, member: string) => {
    if (typeof v === 'string') {
      if (ID_MEMBER.test(member) && (UUID.test(v) || CHOSEN.test(v)) && !fresh.has(v) && !answered.includes(v)) {
        fresh.set(v, UUID.test(v) ? crypto.randomUUID() : v.slice(0, -10) + crypto.randomBytes(5).toString('hex'));
      }
    } else if (Array.isArray(v)) v.forEach((x) => visit(x, member));
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => visit(x, k));
  };
  for (const ex of transcript) {
    new URL(ex.url).pathname.split('/').map(decodeURIComponent).forEach((segment) => visit(segment, 'id'));
    visit(typeof ex.requestBody === 'string' ? safeParse(ex.requestBody) : ex.requestBody, '');
    answered += ex.text;
  }
  return fresh;
}
const safeParse = (s: string) => {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};
const replaceAll = (text: string, ids: Map<string, string>, back = false) => {
  let out = text;
  for (const [recorded, now] of ids) out = back ? out.split(now).join(recorded) : out.split(recorded).join(now);
  return out;
};

function credentialsOf(value: string | undefined, tenant: TenantLabel): Credentials {
  if (!value) throw new ReplayError(`the check sent requests as tenant ${tenant}: give --tenant-${tenant.toLowerCase()} USER:SECRET or set ORDERCERT_TENANT_${tenant}`);
  const at = value.indexOf(':');
  if (at <= 0) throw new ReplayError(`--tenant-${tenant.toLowerCase()} must be USER:SECRET`);
  return { user: value.slice(0, at), secret: value.slice(at + 1) };
}

class ReplayError extends Error {}

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

/** Sends the recorded exchange again against `baseUrl` (in place of `recordedBase`) and compares each answer. */
export async function replayTranscript(
  transcript: Exchange[],
  recordedBase: string,
  baseUrl: string,
  tenants: Partial<Record<TenantLabel, Credentials>>,
  timeoutMs = 30_000,
  ids: Map<string, string> = new Map(),
  clockUrl?: string,
): Promise<ReplayStep[]> {
  const steps: ReplayStep[] = [];
  for (const ex of transcript) {
    const recordedUrl = replaceAll(ex.url, ids);
    const url = ex.clock
      ? (clockUrl ?? ex.url)
      : recordedUrl.startsWith(recordedBase)
        ? baseUrl.replace(/\/$/, '') + recordedUrl.slice(recordedBase.length)
        : recordedUrl;
    const headers = Object.fromEntries(Object.entries(ex.requestHeaders).filter(([k]) => k.toLowerCase() !== 'authorization'));
    if (ex.tenant) {
      const creds = tenants[ex.tenant];
      if (!creds) throw new ReplayError(`no credentials for tenant ${ex.tenant}`);
      headers.Authorization = basic(creds.user, ex.wrongSecret ?? creds.secret);
    }
    const sent = ex.requestBody === undefined ? undefined : typeof ex.requestBody === 'string' ? ex.requestBody : JSON.stringify(ex.requestBody);
    const body = sent === undefined ? undefined : replaceAll(sent, ids);
    const response = await fetch(url, { method: ex.method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
    // The answer with the recorded ids in place of the fresh ones, to compare like with like.
    const text = replaceAll(await response.text(), ids, true);
    let parsed: unknown = text;
    if (/json/i.test(response.headers.get('content-type') ?? '') && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    const differences = diff(ex.body, parsed, { ignore: generatedValues });
    if (response.status !== ex.status) differences.unshift({ pointer: '(status)', expected: ex.status, actual: response.status, kind: 'changed' });
    steps.push({ exchange: ex, status: response.status, differences });
  }
  return steps;
}

function findResult(report: any, check: string): CheckResult {
  const results: CheckResult[] = report?.results ?? [];
  const exact = results.find((r) => r.check === check);
  const matches = exact ? [exact] : results.filter((r) => r.check.endsWith(`/${check}`));
  if (matches.length !== 1) {
    const failed = results.filter((r) => r.transcript?.length).map((r) => `  ${r.check}`);
    throw new ReplayError(`${matches.length ? 'several checks' : 'no check'} named "${check}" in the report${failed.length ? `; checks with a transcript:\n${failed.join('\n')}` : ''}`);
  }
  const result = matches[0];
  if (!result.transcript?.length) throw new ReplayError(`the report keeps no transcript of ${result.check} (${result.outcome}): only checks that did not pass are kept`);
  return result;
}

export async function replayMain(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err: any) {
    console.error(`${err.message}\n\n${REPLAY_USAGE}`);
    return 2;
  }
  const { values: opts, positionals } = parsed;
  if (opts.help) {
    console.log(REPLAY_USAGE);
    return 0;
  }
  try {
    if (positionals.length !== 2) throw new ReplayError('give the report file and the check ID');
    const [file, check] = positionals;
    let report: any;
    try {
      report = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err: any) {
      throw new ReplayError(`cannot read ${file}: ${err.message}`);
    }
    const result = findResult(report, check);
    if (opts.script) {
      process.stdout.write(result.replay ?? '');
      return result.replay ? 0 : 2;
    }
    const api = result.api as ApiName;
    const recordedBase: string | undefined = report.target?.[api];
    if (!recordedBase) throw new ReplayError(`the report does not say where the ${api} API was`);
    const own = opts[`${api}-url` as 'cart-url'];
    const baseUrl = own ?? (opts['base-url'] ? `${opts['base-url'].replace(/\/$/, '')}/${api}` : recordedBase);
    if (!/^https?:\/\//.test(baseUrl)) throw new ReplayError(`not an http(s) URL: ${baseUrl}`);
    const used = new Set(result.transcript!.map((e) => e.tenant).filter((t): t is TenantLabel => !!t));
    const tenants: Partial<Record<TenantLabel, Credentials>> = {};
    if (used.has('A')) tenants.A = credentialsOf(opts['tenant-a'] ?? process.env.ORDERCERT_TENANT_A, 'A');
    if (used.has('B')) tenants.B = credentialsOf(opts['tenant-b'] ?? process.env.ORDERCERT_TENANT_B, 'B');
    const timeout = opts.timeout === undefined ? 30_000 : Number(opts.timeout);
    if (!Number.isInteger(timeout) || timeout <= 0) throw new ReplayError('--timeout must be a positive whole number of milliseconds');

    console.log(`replaying ${result.check} (${result.rule}), recorded ${result.outcome}: ${result.message ?? ''}`);
    console.log(`against ${baseUrl} (recorded against ${recordedBase}), ${result.transcript!.length} requests`);
    const movesClock = result.transcript!.some((e) => e.clock);
    if (movesClock && !opts['clock-url'] && baseUrl !== recordedBase) {
      throw new ReplayError(`${result.check} moved the server's clock: give --clock-url (the test clock of ${baseUrl})`);
    }
    const ids = opts['same-ids'] ? new Map<string, string>() : freshIds(result.transcript!);
    if (ids.size) {
      const pairs = [...ids].map(([recorded, now]) => `${recorded} -> ${now}`);
      console.log(`with fresh ids in place of the ${ids.size} the check chose (recorded -> sent now; --same-ids sends the recorded ones):\n  ${pairs.join('\n  ')}`);
    }
    const steps = await replayTranscript(result.transcript!, recordedBase, baseUrl, tenants, timeout, ids, opts['clock-url']);
    let differing = 0;
    steps.forEach((step, i) => {
      const same = step.differences.length === 0;
      if (!same) differing++;
      // The request as sent now: with the fresh ids.
      const sent = { ...step.exchange, url: replaceAll(step.exchange.url, ids) };
      console.log(`${same ? '  same' : '  DIFF'} ${describeExchange(sent, i).replace(/: answered .*$/, '')}: ${step.status}${same ? ' as recorded' : ` (recorded ${step.exchange.status})`}`);
      for (const line of formatDifferences(step.differences)) console.log(`         ${line.replace(/^\(status\): /, 'status: ')}`);
    });
    if (differing === 0) {
      console.log(`every answer is as recorded: the recorded ${result.outcome} reproduces`);
      return 1;
    }
    console.log(`${differing} of ${steps.length} answers differ from the recorded run (recorded -> now, above)`);
    return 0;
  } catch (err: any) {
    if (err instanceof ReplayError) {
      console.error(`ordercert replay: ${err.message}`);
      return 2;
    }
    if (err?.name === 'TimeoutError' || err?.cause) {
      console.error(`ordercert replay: no answer: ${err?.cause?.code ?? err.message}`);
      return 2;
    }
    throw err;
  }
}
