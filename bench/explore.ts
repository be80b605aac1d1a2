/**
 * Explore throughput: sequences per second per API against the reference server with the test clock, and the
 * wall time of 200 sequences per API (the target: under 60 s each). Run alone (node --import tsx bench/explore.ts
 * [runs]) or from bench/run.ts.
 */
import { startTestServer } from '../test/helpers/server.js';
import { exploreAgainst } from '../test/explore/helpers.js';
import type { ApiName } from '../conformance/framework/types.js';

export interface ExploreBenchRow {
  api: ApiName;
  sequences: number;
  seconds: number;
  perSecond: number;
}

export async function benchExplore(runs = 200): Promise<ExploreBenchRow[]> {
  const rows: ExploreBenchRow[] = [];
  const server = await startTestServer();
  try {
    for (const api of ['cart', 'activation', 'ethernet'] as ApiName[]) {
      const started = Date.now();
      const run = await exploreAgainst(server, api, ['--runs', String(runs), '--seed', '42']);
      if (run.code !== 0) throw new Error(`explore ${api} did not pass on the reference server:\n${run.report}`);
      const seconds = (Date.now() - started) / 1000;
      rows.push({ api, sequences: run.results[0].tried, seconds, perSecond: run.results[0].tried / seconds });
    }
  } finally {
    await server.stop();
  }
  return rows;
}

export function exploreTable(rows: ExploreBenchRow[]): string {
  return [
    'explore on the reference server (SQLite, test clock)',
    '| API | sequences | wall time (s) | sequences/s | under 60 s |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.api} | ${r.sequences} | ${r.seconds.toFixed(1)} | ${r.perSecond.toFixed(1)} | ${r.seconds < 60 ? 'yes' : 'NO'} |`),
  ].join('\n');
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  console.log(exploreTable(await benchExplore(Number(process.argv[2] ?? 200))));
}
