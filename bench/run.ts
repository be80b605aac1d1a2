/**
 * Benchmarks of the reference server and the conformance suite (npm run bench). Each scenario is one
 * row: requests/s, p50 and p99 latency, the server's peak resident memory, and the ratio to a
 * baseline measured in the same run (absolute numbers drift on shared machines; ratios hold).
 *   --backend sqlite|postgres|both   (default both)
 *   --quick                          tiny sizes and 1 s loads: only proves the scripts work (npm test)
 *   --duration N                     seconds per load (default 8)
 *   --conformance-only               only the two conformance rows (test clock; real time with --slow) and the latency table
 *   --latency MS                     the delay the latency table's proxy adds to each request (default 50; 0 leaves the table out)
 */
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { openDb } from '../src/shared/db.js';
import { CREATE_EXAMPLE } from '../conformance/ethernet/examples.js';
import { certify } from '../conformance/index.js';
import { DEMO_CREDENTIALS, referenceProfile } from '../test/helpers/conformance.js';
import { startTestServer, type Backend, type TestServer } from '../test/helpers/server.js';
import { stopSharedCluster } from '../test/helpers/pg.js';
import { benchExplore, exploreTable } from './explore.js';
import { benchLatency, certifyThrough, latencyTable } from './latency.js';
import { compareLoads, load, printTable, rssMb, sampleRss, startChild, startPrism, type Row } from './tools.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'both' },
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    // Only the conformance rows (with the test clock, and in real time), e.g. to record them alone.
    'conformance-only': { type: 'boolean', default: false },
    latency: { type: 'string', default: '50' },
  },
});
const QUICK = args.quick!;
const DURATION = Number(args.duration ?? (QUICK ? 1 : 8));
const BIG_FEED = QUICK ? 20_000 : 1_000_000;
const SMALL_FEED = QUICK ? 100 : 1_000;
// Enough orders for a confirm run of several seconds: autocannon ends a fixed-amount run on a whole second.
const CONFIRM_ORDERS = QUICK ? 10 : 2000;
const auth = (user = 'alpha') => ({ Authorization: 'Basic ' + Buffer.from(`${user}:${user}-secret`).toString('base64') });
const json = { 'Content-Type': 'application/json' };
const CART = { 'X-Capabilities': 'redeam/cart' };
const SUP = '/suppliers/demo-supplier';

const bookingBody = (orderId?: string) =>
  JSON.stringify({
    uuid: crypto.randomUUID(),
    channelName: 'bench',
    productId: 'demo-tour',
    optionId: 'DEFAULT',
    availabilityId: 'slot-open',
    unitItems: [{ unitId: 'adult' }],
    holdExpirationMinutes: 60,
    ...(orderId ? { orderId } : {}),
  });

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { ...auth(), ...json, ...headers }, body });
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function orderOfTen(server: TestServer): Promise<string> {
  const orderId = `bench-${crypto.randomBytes(6).toString('hex')}`;
  for (let i = 0; i < 10; i++) await post(`${server.apis.cart}${SUP}/bookings`, bookingBody(orderId), CART);
  return orderId;
}

