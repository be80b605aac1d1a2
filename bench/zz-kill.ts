import { runSuiteAgainst } from '../test/helpers/conformance.js';
import { startTestServer } from '../test/helpers/server.js';
const server = await startTestServer({ variant: process.argv[2], restartHook: true });
const t0 = Date.now();
const { results } = await runSuiteAgainst(server, ['cart'], { strict: false });
for (const r of results) if (r.outcome !== 'pass') console.log(r.outcome, r.check, r.rule, (r.message ?? '').slice(0, 400));
console.log((Date.now() - t0) / 1000);
await server.stop();
