/**
 * `npm run mutation [-- <target>... [--mutate <patterns>] [--postgres]]`: Stryker over the reference server, with a conformance
 * run against the mutated server as the test (stryker.conf.mjs). A target is an API (its whole `src/<api>` folder,
 * judged by its suite) or `shared` (src/shared, the app and server wiring, judged by the three suites in one run);
 * none given: all four. Prints the mutation score per target and every surviving mutant (to triage in
 * docs/MUTATION.md). Slow: every mutant is a server start and a whole suite run. Not part of CI. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startCluster } from '../test/helpers/pg.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const mutateAt = args.indexOf('--mutate');
const mutate = mutateAt >= 0 ? args.splice(mutateAt, 2)[1] : undefined;
// --postgres: the mutated server runs on a throw-away PostgreSQL cluster (a fresh database per mutant), where row
// locks and concurrent writers matter; the reports then go to reports/mutation/<target>-postgres.json.
const postgresAt = args.indexOf('--postgres');
if (postgresAt >= 0) args.splice(postgresAt, 1);
const cluster = postgresAt >= 0 ? await startCluster() : undefined;
const apis = args.length ? args : ['cart', 'activation', 'ethernet', 'shared'];

interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number } };
}

const rows: string[] = [];
for (const api of apis) {
  const started = Date.now();
  const run = spawnSync(path.join(ROOT, 'node_modules/.bin/stryker'), ['run', 'stryker.conf.mjs'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, MUTATION_API: api, ...(mutate ? { MUTATION_MUTATE: mutate } : {}), ...(cluster ? { MUTATION_PG_ADMIN_URL: cluster.adminUrl } : {}) },
  });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const reportFile = path.join(ROOT, 'reports/mutation', `${api}${cluster ? '-postgres' : ''}.json`);
  if (run.status !== 0 || !fs.existsSync(reportFile)) {
    rows.push(`${api}: stryker exited with ${run.status}, no report`);
    continue;
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as { files: Record<string, { mutants: Mutant[] }> };
  const all = Object.entries(report.files).flatMap(([file, f]) => f.mutants.map((m) => ({ file, ...m })));
  const count = (...s: string[]) => all.filter((m) => s.includes(m.status)).length;
  const killed = count('Killed', 'Timeout');
  const survived = all.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage');
  const judged = killed + survived.length;
  rows.push(`${api}: ${all.length} mutants, ${killed} killed, ${survived.length} survived, ${count('CompileError', 'RuntimeError')} errors; score ${judged ? ((100 * killed) / judged).toFixed(1) : '-'} %; ${minutes} min`);
  for (const m of survived) rows.push(`  survived ${m.file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} -> ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 100)}`);
}
cluster?.stop();
console.log(['', `mutation score per API${cluster ? ' (PostgreSQL)' : ''}`, ...rows].join('\n'));