async function cartRows(backend: Backend, server: TestServer): Promise<Row[]> {
  const rows: Row[] = [];
  const orderId = await orderOfTen(server);
  const orderUrl = `${server.apis.cart}${SUP}/orders/${orderId}`;
  const body = await (await fetch(orderUrl, { headers: auth() })).text();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'order.json');
  fs.writeFileSync(file, body);
  const baseline = await startChild([process.execPath, '--import', 'tsx', path.join(ROOT, 'bench/baseline-server.ts')], { BASELINE_BODY_FILE: file }, '/order');
  try {
    const { base, real } = await compareLoads(
      (durationSec) => load({ url: `${baseline.url}/order`, durationSec, pid: baseline.pid }),
      (durationSec) => load({ url: orderUrl, headers: auth(), durationSec, pid: server.process.pid }),
      DURATION,
    );
    rows.push({ backend, scenario: 'bare Express, same JSON (baseline)', result: base, target: '' });
    rows.push(judge(backend, 'cart: GET an order of 10 bookings', real, 'bare Express', base, 0.5));
  } finally {
    await baseline.stop();
  }

  const create = await load({
    url: `${server.apis.cart}${SUP}/bookings`,
    method: 'POST',
    headers: { ...auth(), ...json },
    setupRequest: (req: any) => ({ ...req, body: bookingBody() }),
    durationSec: DURATION,
    pid: server.process.pid,
  });
  rows.push({ backend, scenario: 'cart: create one booking (baseline)', result: create, target: '' });
  const orders: string[] = [];
  // Ten clients build the orders side by side (each order's bookings one after the other).
  let begun = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (begun++ < CONFIRM_ORDERS) orders.push(await orderOfTen(server));
    }),
  );
  let next = 0;
  const confirm = await load({
    url: `${server.apis.cart}${SUP}/orders/x/confirm`,
    method: 'POST',
    headers: { ...auth(), ...json },
    amount: orders.length,
    setupRequest: (req: any) => ({
      ...req,
      path: `${new URL(server.apis.cart).pathname}${SUP}/orders/${orders[next++ % orders.length]}/confirm`,
      body: JSON.stringify({ contact: { fullName: 'Bench', emailAddress: 'bench@example.com', phoneNumber: '+4670000000', locales: ['en'] } }),
    }),
    pid: server.process.pid,
  });
  rows.push(judge(backend, `cart: confirm an order of 10 bookings (${orders.length} fresh orders)`, confirm, 'create one booking', create, 0.5));
  return rows;
}

async function ethernetRows(backend: Backend, server: TestServer, unvalidated: TestServer): Promise<Row[]> {
  const order = (s: TestServer) => (durationSec: number) =>
    load({
      url: `${s.apis.ethernet}/orders`,
      method: 'POST',
      headers: { ...auth(), ...json },
      setupRequest: (req: any) => ({ ...req, body: JSON.stringify({ ...CREATE_EXAMPLE, buyerId: 'alpha', buyerPurchaseOrderNumber: `PO${crypto.randomBytes(6).toString('hex')}` }) }),
      durationSec,
      pid: s.process.pid,
    });
  const { base, real } = await compareLoads(order(unvalidated), order(server), DURATION);
  return [
    { backend, scenario: 'ethernet: POST seed order, validation off (baseline)', result: base, target: '' },
    judge(backend, 'ethernet: POST the full seed order', real, 'validation off', base, 0.7),
  ];
}

/** Writes `count` finished-order events for tenant alpha straight into the feed table. */
async function seedFeed(databaseUrl: string, count: number): Promise<string> {
  const db = openDb(databaseUrl);
  try {
    // The server has migrated the database when it started.
    const batch = 2000;
    let last = '';
    for (let start = 1; start <= count; start += batch) {
      const rows = [];
      for (let position = start; position < Math.min(start + batch, count + 1); position++) {
        last = `ev-${position}-${crypto.randomBytes(4).toString('hex')}`;
        rows.push({
          position,
          event_id: last,
          tenant: 'alpha',
          order_id: crypto.randomUUID(),
          access_id: 'STTA0001',
          service: 'BB-100-10',
          operation: position % 2 ? 'ACTIVATE' : 'DEACTIVATE',
          state: position % 7 ? 'DONE_SUCCESS' : 'DONE_FAILED',
          message: position % 7 ? '' : 'Port is busy',
          created_at: new Date(Date.UTC(2026, 0, 1) + position * 1000).toISOString(),
        });
      }
      await db.batchInsert('act_events', rows, 500);
    }
    await db('act_event_counter').where({ id: 1 }).update({ last: count });
    const tenth = await db('act_events').where({ tenant: 'alpha' }).orderBy('position', 'desc').offset(9).first('event_id');
    return tenth.event_id;
  } finally {
    await db.destroy();
  }
}

