import assert from 'node:assert/strict';
import { loadRules } from '../../conformance/framework/catalogue.js';
import { describeProblems, runSuiteAgainst } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { cartVariants } from '../variants/cart.js';

describe('cart: the suite catches every broken variant by the rule it breaks', function () {
  this.timeout(120_000);

  it('has the required variants, each breaking a catalogued rule', () => {
    const ids = new Set(loadRules('cart').map((r) => r.id));
    assert.ok(cartVariants.length >= 7, `only ${cartVariants.length} variants`);
    for (const v of cartVariants) assert.ok(ids.has(v.breaks), `${v.name} breaks unknown rule ${v.breaks}`);
    assert.ok(cartVariants.some((v) => v.name === 'cart-partial-confirm' && v.breaks === 'CART-ORDER-ALL-OR-NOTHING'));
  });

  for (const variant of cartVariants) {
    it(`${variant.name}: fails ${variant.breaks}`, async () => {
      let server: TestServer | undefined;
      try {
        server = await startTestServer({ variant: variant.name });
        const escaped = variant.breaks.replace(/[-]/g, '\\-');
        const { results, byRule } = await runSuiteAgainst(server, ['cart'], { grep: new RegExp(`^${escaped}$`) });
        const outcome = byRule.find((r) => r.rule.id === variant.breaks)?.outcome;
        assert.equal(outcome, 'fail', `${variant.description}\n${describeProblems(results) || 'every check passed'}`);
      } finally {
        await server?.stop();
      }
    });
  }
});
