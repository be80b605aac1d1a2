/**
 * The test command of a mutation run: starts the server from the sources in this folder (Stryker's sandbox, with
 * the mutant chosen by its environment) and certifies one API against it as a vendor's run does, in the default
 * mode: the preflight first, then the checks. The mutant is killed (exit 1) when the run would not be CERTIFIED: a
 * preflight problem (a declared capability the server no longer shows), a check that fails or warns (the reference
 * passes every check cleanly), or a MUST rule left not judged (INCOMPLETE). Exit 0 when it is CERTIFIED.
 * Usage: node --import tsx scripts/mutation-suite.ts <cart|activation|ethernet|shared> (SQLite; on PostgreSQL when
 * MUTATION_PG_ADMIN_URL names a cluster's admin database: `npm run mutation -- --postgres ...` sets it)
 * `shared` (the code every API runs: src/shared, the app and server wiring) certifies the three APIs in one run, as a
 * vendor certifying all three would: a mutant there is killed when any of them is not CERTIFIED.
 */
import { certify } from '../conformance/index.js';
import { preflight } from '../conformance/framework/preflight.js';
import { SUITES, suitesFor } from '../conformance/suites.js';
import type { ApiName } from '../conformance/framework/types.js';
import { DEMO_CREDENTIALS, referenceProfile } from '../test/helpers/conformance.js';
import { startTestServer } from '../test/helpers/server.js';
import { databaseOn } from '../test/helpers/pg.js';

const ALL: ApiName[] = ['cart', 'activation', 'ethernet'];
const target = process.argv[2];
if (![...ALL, 'shared'].includes(target)) {
  console.error('usage: mutation-suite.ts <cart|activation|ethernet|shared>');
  process.exit(2);
}
const apis = target === 'shared' ? ALL : [target as ApiName];

// On PostgreSQL (MUTATION_PG_ADMIN_URL, the cluster scripts/mutation.ts started for the run): a fresh database per
// mutant, so that what SQLite's one writer makes moot (row locks, unique violations between writers) is staged too.
const pgAdmin = process.env.MUTATION_PG_ADMIN_URL;
const databaseUrl = pgAdmin ? await databaseOn(pgAdmin) : undefined;
// A feed batch of 2 events: every feed read the suite makes crosses batches, so the batching code is judged too.
const server = await startTestServer({ restartHook: true, databaseUrl, env: { ACTIVATION_FEED_BATCH_SIZE: '2' } }).catch((err) => {
  // A mutant that stops the server from starting is killed.
  console.error(`server did not start: ${err?.message?.split('\n')[0]}`);
  process.exit(1);
});
const killed = async (why: string): Promise<never> => {
  console.log(why);
  await server.stop();
  process.exit(1);
};
try {
  // A check's budget of 10 s is ample for the reference with its test clock, and ends a mutant that hangs early.
  const run = { baseUrls: Object.fromEntries(apis.map((api) => [api, server.apis[api]])), tenants: DEMO_CREDENTIALS, profile: referenceProfile(), clockUrl: server.clockUrl, restart: server.restartUrl ? { url: server.restartUrl } : undefined, timeoutMs: 10_000 };
  const problems = await preflight({ ...run, suites: suitesFor(apis), knownSuites: Object.values(SUITES) });
  if (problems.length) await killed(`PREFLIGHT ${problems.join('; ').slice(0, 300)}`);
  const result = await certify({
    ...run,
    apis,
    strict: false,
    // The first failed or warned check decides: the mutant is killed, and the rest of the suite need not run.
    onResult: (r) => {
      if (r.outcome === 'fail' || r.outcome === 'warn') void killed(`${r.outcome.toUpperCase()} ${r.rule} ${r.check}: ${(r.message ?? '').slice(0, 200)}`);
    },
  });
  if (result.verdict !== 'CERTIFIED') await killed(`${result.verdict}: ${JSON.stringify(result.unjudged ?? []).slice(0, 300)}`);
  console.log(`${apis.join(', ')}: CERTIFIED on ${databaseUrl ? 'PostgreSQL' : 'SQLite'}`);
} finally {
  await server.stop();
}
process.exit(0);
