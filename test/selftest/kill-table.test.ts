/**
 * The suite's own strength: every broken variant of the reference server (test/variants) must make the
 * conformance suite name the rule it breaks, in the vendor's default mode (not strict): a MUST rule fails, a
 * SHOULD rule warns (the default mode's verdict on a SHOULD rule; --strict turns it into a failure). Each server
 * gets the restart hook, so persistence rules are judged. A variant the default mode misses is run again with
 * --strict, and the table says which mode caught it. Variants run two at a time to keep the run short.
 */
import assert from 'node:assert/strict';
import { variants } from '../variants/index.js';
import type { Variant } from '../variants/variant.js';
import type { Check } from '../../conformance/framework/check.js';
import { runSuiteAgainst } from '../helpers/conformance.js';
import { startTestServer } from '../helpers/server.js';

type Caught = 'fail' | 'warn' | 'strict only' | 'NO';

interface Row {
  variant: Variant;
  caught: Caught;
  failedRules: string[];
  crashed: string[];
  /** For a variant the default mode missed: how each check of its named rules ended, and why. */
  namedChecks: string[];
  seconds: number;
}

const AT_ONCE = 2;

/**
 * The checks a variant is judged by, to keep the table's time bounded: a `sweep-*` variant (a bug only the behaviour
 * model's sweep reaches) by its API's sweep cases, a `fresh-*` variant (a kind of bug written to measure the suite,
 * not to be caught by a given check) by every check as a vendor's run has them, every other variant by the
 * hand-written checks it was written against. A vendor's run has both, so a variant caught here is caught there,
 * by the same rule.
 */
const checksFor = (variant: Variant) =>
  variant.name.startsWith('fresh-') ? () => true : variant.name.startsWith('sweep-') ? (c: Check) => c.id.startsWith('sweep-') : (c: Check) => !c.id.startsWith('sweep-');
/** KILL_TABLE_ONLY=<regular expression>: judge only the variants whose name matches (when working on a few). */
const only = process.env.KILL_TABLE_ONLY ? new RegExp(process.env.KILL_TABLE_ONLY) : undefined;
const judged = variants.filter((v) => !only || only.test(v.name));

async function judge(variant: Variant): Promise<Row> {
  const started = Date.now();
  const named = [variant.breaks, ...(variant.alsoBreaks ?? [])];
  const run = async (strict: boolean) => {
    const start = () => startTestServer({ variant: variant.name, restartHook: true, backend: variant.backend });
    // A server that did not come up on a loaded machine says nothing about the suite: it gets one more start.
    const server = await start().catch((err) => (/did not start/.test(String(err?.message)) ? start() : Promise.reject(err)));
    try {
      const { byRule, results } = await runSuiteAgainst(server, [variant.api], { strict, grep: variant.grep, checks: checksFor(variant) });
      return {
        byRule,
        // The checks written for the rule, and any that did not pass (a sweep case is filed under the rule it was
        // written for, and a finding on its way names its own).
        namedChecks: results
          .filter((r) => named.includes(r.checkRule ?? r.rule) || r.outcome === 'fail' || r.outcome === 'warn' || r.outcome === 'skip')
          .map((r) => `${r.outcome} ${r.check} (${r.durationMs} ms)${r.message ? `: ${r.message}` : ''}`),
        crashed: results.filter((r) => /the check itself crashed/.test(r.message ?? '')).map((r) => `${r.check}: ${r.message}`),
      };
    } finally {
      await server.stop();
    }
  };
  const { byRule, crashed, namedChecks } = await run(false);
  const outcomes = byRule.filter((r) => named.includes(r.rule.id)).map((r) => r.outcome);
  const outcome = outcomes.includes('fail') ? 'fail' : outcomes.includes('warn') ? 'warn' : undefined;
  const failedRules = byRule.filter((r) => r.outcome === 'fail' || r.outcome === 'warn').map((r) => `${r.rule.id}${r.outcome === 'warn' ? ' (warn)' : ''}`);
  let caught: Caught = outcome === 'fail' ? 'fail' : outcome === 'warn' ? 'warn' : 'NO';
  if (caught === 'NO') {
    const strict = await run(true);
    if (strict.byRule.some((r) => named.includes(r.rule.id) && r.outcome === 'fail')) caught = 'strict only';
  }
  return { variant, caught, failedRules, crashed, namedChecks: caught === 'fail' || caught === 'warn' ? [] : namedChecks, seconds: Math.round((Date.now() - started) / 1000) };
}

describe('self-test: the suite names the rule each broken variant breaks, in the default mode', function () {
  const rows = new Map<string, Promise<Row>>();
  const settled: Row[] = [];

  /** Starts every variant's run up front, AT_ONCE at a time; each test awaits its own. */
  before(() => {
    const queue = [...judged];
    const slots = Array.from({ length: AT_ONCE }, () => Promise.resolve());
    const gates = new Map<string, (row: Promise<Row>) => void>();
    for (const variant of judged) {
      const row = new Promise<Row>((resolve, reject) => gates.set(variant.name, (p) => p.then(resolve, reject)));
      row.catch(() => undefined); // awaited (and reported) by the variant's own test
      rows.set(variant.name, row);
    }
    slots.forEach((slot, i) => {
      slots[i] = (async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const row = judge(next);
          gates.get(next.name)!(row);
          await row.then((r) => settled.push(r), () => undefined);
        }
      })();
    });
  });

  after(() => {
    if (!settled.length) return;
    const width = Math.max(...settled.map((r) => r.variant.name.length), 7);
    const ruleWidth = Math.max(...settled.map((r) => r.variant.breaks.length), 13);
    const lines = [
      '',
      'kill table (default mode; "warn": a SHOULD rule the default mode reports as a warning; "strict only": caught with --strict alone)',
      `${'variant'.padEnd(width)}  ${'expected rule'.padEnd(ruleWidth)}  ${'caught'.padEnd(11)}  seconds  rules failed or warned`,
      ...settled.map((r) => `${r.variant.name.padEnd(width)}  ${r.variant.breaks.padEnd(ruleWidth)}  ${r.caught.padEnd(11)}  ${String(r.seconds).padStart(7)}  ${r.failedRules.join(', ')}`),
      `${settled.filter((r) => r.caught === 'fail' || r.caught === 'warn').length} of ${settled.length} variants caught in the default mode (${settled.filter((r) => r.caught === 'fail').length} failed, ${settled.filter((r) => r.caught === 'warn').length} warned), ${settled.filter((r) => r.caught === 'strict only').length} only with --strict`,
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

  for (const variant of judged) {
    it(`${variant.name}: ${variant.breaks} named in the default mode`, async function () {
      this.timeout(20 * 60_000);
      const row = await rows.get(variant.name)!;
      assert.deepEqual(row.crashed, [], 'a check crashed instead of judging');
      // assert.fail, not assert.ok: mocha shortens a message with a diff at its first ": expected".
      if (row.caught !== 'fail' && row.caught !== 'warn') {
        const named = [variant.breaks, ...(variant.alsoBreaks ?? [])].join(', ');
        assert.fail(
          `${variant.description}. ${variant.breaks} should fail (or, a SHOULD rule, warn) in the default mode; caught: ${row.caught}; rules failed: ${row.failedRules.join(', ') || 'none'}. How the checks of ${named}, and those that did not pass, ended in the default run:\n${row.namedChecks.join('\n')}`,
        );
      }
    });
  }
});
