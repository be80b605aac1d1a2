/** The activation conformance suite over real HTTP against the reference server, on SQLite and on PostgreSQL. */
import assert from 'node:assert/strict';
import { describeProblems, runSuiteAgainst } from '../helpers/conformance.js';
import { startTestServer, type Backend, type TestServer } from '../helpers/server.js';

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`activation conformance suite against the reference server (${backend})`, function () {
    this.timeout(180_000);
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ backend });
    });
    after(async () => {
      await server?.stop();
    });

    it('passes every check and every rule of the catalogue', async () => {
      const started = Date.now();
      const { results, byRule } = await runSuiteAgainst(server, ['activation']);
      assert.ok(results.length >= byRule.length, `only ${results.length} checks for ${byRule.length} rules`);
      assert.ok(results.every((r) => r.outcome === 'pass'), describeProblems(results) + '\n' + server.output().slice(-2000));
      const notPassed = byRule.filter((r) => r.outcome !== 'pass').map((r) => `${r.rule.id}: ${r.outcome}`);
      assert.deepEqual(notPassed, []);
      console.log(`      ${results.length} checks, ${byRule.length} rules, ${Date.now() - started} ms`);
    });

    it('passes again on the same server (checks clean up after earlier runs)', async () => {
      const { results } = await runSuiteAgainst(server, ['activation']);
      assert.ok(results.every((r) => r.outcome === 'pass'), describeProblems(results));
    });
  });
}