async function feedRows(backend: Backend): Promise<Row[]> {
  const rows: Row[] = [];
  const poll = async (count: number) => {
    const server = await startTestServer({ backend });
    const since = await seedFeed(server.databaseUrl, count);
    const url = `${server.apis.activation}/api/2.3.1/orderevents/?since=${since}`;
    const result = await load({ url, headers: auth(), durationSec: DURATION, pid: server.process.pid });
    return { server, result };
  };
  const small = await poll(SMALL_FEED);
  await small.server.stop();
  const big = await poll(BIG_FEED);
  rows.push({ backend, scenario: `activation: feed poll, since = 10th-last, ${SMALL_FEED} events (baseline)`, result: small.result, target: '' });
  rows.push(judge(backend, `activation: feed poll, since = 10th-last, ${BIG_FEED} events`, big.result, `${SMALL_FEED} events`, small.result, 0.8));

  // The full feed, read once by a freshly started server on the same database (so the poll load above does not
  // count): its size must not show in the server's memory.
  await big.server.stop();
  const reader = await startTestServer({ databaseUrl: big.server.databaseUrl });
  const idleRss = rssMb(reader.process.pid!);
  const sampler = sampleRss(reader.process.pid!);
  const started = Date.now();
  const res = await fetch(`${reader.apis.activation}/api/2.3.1/orderevents/`, { headers: auth() });
  let bytes = 0;
  let events = 0;
  let tail = '';
  for await (const chunk of res.body as any as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    const text = tail + Buffer.from(chunk).toString('utf8');
    events += (text.match(/"event":/g) ?? []).length;
    // Keep less than one marker's length, so a marker split across chunks is counted once and only once.
    tail = text.slice(-('"event":'.length - 1));
  }
  const peak = sampler.stop();
  const seconds = (Date.now() - started) / 1000;
  rows.push({
    backend,
    scenario: `activation: full feed read, ${BIG_FEED} events, no since`,
    result: { rps: 1 / seconds, p50: Math.round(seconds * 1000), p99: Math.round(seconds * 1000), requests: 1, errors: res.ok ? 0 : 1, peakRssMb: peak },
    target: 'peak RSS < 200 MB',
    met: res.ok && events === BIG_FEED && peak < 200,
    note: `${events} events, ${(bytes / 1e6).toFixed(0)} MB streamed in ${seconds.toFixed(1)} s; server RSS ${idleRss.toFixed(0)} MB before the read, ${peak.toFixed(0)} MB at peak`,
  });
  rows.push(await suiteReaderRow(backend, reader.apis.activation, BIG_FEED));
  if (backend === 'sqlite') rows.push(await bigFeedCertifyRow(reader, BIG_FEED));
  await reader.stop();
  return rows;
}

/**
 * `ordercert certify --api activation` (its own process, test clock) against the server holding the big feed: the
 * verdict, the wall time and the suite's peak memory. Quick mode judges the feed rules only, to keep the script working.
 */
async function bigFeedCertifyRow(server: TestServer, count: number): Promise<Row> {
  const args = [path.join(ROOT, 'bin/ordercert.js'), 'certify', '--api', 'activation', '--base-url', server.url, '--tenant-a', 'alpha:alpha-secret', '--tenant-b', 'beta:beta-secret'];
  args.push('--profile', path.join(ROOT, 'conformance/profiles/reference.yaml'), '--clock-url', server.clockUrl!, '--no-color', ...(QUICK ? ['--grep', '^ACT-FEED-'] : []));
  const started = Date.now();
  const child = execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  const sampler = sampleRss(child.pid!);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const peak = sampler.stop();
  const seconds = (Date.now() - started) / 1000;
  return {
    backend: 'sqlite',
    scenario: `conformance: activation certified, ${count} events in the feed${QUICK ? ' (feed rules only)' : ''}`,
    result: { rps: 0, p50: Math.round(seconds * 1000), p99: Math.round(seconds * 1000), requests: 1, errors: code === 0 ? 0 : 1, peakRssMb: peak },
    target: 'CERTIFIED, suite peak RSS < 300 MB',
    met: code === 0 && peak < 300,
    note: `exit ${code} (0 = CERTIFIED) in ${seconds.toFixed(0)} s; the suite's process peaked at ${peak.toFixed(0)} MB`,
  };
}

/** The suite's own reader (bench/suite-feed-reader.ts, its own process) reading the whole feed without since. */
async function suiteReaderRow(backend: Backend, activationUrl: string, count: number): Promise<Row> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/suite-feed-reader.ts'), activationUrl], { cwd: ROOT });
  const read = JSON.parse(stdout.trim().split('\n').pop()!);
  return {
    backend,
    scenario: `conformance: the suite reads the whole feed (scanFeed), ${count} events`,
    result: { rps: 1 / read.seconds, p50: Math.round(read.seconds * 1000), p99: Math.round(read.seconds * 1000), requests: 1, errors: read.events === count ? 0 : 1, peakRssMb: read.maxRssMb },
    target: 'peak RSS < 300 MB',
    met: read.events === count && read.maxRssMb < 300,
    note: `${read.events} events, each checked against the spec's schema as it arrived, ${(read.bytes / 1e6).toFixed(0)} MB in ${read.seconds.toFixed(1)} s; the reader's process peaked at ${read.maxRssMb.toFixed(0)} MB`,
  };
}

