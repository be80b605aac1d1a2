import assert from 'node:assert/strict';
import { loadRules } from '../../conformance/framework/catalogue.js';
import cartSuite from '../../conformance/cart/suite.js';
import { describeProblems, runSuiteAgainst } from '../helpers/conformance.js';
import { startTestServer, type Backend, type TestServer } from '../helpers/server.js';

describe('cart: rule catalogue and suite', () => {
  it('every rule has a check, every check names a catalogue rule, the schema rule is catalogued', () => {
    const ids = new Set(loadRules('cart').map((r) => r.id));
    const checked = new Set(cartSuite.checks.map((c) => c.rule));
    for (const id of ids) assert.ok(checked.has(id), `rule ${id} has no check`);
    for (const c of cartSuite.checks) assert.ok(ids.has(c.rule), `check ${c.id} names unknown rule ${c.rule}`);
    assert.ok(ids.has(cartSuite.schemaRule));
    assert.equal(new Set(cartSuite.checks.map((c) => c.id)).size, cartSuite.checks.length, 'check ids are unique');
  });
});

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`cart: conformance suite against the reference server on ${backend}`, function () {
    this.timeout(180_000);
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ backend });
    });
    after(async () => {
      await server?.stop();
    });

    it('passes every check and every rule', async () => {
      const started = Date.now();
      const { results, byRule } = await runSuiteAgainst(server, ['cart']);
      const problems = describeProblems(results);
      assert.equal(results.filter((r) => r.outcome !== 'pass').length, 0, `${problems}\n--- server output ---\n${server.output().slice(-3000)}`);
      const notPassed = byRule.filter((r) => r.outcome !== 'pass').map((r) => `${r.rule.id}: ${r.outcome}`);
      assert.deepEqual(notPassed, [], 'every catalogue rule passes');
      assert.ok(results.length >= byRule.length);
      console.log(`      ${results.length} checks, ${byRule.length} rules on ${backend} in ${Date.now() - started} ms`);
    });
  });
}
