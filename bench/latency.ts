/**
 * Certifying across a network: the suite against the reference server (test clock) through a loopback proxy that
 * holds each request for a fixed delay before passing it on, like a vendor's staging server across the internet.
 * Each API is certified alone (a fresh server each), so a row is that API's own cost. One row per API and a total:
 * requests the suite sent (clock requests included), wall time, and wall / (requests x delay): 1 or more means the
 * requests went one after the other, less means the runner overlapped them.
 *   node --import tsx bench/latency.ts [--delay MS] [--api NAME ...] [--concurrency N]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { certify } from '../conformance/index.js';
import { API_NAMES, type ApiName } from '../conformance/framework/types.js';
import { DEMO_CREDENTIALS, referenceProfile } from '../test/helpers/conformance.js';
import { startTestServer } from '../test/helpers/server.js';

export interface LatencyProxy {
  url: string;
  requests: () => number;
  stop: () => Promise<void>;
}

/** A proxy to `target` (an origin) that holds each request `delayMs` before forwarding it; counts the requests. */
export async function startLatencyProxy(target: string, delayMs: number): Promise<LatencyProxy> {
  const origin = new URL(target);
  let count = 0;
  // Keep-alive to the server, as a vendor's load balancer would; the delay is the network's, not the connection's.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    count++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const upstream = http.request(
          { host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers: { ...req.headers, host: origin.host }, agent },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        upstream.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

export interface LatencyRow {
  api: string;
  delayMs: number;
  requests: number;
  wallSeconds: number;
  verdict: string;
}

/** Certifies one API against a fresh reference server, through the proxy when `delayMs` > 0 (directly when 0). */
export async function certifyThrough(api: ApiName, delayMs: number, concurrency?: number): Promise<LatencyRow> {
  const server = await startTestServer({ backend: 'sqlite' });
  const proxy = delayMs > 0 ? await startLatencyProxy(server.url, delayMs) : undefined;
  const via = (url: string) => (proxy ? url.replace(server.url, proxy.url) : url);
  try {
    const started = Date.now();
    let requests = 0;
    const run = await certify({
      apis: [api],
      baseUrls: { [api]: via(server.apis[api]) },
      tenants: DEMO_CREDENTIALS,
      profile: referenceProfile(),
      clockUrl: via(server.clockUrl!),
      concurrency,
      onResult: (r) => (requests += r.transcript?.length ?? 0),
    });
    const wallSeconds = (Date.now() - started) / 1000;
    return { api, delayMs, requests: proxy ? proxy.requests() : requests, wallSeconds, verdict: run.verdict };
  } finally {
    await proxy?.stop();
    await server.stop();
  }
}

export function latencyTable(rows: LatencyRow[]): string {
  const total = (delayMs: number): LatencyRow[] => {
    const mine = rows.filter((r) => r.delayMs === delayMs);
    if (mine.length < 2) return mine;
    const all = mine.every((r) => r.verdict === 'CERTIFIED') ? 'CERTIFIED' : 'not all CERTIFIED';
    return [...mine, { api: 'all', delayMs, requests: mine.reduce((s, r) => s + r.requests, 0), wallSeconds: mine.reduce((s, r) => s + r.wallSeconds, 0), verdict: all }];
  };
  const lines = ['| API | added latency | requests | wall time | wall / (requests x latency) | verdict |', '|---|---|---|---|---|---|'];
  for (const delay of [...new Set(rows.map((r) => r.delayMs))]) {
    for (const r of total(delay)) {
      const ratio = delay > 0 ? (r.wallSeconds / ((r.requests * delay) / 1000)).toFixed(2) : '';
      lines.push(`| ${r.api} | ${delay ? `${delay} ms` : 'none (loopback)'} | ${r.requests} | ${r.wallSeconds.toFixed(1)} s | ${ratio} | ${r.verdict} |`);
    }
  }
  return lines.join('\n');
}

/** Every API with no added latency, then with `delayMs`: the table `npm run bench` prints. */
export async function benchLatency(apis: readonly ApiName[], delayMs: number, concurrency?: number, progress: (s: string) => void = () => {}): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const delay of [0, delayMs]) {
    for (const api of apis) {
      progress(`latency: ${api}, ${delay} ms per request`);
      rows.push(await certifyThrough(api, delay, concurrency));
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