async function prismRows(server: TestServer): Promise<Row[]> {
  const rows: Row[] = [];
  const orderId = await orderOfTen(server);
  const cases: Array<{ api: 'cart' | 'activation' | 'ethernet'; path: string; name: string }> = [
    { api: 'cart', path: `${SUP}/orders/${orderId}`, name: 'cart: GET an order' },
    { api: 'activation', path: '/api/2.3.1/accesses/', name: 'activation: GET accesses' },
  ];
  const created: any = await post(`${server.apis.ethernet}/orders`, JSON.stringify({ ...CREATE_EXAMPLE, buyerId: 'alpha', buyerPurchaseOrderNumber: 'PO-BENCH-1' }));
  cases.push({ api: 'ethernet', path: `/orders/${created.id}`, name: 'ethernet: GET an order by id' });
  for (const c of cases) {
    const prism = await startPrism(c.api).catch((err) => err as Error);
    if (prism instanceof Error) {
      rows.push({ backend: 'sqlite', scenario: `${c.name} vs Prism mock`, target: '>= 1.0', met: false, note: `Prism did not start: ${prism.message.slice(0, 200)}` });
      continue;
    }
    try {
      const { base: mock, real } = await compareLoads(
        (durationSec) => load({ url: prism.url + c.path, headers: auth(), durationSec, pid: prism.pid }),
        (durationSec) => load({ url: server.apis[c.api] + c.path, headers: auth(), durationSec, pid: server.process.pid }),
        DURATION,
      );
      rows.push({ backend: 'sqlite', scenario: `${c.name}: Prism mock (baseline)`, result: mock, target: '' });
      rows.push(judge('sqlite', `${c.name}: reference server`, real, 'Prism mock', mock, 1.0));
    } finally {
      await prism.stop();
    }
  }
  return rows;
}

async function conformanceRow(): Promise<Row> {
  const server = await startTestServer({ backend: 'sqlite' });
  try {
    const started = Date.now();
    const sampler = sampleRss(process.pid);
    // Requests per API, and how many of them the sweep's cases sent.
    const requests: Record<string, { all: number; sweep: number }> = {};
    const run = await certify({
      apis: ['cart', 'activation', 'ethernet'],
      baseUrls: server.apis,
      tenants: DEMO_CREDENTIALS,
      profile: referenceProfile(),
      clockUrl: server.clockUrl,
      onResult: (r) => {
        const count = (requests[r.api] ??= { all: 0, sweep: 0 });
        count.all += r.transcript?.length ?? 0;
        if (r.check.includes('/sweep-')) count.sweep += r.transcript?.length ?? 0;
      },
    });
    const seconds = (Date.now() - started) / 1000;
    const perApi = Object.entries(requests).map(([api, n]) => `${api} ${n.all} requests (${n.sweep} by the sweep)`).join(', ');
    return {
      backend: 'sqlite',
      scenario: `conformance: all three APIs, test clock (${run.results.length} checks)`,
      result: { rps: run.results.length / seconds, p50: 0, p99: 0, requests: run.results.length, errors: run.results.filter((r) => r.outcome === 'fail').length, peakRssMb: sampler.stop() },
      target: '< 60 s wall, single process',
      met: seconds < 60 && run.certified,
      note: `${seconds.toFixed(1)} s wall; ${run.certified ? 'certified' : 'NOT certified'}; ${perApi} (req/s column = checks/s, RSS = the suite's process)`,
    };
  } finally {
    await server.stop();
  }
}

/**
 * Without a test clock, --slow: the checks that wait in real time overlap, so the run should cost about its
 * longest wait, not the sum of them. Quick mode runs the ethernet suite only (no waits) to keep the script working.
 */
