/**
 * Runs the conformance suite against Stoplight Prism's mock server of our own specs (npm run bench:prism):
 * what a stateless mock that answers every operation "by the spec" gets past the suite, and what it cannot fake.
 *   --dynamic   Prism's dynamic mode (random values generated from the schemas) instead of the static examples
 */
import { parseArgs } from 'node:util';
import { certify } from '../conformance/index.js';
import type { ApiName } from '../conformance/framework/types.js';
import { DEMO_CREDENTIALS, referenceProfile } from '../test/helpers/conformance.js';
import { startPrism } from './tools.js';

const { values: args } = parseArgs({ options: { dynamic: { type: 'boolean', default: false } } });
const APIS: ApiName[] = ['cart', 'activation', 'ethernet'];

async function main() {
  const lines: string[] = [];
  for (const api of APIS) {
    process.stderr.write(`prism: ${api}\n`);
    const prism = await startPrism(api, args.dynamic);
    try {
      const run = await certify({
        apis: [api],
        baseUrls: { [api]: prism.url },
        tenants: DEMO_CREDENTIALS,
        profile: referenceProfile(),
        timeoutMs: 20_000,
      });
      const count = (o: string) => run.rules.filter((r) => r.outcome === o);
      lines.push(
        `${api}: ${run.rules.length} rules: ${count('pass').length} pass, ${count('fail').length} fail, ${count('warn').length} warn, ${count('skip').length} skip, ${count('untested').length} untested`,
        `  pass: ${count('pass').map((r) => r.rule.id).join(', ') || '-'}`,
        `  fail: ${count('fail').map((r) => r.rule.id).join(', ') || '-'}`,
        `  warn: ${count('warn').map((r) => r.rule.id).join(', ') || '-'}`,
        `  skip: ${count('skip').map((r) => r.rule.id).join(', ') || '-'}`,
      );
      const schemaRule = run.rules.find((r) => r.rule.id.endsWith('-SCHEMA'));
      const schemaFailure = schemaRule?.results.find((r) => r.outcome === 'fail');
      if (schemaFailure) lines.push(`  first ${schemaRule!.rule.id} failure: ${[schemaFailure.message, schemaFailure.actual].filter(Boolean).join(' / ').replace(/\s+/g, ' ').slice(0, 300)}`);
    } finally {
      await prism.stop();
    }
  }
  console.log(`\nconformance suite against Prism ${args.dynamic ? 'dynamic' : 'static'} mocks of specs/<api>/openapi.yaml, ${new Date().toISOString()}\n`);
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
