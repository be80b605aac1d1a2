/**
 * The suite's own strength: every broken variant of the reference server (test/variants) must make
 * the conformance suite fail, and name the rule the variant breaks. Prints the kill table.
 */
import assert from 'node:assert/strict';
import { variants } from '../variants/index.js';
import type { Variant } from '../variants/variant.js';
import { runSuiteAgainst } from '../helpers/conformance.js';
import { startTestServer } from '../helpers/server.js';

interface Row {
  variant: Variant;
  caught: boolean;
  failedRules: string[];
}

describe('self-test: the suite catches every broken variant by the rule it breaks', function () {
  const rows: Row[] = [];

  after(() => {
    if (!rows.length) return;
    const width = Math.max(...rows.map((r) => r.variant.name.length), 7);
    const ruleWidth = Math.max(...rows.map((r) => r.variant.breaks.length), 13);
    const lines = [
      '',
      'kill table',
      `${'variant'.padEnd(width)}  ${'expected rule'.padEnd(ruleWidth)}  caught  rules failed`,
      ...rows.map((r) => `${r.variant.name.padEnd(width)}  ${r.variant.breaks.padEnd(ruleWidth)}  ${(r.caught ? 'yes' : 'NO').padEnd(6)}  ${r.failedRules.join(', ')}`),
      `${rows.filter((r) => r.caught).length} of ${rows.length} variants caught`,
    ];
    console.log(lines.join('\n'));
  });

  it('has at least 20 variants across the three APIs, each breaking a different thing', () => {
    assert.ok(variants.length >= 20, `only ${variants.length} variants`);
    assert.equal(new Set(variants.map((v) => v.name)).size, variants.length, 'variant names must be unique');
    for (const api of ['cart', 'activation', 'ethernet']) assert.ok(variants.some((v) => v.api === api), `no ${api} variant`);
  });

  it('includes the variants the API issues keep, each expected to fail the rule it breaks', () => {
    const kept: Record<string, string> = {
      'cart-partial-confirm': 'CART-ORDER-ALL-OR-NOTHING',
      'act-since-inclusive': 'ACT-FEED-SINCE-EXCLUSIVE',
      'act-feed-projection': 'ACT-FEED-NOT-PROJECTION',
      'act-feed-by-event-id': 'ACT-FEED-ASCENDING',
      'ethernet-release-from-in-progress': 'ETH-RELEASE-ONLY-HELD',
      'ethernet-put-same-version': 'ETH-PUT-NEW-VERSION',
      'ethernet-list-leaks-other-buyer': 'ETH-LIST-BY-BUYER',
    };
    for (const [name, rule] of Object.entries(kept)) assert.equal(variants.find((v) => v.name === name)?.breaks, rule, name);
  });

  for (const variant of variants) {
    it(`${variant.name}: fails ${variant.breaks}`, async () => {
      const server = await startTestServer({ variant: variant.name });
      try {
        const { byRule, results } = await runSuiteAgainst(server, [variant.api]);
        const crashed = results.filter((r) => /the check itself crashed/.test(r.message ?? '')).map((r) => `${r.check}: ${r.message}`);
        assert.deepEqual(crashed, [], 'a check crashed instead of judging');
        const failedRules = byRule.filter((r) => r.outcome === 'fail').map((r) => r.rule.id);
        const caught = failedRules.includes(variant.breaks);
        rows.push({ variant, caught, failedRules });
        assert.ok(caught, `${variant.description}: expected ${variant.breaks} to fail; failed: ${failedRules.join(', ') || 'none'}`);
      } finally {
        await server.stop();
      }
    });
  }
});
