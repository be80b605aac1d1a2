/**
 * Runs explore alone (no hand-written check) against every variant of the kill table and prints which it
 * catches and by which rule. Not part of npm test (minutes):  node --import tsx test/explore/kill-table.ts [runs]
 */
import { startTestServer } from '../helpers/server.js';
import { variants } from '../variants/index.js';
import { exploreAgainst } from './helpers.js';

const runs = process.argv[2] ?? '100';
let caught = 0;
for (const variant of variants) {
  const server = await startTestServer({ variant: variant.name });
  try {
    const started = Date.now();
    const run = await exploreAgainst(server, variant.api, ['--runs', runs, '--seed', '1']);
    const r = run.results[0];
    const rule = r.failure?.finding.rule ?? (r.warnings.length ? `warn ${r.warnings.map((w) => w.finding.rule).join(',')}` : r.error ? 'not judged' : '-');
    if (r.failure) caught++;
    console.log(`${variant.name.padEnd(44)} breaks ${variant.breaks.padEnd(34)} explore: ${rule.padEnd(34)} ${r.failure ? `${r.failure.steps.length} steps` : ''} (${r.tried} seq, ${Date.now() - started} ms)`);
  } finally {
    await server.stop();
  }
}
console.log(`explore caught ${caught} of ${variants.length} kill-table variants`);
