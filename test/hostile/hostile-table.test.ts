/**
 * The hostile table: the reference server behind a proxy that spoils some answers (test/hostile/proxy.ts), one kind
 * per row, and `ordercert certify` run as a child process through it, the way a vendor runs it. Spoiled after the
 * preflight, every row must end NOT CERTIFIED (exit 1) with a report.json that parses and a failed check naming a
 * spoiled exchange; spoiled during the preflight, it must end with exit 2 and a line naming the problem. No row may
 * crash, hang (each is killed after KILL_AFTER_MS), leak a tenant's secret, or grow the suite's process past
 * MAX_RSS_MB, with a 200 MB answer among the rows.
 *
 * Each row certifies the activation API restricted to a few rules (--grep): the order intake and the response
 * schema, and for the rows that cut connections also the since chain, whose check reads the feed in the background
 * while orders finish.
 */
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startSpoilingProxy, type Spoil } from './proxy.js';
import { certifyThrough, type CliRun } from './run.js';

const KILL_AFTER_MS = 90_000;
const MAX_RSS_MB = 300;
/** Few rules, so that a row takes seconds; the rows that cut connections also run the since chain's background reader. */
const GREP = 'ACT-ORDER-CREATED|ACT-SCHEMA';
const WITH_READER = 'ACT-ORDER-CREATED|ACT-SCHEMA|ACT-FEED-SINCE-CHAIN';
const ORDERS = '/activation/api/2.3.1/orders/';
const ACCESSES = '/activation/api/2.3.1/accesses/';

interface Row {
  spoil: Spoil;
  /** During the preflight (its first access list read) instead of after it (from the first order placed). */
  preflight?: boolean;
  /** Spoil at most this many answers (every third once armed). */
  max: number;
  grep?: string;
}

const ROWS: Row[] = [
  { spoil: 'truncated', max: 3 },
  { spoil: 'invalid-json', max: 3 },
  { spoil: 'wrong-type', max: 3 },
  { spoil: 'html-error', max: 3 },
  { spoil: 'reset', max: 3, grep: WITH_READER },
  { spoil: 'no-answer', max: 1, grep: WITH_READER },
  { spoil: 'drip', max: 1 },
  { spoil: 'redirect', max: 3 },
  { spoil: 'undocumented-status', max: 3 },
  { spoil: 'server-error', max: 3 },
  { spoil: 'huge', max: 1 },
  { spoil: 'huge', preflight: true, max: 1 },
  { spoil: 'reset', preflight: true, max: 1 },
];

const name = (row: Row) => `${row.spoil}${row.preflight ? ' during the preflight' : ''}`;
/** The spoiled exchange as the report keeps it: no answer, cut, not JSON, or a status the server never answers. */
const looksSpoiled = (ex: any) =>
  ex.status === 0 || !!ex.cut || !!ex.parseError || [307, 418, 502, 503].includes(ex.status) || /text\/(plain|html)/.test(ex.headers?.['content-type'] ?? '');
const request = (ex: any) => `${ex.method} ${new URL(ex.url).pathname}${new URL(ex.url).search}`;

/** Does the failed result name one of the spoiled requests: in its transcript as spoiled, or in its message? */
function namesSpoiled(result: any, spoiled: string[]): boolean {
  if ((result.transcript ?? []).some((ex: any) => looksSpoiled(ex) && spoiled.includes(request(ex)))) return true;
  return spoiled.some((s) => (result.message ?? '').includes(s.slice(s.indexOf(' ') + 1)));
}

describe('hostile table: a verdict whatever the server answers', function () {
  this.timeout(10 * 60_000);
  const servers: TestServer[] = [];
  const runs = new Map<string, Promise<{ run: CliRun; spoiled: string[] }>>();
  const table: string[] = [];

  /** Two servers, one row on each at a time: rows of one server run one after the other. */
  before(async () => {
    servers.push(...(await Promise.all([startTestServer(), startTestServer()])));
    const lanes: Row[][] = [[], []];
    ROWS.forEach((row, i) => lanes[i % 2].push(row));
    lanes.forEach((lane, i) => {
      let previous: Promise<unknown> = Promise.resolve();
      for (const row of lane) {
        const run = previous.then(() => runRow(servers[i], row));
        run.catch(() => undefined); // awaited by the row's own test
        runs.set(name(row), run);
        previous = run.catch(() => undefined);
      }
    });
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    if (table.length) console.log(['', 'hostile table', 'row                              exit  seconds  max RSS MB  spoiled', ...table].join('\n'));
  });

  async function runRow(server: TestServer, row: Row) {
    const proxy = await startSpoilingProxy({
      target: server.url,
      spoil: row.spoil,
      every: 3,
      max: row.max,
      armOn: (method, path) => (row.preflight ? method === 'GET' && path.startsWith(ACCESSES) : method === 'POST' && path.startsWith(ORDERS)),
    });
    try {
      const run = await certifyThrough(proxy.url, server.clockUrl!, ['--api', 'activation', '--timeout', '5000', '--grep', row.grep ?? GREP], KILL_AFTER_MS);
      table.push(`${name(row).padEnd(32)} ${String(run.code ?? run.signal).padStart(4)}  ${String(run.seconds).padStart(7)}  ${String(run.maxRssMb).padStart(10)}  ${proxy.spoiled.length}`);
      return { run, spoiled: [...proxy.spoiled] };
    } finally {
      await proxy.close();
    }
  }

  for (const row of ROWS) {
    it(`${name(row)}: ${row.preflight ? 'exit 2 with a line naming the problem' : 'NOT CERTIFIED, naming a spoiled exchange'}`, async () => {
      const { run, spoiled } = await runs.get(name(row))!;
      const output = `${run.stdout}\n${run.stderr}`;
      assert.equal(run.signal, null, `the suite was killed after ${KILL_AFTER_MS} ms (it hung):\n${output.slice(-2000)}`);
      assert.ok(spoiled.length > 0, 'the proxy spoiled nothing: the row tests nothing');
      assert.ok(run.maxRssMb < MAX_RSS_MB, `the suite's process peaked at ${run.maxRssMb} MB`);
      for (const secret of ['alpha-secret', 'beta-secret']) {
        assert.ok(!output.includes(secret), `the output shows a tenant's secret`);
        if (run.report) assert.ok(!JSON.stringify(run.report).includes(secret), `report.json holds a tenant's secret`);
      }
      if (row.preflight) {
        assert.equal(run.code, 2, output.slice(-2000));
        assert.match(run.stderr, /the set-up is not ready, so nothing was judged:\n {2}- .*accesses/);
        return;
      }
      assert.equal(run.code, 1, output.slice(-3000));
      assert.ok(run.report, 'no report.json');
      assert.equal(run.report.verdict, 'NOT CERTIFIED');
      const failed = run.report.results.filter((r: any) => r.outcome === 'fail');
      const naming = failed.filter((r: any) => namesSpoiled(r, spoiled));
      assert.ok(naming.length > 0, `no failed check names a spoiled exchange (${spoiled.join(', ')}); failed: ${failed.map((r: any) => `${r.check}: ${r.message}`).join(' | ')}`);
    });
  }
});