async function realTimeRow(): Promise<Row> {
  const server = await startTestServer({ backend: 'sqlite', testClock: false });
  try {
    const apis = QUICK ? (['ethernet'] as const) : (['cart', 'activation', 'ethernet'] as const);
    const started = Date.now();
    const run = await certify({ apis: [...apis], baseUrls: server.apis, tenants: DEMO_CREDENTIALS, profile: referenceProfile(), slow: true });
    const seconds = (Date.now() - started) / 1000;
    const longest = Math.max(0, ...run.results.map((r) => r.waitedMs ?? 0)) / 1000;
    const waits = run.results.filter((r) => r.waitedMs).length;
    const summed = run.results.reduce((s, r) => s + (r.waitedMs ?? 0), 0) / 1000;
    const ratio = longest > 0 ? seconds / longest : undefined;
    return {
      backend: 'sqlite',
      scenario: `conformance: ${QUICK ? 'ethernet' : 'all three APIs'}, no test clock, --slow (${run.results.length} checks)`,
      result: { rps: run.results.length / seconds, p50: 0, p99: 0, requests: run.results.length, errors: run.results.filter((r) => r.outcome === 'fail').length, peakRssMb: 0 },
      baseline: 'longest single wait',
      ratio,
      target: '<= 1.5 (wall / longest wait)',
      met: ratio !== undefined && ratio <= 1.5 && run.verdict === 'CERTIFIED',
      note: `${seconds.toFixed(1)} s wall; ${waits} checks waited in real time, ${summed.toFixed(0)} s in all, longest ${longest.toFixed(0)} s; ${run.verdict} (req/s column = checks/s)`,
    };
  } finally {
    await server.stop();
  }
}

function judge(backend: string, scenario: string, result: any, baselineName: string, baseline: any, target: number): Row {
  const ratio = result.rps / baseline.rps;
  const errors = result.errors + baseline.errors;
  return {
    backend,
    scenario,
    result,
    baseline: baselineName,
    ratio,
    target: `>= ${target.toFixed(1)}`,
    met: ratio >= target && errors === 0,
    note: errors ? `${errors} non-2xx answers or errors during the load: the row is not valid` : undefined,
  };
}

async function main() {
  const backends: Backend[] = args.backend === 'both' ? ['sqlite', 'postgres'] : [args.backend as Backend];
  const rows: Row[] = [];
  const progress = (s: string) => process.stderr.write(`bench: ${s}\n`);
  for (const backend of args['conformance-only'] ? [] : backends) {
    progress(`${backend}: cart`);
    const server = await startTestServer({ backend });
    const unvalidated = await startTestServer({ backend, env: { ORDERCERT_VALIDATE_REQUESTS: '0' } });
    try {
      rows.push(...(await cartRows(backend, server)));
      progress(`${backend}: ethernet`);
      rows.push(...(await ethernetRows(backend, server, unvalidated)));
      if (backend === 'sqlite') {
        progress('sqlite: Prism');
        rows.push(...(await prismRows(server)));
      }
    } finally {
      await server.stop();
      await unvalidated.stop();
    }
    progress(`${backend}: activation feed (${BIG_FEED} events)`);
    rows.push(...(await feedRows(backend)));
  }
  progress('conformance suite');
  rows.push(await conformanceRow());
  progress('conformance suite in real time');
  rows.push(await realTimeRow());
  await stopSharedCluster();
  console.log(`\nordercert benchmarks, ${new Date().toISOString()}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}${QUICK ? ' (quick mode: sizes and durations too small to mean anything)' : ''}\n`);
  console.log(printTable(rows));
  const delay = Number(args.latency);
  if (delay > 0) {
    // Quick mode: the ethernet suite once on loopback and once through the proxy, to keep the script working; the
    // full table takes minutes.
    const latency = QUICK
      ? [await certifyThrough(['ethernet'], 0), await certifyThrough(['ethernet'], delay, 16)]
      : await benchLatency(['cart', 'activation', 'ethernet'], delay, undefined, progress);
    console.log(`\ncertifying through a proxy adding ${delay} ms to each request (test clock)\n\n${latencyTable(latency)}`);
  }
  progress('explore');
  console.log(`\n${exploreTable(await benchExplore(QUICK ? 20 : 200))}`);
  const invalid = rows.filter((r) => r.note?.includes('not valid'));
  if (invalid.length) process.exitCode = 1;
}

main().catch(async (err) => {
  console.error(err);
  await stopSharedCluster();
  process.exit(1);
});
