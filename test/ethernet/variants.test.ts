/** Every broken ethernet variant makes the suite fail the rule it breaks (and the reference passes it, see conformance.test.ts). */
import assert from 'node:assert/strict';
import { ethernetVariants } from '../variants/ethernet.js';
import { startTestServer } from '../helpers/server.js';
import { runSuiteAgainst, describeProblems } from '../helpers/conformance.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('ethernet broken variants are caught by the rule they break', function () {
  this.timeout(120_000);

  it('has the variants the brief asks for', () => {
    const names = ethernetVariants.map((v) => v.name);
    for (const name of ['ethernet-release-from-in-progress', 'ethernet-put-same-version', 'ethernet-list-leaks-other-buyer']) assert.ok(names.includes(name), name);
    assert.equal(new Set(names).size, names.length);
  });

  for (const variant of ethernetVariants) {
    it(`${variant.name}: fails ${variant.breaks}`, async () => {
      const server = await startTestServer({ variant: variant.name });
      try {
        const { results, byRule } = await runSuiteAgainst(server, ['ethernet'], { grep: new RegExp(`^(${escape(variant.breaks)}|ETH-RESPONSE-SCHEMA)$`) });
        const outcome = byRule.find((r) => r.rule.id === variant.breaks)?.outcome;
        assert.equal(outcome, 'fail', `${variant.description}: ${variant.breaks} was ${outcome}\n${describeProblems(results)}`);
        const crashed = results.filter((r) => /the check itself crashed/.test(r.message ?? ''));
        assert.deepEqual(crashed, [], 'a check crashed instead of judging');
      } finally {
        await server.stop();
      }
    });
  }
});
