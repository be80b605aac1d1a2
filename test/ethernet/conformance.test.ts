/** The ethernet conformance suite over real HTTP against the reference server, on SQLite and on PostgreSQL. */
import assert from 'node:assert/strict';
import { startTestServer, type Backend, type TestServer } from '../helpers/server.js';
import { runSuiteAgainst, describeProblems } from '../helpers/conformance.js';

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`ethernet conformance against the reference server (${backend})`, function () {
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
      const { results, byRule } = await runSuiteAgainst(server, ['ethernet']);
      assert.ok(results.length >= 25, `only ${results.length} checks ran`);
      const bad = results.filter((r) => r.outcome !== 'pass');
      assert.equal(bad.length, 0, `${describeProblems(results)}\n--- server output ---\n${server.output().slice(-3000)}`);
      const untested = byRule.filter((r) => r.outcome !== 'pass').map((r) => `${r.rule.id}: ${r.outcome}`);
      assert.deepEqual(untested, []);
      console.log(`      ${results.length} checks, ${byRule.length} rules, ${Date.now() - started} ms on ${backend}`);
    });
  });
}
