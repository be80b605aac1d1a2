/**
 * Shows that the hand-written checks miss every sequence-only variant (test/variants/sequence.ts):
 * runs `certify` (the whole suite of the variant's API, strict) against each and prints the rules that failed.
 *   node --import tsx test/explore/certify-sequence-variants.ts
 */
import { runSuiteAgainst } from '../helpers/conformance.js';
import { startTestServer } from '../helpers/server.js';
import { sequenceVariants } from '../variants/sequence.js';

let missedAll = true;
for (const variant of sequenceVariants) {
  const server = await startTestServer({ variant: variant.name });
  try {
    const started = Date.now();
    const { byRule } = await runSuiteAgainst(server, [variant.api]);
    const failed = byRule.filter((r) => r.outcome === 'fail' || r.outcome === 'warn').map((r) => r.rule.id);
    if (failed.length) missedAll = false;
    console.log(`${variant.name.padEnd(32)} certify failed: ${failed.join(', ') || 'none'} (${Date.now() - started} ms)`);
  } finally {
    await server.stop();
  }
}
console.log(missedAll ? 'certify misses every sequence-only variant' : 'certify catches at least one of them: it is not sequence-only');
process.exit(missedAll ? 0 : 1);
