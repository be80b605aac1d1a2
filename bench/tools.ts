/** Measuring tools of the benchmarks: load, peak memory of a process, child servers, table printing. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/helpers/pg.js';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  peakRssMb: number;
}

export interface LoadOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Builds each request's body (or path) afresh, e.g. a new uuid per request. */
  setupRequest?: (req: any) => any;
  durationSec?: number;
  amount?: number;
  connections?: number;
  /** The process whose resident memory is sampled while the load runs. */
  pid?: number;
}

/** VmRSS of a process in MB, read from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Samples a process's resident memory every 50 ms until stopped; answers the peak. */
export function sampleRss(pid: number) {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // the process is gone
    }
  }, 50);
  return { stop: () => (clearInterval(timer), peak) };
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const sampler = options.pid ? sampleRss(options.pid) : undefined;
  const result = await autocannon({
    url: options.url,
    connections: options.connections ?? 10,
    ...(options.amount ? { amount: options.amount } : { duration: options.durationSec ?? 5 }),
    requests: [
      {
        method: (options.method ?? 'GET') as any,
        headers: options.headers,
        body: options.body,
        // autocannon calls setupRequest whenever the key exists, so leave it out when there is none.
        ...(options.setupRequest ? { setupRequest: options.setupRequest } : {}),
      },
    ],
  } as any);
  const peak = sampler?.stop() ?? 0;
  return {
    // Completed requests over the run's length: autocannon's per-second average misreads runs shorter than a few seconds.
    rps: result.requests.total / Math.max(result.duration, 0.001),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.non2xx + result.errors + result.timeouts,
    peakRssMb: peak,
  };
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Starts Stoplight Prism mocking one of our specs (static examples, or generated values with `dynamic`). */
export function startPrism(api: 'cart' | 'activation' | 'ethernet', dynamic = false): Promise<Child> {
  return startChild(
    [path.join(ROOT, 'node_modules/.bin/prism'), 'mock', ...(dynamic ? ['-d'] : []), '--host', '127.0.0.1', '--port', '{PORT}', path.join(ROOT, 'specs', api, 'openapi.yaml')],
    { SCARF_ANALYTICS: 'false' },
    '/',
  );
}

/**
 * Loads a baseline and a subject in the order A B B A, each for half the duration, and merges each side's two
 * halves: a machine that speeds up or slows down during the comparison then weighs on both sides alike.
 * Both are warmed up first.
 */
export async function compareLoads(baseline: (durationSec: number) => Promise<LoadResult>, subject: (durationSec: number) => Promise<LoadResult>, durationSec: number): Promise<{ base: LoadResult; real: LoadResult }> {
  const half = Math.max(1, durationSec / 2);
  // One second of each first, not counted: a freshly started process (the bare route, Prism) is still warming up.
  await baseline(1);
  await subject(1);
  const a1 = await baseline(half);
  const b1 = await subject(half);
  const b2 = await subject(half);
  const a2 = await baseline(half);
  return { base: mergeLoads(a1, a2), real: mergeLoads(b1, b2) };
}

function mergeLoads(x: LoadResult, y: LoadResult): LoadResult {
  return {
    rps: (x.rps + y.rps) / 2,
    p50: Math.round((x.p50 + y.p50) / 2),
    p99: Math.max(x.p99, y.p99),
    requests: x.requests + y.requests,
    errors: x.errors + y.errors,
    peakRssMb: Math.max(x.peakRssMb, y.peakRssMb),
  };
}

export interface Child {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts a server process on a free port (given as PORT, and as `{PORT}` in its arguments) and waits until it answers. */
export async function startChild(command: string[], env: Record<string, string>, readyPath = '/'): Promise<Child> {
  const port = await freePort();
  const args = command.map((a) => a.replace('{PORT}', String(port)));
  const child: ChildProcess = spawn(args[0], args.slice(1), { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited:\n${out}`);
    try {
      await fetch(url + readyPath, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

export interface Row {
  backend: string;
  scenario: string;
  result?: LoadResult;
  baseline?: string;
  ratio?: number;
  target: string;
  met?: boolean;
  note?: string;
}

export function printTable(rows: Row[]): string {
  const header = ['backend', 'scenario', 'req/s', 'p50 ms', 'p99 ms', 'peak RSS MB', 'baseline', 'ratio', 'target', 'met'];
  const cells = rows.map((r) => [
    r.backend,
    r.scenario,
    r.result ? r.result.rps.toFixed(0) : '',
    r.result ? String(r.result.p50) : '',
    r.result ? String(r.result.p99) : '',
    r.result ? r.result.peakRssMb.toFixed(0) : '',
    r.baseline ?? '',
    r.ratio !== undefined ? r.ratio.toFixed(2) : '',
    r.target,
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.backend} ${r.scenario}: ${r.note}`);
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}
