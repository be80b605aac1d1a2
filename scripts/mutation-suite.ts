/**
 * The test command of a mutation run: starts the server from the sources in this folder (Stryker's sandbox, with
 * the mutant chosen by its environment), runs one API's conformance suite against it in the vendor's default mode,
 * and exits 1 at the first check that fails or warns (the reference passes every check cleanly), 0 otherwise.
 * Usage: node --import tsx scripts/mutation-suite.ts <cart|activation|ethernet>
 */
import { runSuiteAgainst } from '../test/helpers/conformance.js';
import { startTestServer } from '../test/helpers/server.js';
import type { ApiName } from '../conformance/framework/types.js';

const api = process.argv[2] as ApiName;
if (!['cart', 'activation', 'ethernet'].includes(api)) {
  console.error('usage: mutation-suite.ts <cart|activation|ethernet>');
  process.exit(2);
}

let code = 1;
// A feed batch of 2 events: every feed read the suite makes crosses batches, so the batching code is judged too.
const server = await startTestServer({ restartHook: true, env: { ACTIVATION_FEED_BATCH_SIZE: '2' } }).catch((err) => {
  // A mutant that stops the server from starting is killed.
  console.error(`server did not start: ${err?.message?.split('\n')[0]}`);
  process.exit(1);
});
try {
  // The first failed or warned check decides: the mutant is killed, and the rest of the suite need not run.
  // A check's budget of 10 s is ample for the reference with its test clock, and ends a mutant that hangs early.
  const { results } = await runSuiteAgainst(server, [api], {
    strict: false,
    timeoutMs: 10_000,
    onResult: (r) => {
      if (r.outcome !== 'fail' && r.outcome !== 'warn') return;
      console.log(`${r.outcome.toUpperCase()} ${r.rule} ${r.check}: ${(r.message ?? '').slice(0, 200)}`);
      void server.stop().finally(() => process.exit(1));
    },
  });
  const bad = results.filter((r) => r.outcome === 'fail' || r.outcome === 'warn');
  for (const r of bad) console.log(`${r.outcome.toUpperCase()} ${r.rule} ${r.check}: ${(r.message ?? '').slice(0, 200)}`);
  console.log(`${results.length} checks, ${bad.length} failed or warned`);
  code = bad.length ? 1 : 0;
} finally {
  await server.stop();
}
process.exit(code);
