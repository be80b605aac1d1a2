/**
 * Certifying across a network: the suite against the reference server (test clock) through a loopback proxy that
 * holds each request for a fixed delay before passing it on, like a vendor's staging server across the internet.
 * Each API alone on loopback (a fresh server each: that API's own cost), then the APIs in one run as a vendor
 * certifies them, on loopback and through the proxy, with the default overlap and with --concurrency (16 unless
 * given): requests the suite sent (clock requests included), wall time, and wall / (requests x delay): 1 or more
 * means the requests went one after the other, less means the runner overlapped them.
 *   node --import tsx bench/latency.ts [--delay MS] [--api NAME ...] [--concurrency N]
 */
import { parseArgs } from 'node:util';
import { certify } from '../conformance/index.js';
import { API_NAMES, type ApiName } from '../conformance/framework/types.js';
import { DEMO_CREDENTIALS, referenceProfile } from '../test/helpers/conformance.js';
import { startTestServer } from '../test/helpers/server.js';
import { startLatencyProxy } from '../test/helpers/latency-proxy.js';

export interface LatencyRow {
  /** The API certified, or several named with '+' when certified in one run. */
  api: string;
  delayMs: number;
  /** --concurrency given (undefined: the default). */
  concurrency?: number;
  /** Each API moved its own test clock (--<api>-clock-url) rather than the server's (--clock-url). */
  ownClocks?: boolean;
  /** The overlap the run took (given, or chosen by the clock's distance), as report.json records it. */
  overlap?: string;
  requests: number;
  wallSeconds: number;
  verdict: string;
}

/**
 * Certifies `apis` in one run against a fresh reference server, through the proxy when `delayMs` > 0 (directly when
 * 0), with the server's test clock or (`ownClocks`) each API's own.
 */
export async function certifyThrough(apis: ApiName[], delayMs: number, concurrency?: number, ownClocks = false): Promise<LatencyRow> {
  const server = await startTestServer({ backend: 'sqlite' });
  const proxy = delayMs > 0 ? await startLatencyProxy(server.url, delayMs) : undefined;
  const via = (url: string) => (proxy ? url.replace(server.url, proxy.url) : url);
  try {
    const started = Date.now();
    let requests = 0;
    const run = await certify({
      apis,
      baseUrls: Object.fromEntries(apis.map((api) => [api, via(server.apis[api])])),
      tenants: DEMO_CREDENTIALS,
      profile: referenceProfile(),
      clockUrl: via(server.clockUrl!),
      ...(ownClocks ? { clockUrls: Object.fromEntries(apis.map((api) => [api, via(server.clockUrls![api])])) } : {}),
      concurrency,
      onResult: (r) => (requests += r.transcript?.length ?? 0),
    });
    const wallSeconds = (Date.now() - started) / 1000;
    const overlap = run.overlap ? `${run.overlap.concurrency} (${run.overlap.chosen})` : undefined;
    return { api: apis.join('+'), delayMs, concurrency, ownClocks, overlap, requests: proxy ? proxy.requests() : requests, wallSeconds, verdict: run.verdict };
  } finally {
    await proxy?.stop();
    await server.stop();
  }
}

export function latencyTable(rows: LatencyRow[]): string {
  const lines = ['| API | test clock | added latency | --concurrency | overlap taken | requests | wall time | wall / (requests x latency) | verdict |', '|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const ratio = r.delayMs > 0 ? (r.wallSeconds / ((r.requests * r.delayMs) / 1000)).toFixed(2) : '';
    const api = r.api.includes('+') ? `${r.api.split('+').length === API_NAMES.length ? 'all three' : r.api.replace(/\+/g, ', ')}, one run` : r.api;
    lines.push(`| ${api} | ${r.ownClocks ? "each API's own" : "the server's"} | ${r.delayMs ? `${r.delayMs} ms` : 'none (loopback)'} | ${r.concurrency ?? 'default'} | ${r.overlap ?? ''} | ${r.requests} | ${r.wallSeconds.toFixed(1)} s | ${ratio} | ${r.verdict} |`);
  }
  return lines.join('\n');
}

/**
 * The table `npm run bench` prints: each API alone on loopback, then all of them in one run (as a vendor certifies)
 * on loopback and through `delayMs`, with the default overlap and with `concurrency` (16 when not given), on the
 * server's test clock; and through `delayMs` on each API's own clock (as `ordercert certify --clock-url` takes them
 * where the server's clock lists them), with the default overlap and with `concurrency`.
 */
export async function benchLatency(apis: readonly ApiName[], delayMs: number, concurrency = 16, progress: (s: string) => void = () => {}): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const api of apis) {
    progress(`latency: ${api} alone, loopback`);
    rows.push(await certifyThrough([api], 0));
  }
  for (const delay of [0, delayMs]) {
    for (const overlap of [undefined, concurrency]) {
      progress(`latency: ${apis.join(', ')} in one run, ${delay} ms per request, --concurrency ${overlap ?? 'default'}`);
      rows.push(await certifyThrough([...apis], delay, overlap));
    }
  }
  if (apis.length > 1) {
    for (const overlap of [undefined, concurrency]) {
      progress(`latency: ${apis.join(', ')} in one run, ${delayMs} ms per request, --concurrency ${overlap ?? 'default'}, each API's own test clock`);
      rows.push(await certifyThrough([...apis], delayMs, overlap, true));
    }
  }
  return rows;
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const { values } = parseArgs({ options: { delay: { type: 'string', default: '50' }, api: { type: 'string', multiple: true }, concurrency: { type: 'string' } } });
  const apis = (values.api?.length ? values.api : API_NAMES) as ApiName[];
  const rows = await benchLatency(apis, Number(values.delay), values.concurrency ? Number(values.concurrency) : undefined, (s) => process.stderr.write(`bench: ${s}\n`));
  console.log(latencyTable(rows));
}
