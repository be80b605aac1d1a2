/**
 * `ordercert explore` with fixed seeds and small budgets: it certifies the reference server, and it catches
 * each sequence-only variant (test/variants/sequence.ts), which no hand-written check does, shrinking it to a
 * handful of steps printed as curl commands with the seed and path that rerun it.
 */
import assert from 'node:assert/strict';
import type { ApiName } from '../../conformance/framework/types.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sequenceVariants } from '../variants/sequence.js';
import { exploreAgainst } from './helpers.js';

describe('explore against the reference server', function () {
  this.timeout(120_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });
  for (const api of ['cart', 'activation', 'ethernet'] as ApiName[]) {
    it(`${api}: no rule broken in 25 sequences (seed 7)`, async () => {
      const run = await exploreAgainst(server, api, ['--runs', '25', '--seed', '7']);
      assert.equal(run.code, 0, run.report);
      assert.equal(run.results[0].tried, 25);
      assert.match(run.report, /no rule broken in 25 sequences/);
    });
  }
});

/**
 * Fixed seeds, so the test is repeatable; the run stops at the first failure (measured: after about 610, 25 and 90
 * sequences), the budget is a bound. Timing (an order finishing on its own) can change a run a little, hence
 * the bound on the shrunk length is a little loose.
 */
const BUDGETS: Record<string, string[]> = {
  'seq-cart-join-after-read-missing': ['--seed', '1', '--runs', '800'],
  'seq-act-in-progress-per-operation': ['--seed', '2', '--runs', '300'],
  'seq-eth-patch-on-first-version': ['--seed', '2', '--runs', '300'],
};
const MAX_STEPS = 8;

describe('explore catches every sequence-only variant by the rule it breaks', function () {
  this.timeout(180_000);
  it('has a budget for each of the (at least three) sequence-only variants', () => {
    assert.ok(sequenceVariants.length >= 3);
    assert.deepEqual(sequenceVariants.map((v) => v.name).sort(), Object.keys(BUDGETS).sort());
  });
  for (const variant of sequenceVariants) {
    it(`${variant.name}: fails ${variant.breaks}, shrunk to at most ${MAX_STEPS} steps`, async () => {
      const server = await startTestServer({ variant: variant.name });
      try {
        const run = await exploreAgainst(server, variant.api, BUDGETS[variant.name]);
        console.log(run.report.split('\n').map((l) => `      ${l.slice(0, 220)}`).join('\n'));
        const failure = run.results[0].failure;
        assert.equal(run.code, 1, run.report);
        assert.ok([variant.breaks, ...(variant.alsoBreaks ?? [])].includes(failure?.finding.rule ?? ''), run.report);
        assert.ok(failure!.steps.length <= MAX_STEPS, `shrunk to ${failure!.steps.length} steps`);
        assert.match(run.report, /curl -sS -i -X \w+ '.*' -u "\$ORDERCERT_TENANT_[AB]"/);
        assert.doesNotMatch(run.report, /\$USER|alpha-secret/);
        // The rule's public source, as certify cites it, not the local copy the quote is checked against.
        assert.match(run.report, /  source: .+: https?:\/\//);
        assert.doesNotMatch(run.report, /\.txt\)|reference\/[a-z-]+\.md/);
        assert.match(run.report, new RegExp(`--seed ${run.results[0].seed} --path '[^']+'`));
      } finally {
        await server.stop();
      }
    });
  }
});
