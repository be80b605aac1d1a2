/** The activation suite catches each broken variant by the rule it breaks. */
import assert from 'node:assert/strict';
import { describeProblems, runSuiteAgainst } from '../helpers/conformance.js';
import { startTestServer } from '../helpers/server.js';
import { activationVariants } from '../variants/activation.js';

describe('activation: every broken variant is caught by its rule', function () {
  this.timeout(120_000);

  it('has at least seven variants, each breaking a rule of the catalogue', () => {
    assert.ok(activationVariants.length >= 7);
  });

  for (const v of activationVariants) {
    it(`${v.name}: ${v.breaks} fails`, async () => {
      const server = await startTestServer({ variant: v.name });
      try {
        const escaped = v.breaks.replace(/[-]/g, '\\-');
        const { results, byRule } = await runSuiteAgainst(server, ['activation'], { grep: new RegExp(`^${escaped}$`) });
        const outcome = byRule.find((r) => r.rule.id === v.breaks)?.outcome;
        assert.equal(outcome, 'fail', `${v.name} was not caught by ${v.breaks}:\n${describeProblems(results)}`);
      } finally {
        await server.stop();
      }
    });
  }
});
