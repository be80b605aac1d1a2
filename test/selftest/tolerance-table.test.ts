/**
 * The suite's fairness: every tolerance variant of the reference server (test/tolerance) makes one choice the
 * source documents allow, and the conformance suite must certify it (no rule fails; with --strict where the
 * choice touches no SHOULD rule). Prints the tolerance table beside the kill table. A check changed so that it
 * refuses an allowed choice turns this red.
 */
import assert from 'node:assert/strict';
import { ruleIndex } from '../../conformance/framework/catalogue.js';
import { DEFAULT_CLOCK_CONCURRENCY, groupByRule, runChecks, type RuleOutcome } from '../../conformance/framework/runner.js';
import { verdictOf, type Verdict } from '../../conformance/framework/certify.js';
import type { ApiName, CheckResult } from '../../conformance/framework/types.js';
import { SUITES } from '../../conformance/suites.js';
import { DEMO_CREDENTIALS, describeProblems, referenceProfile } from '../helpers/conformance.js';
import { startTestServer } from '../helpers/server.js';
import { toleranceVariants } from '../tolerance/index.js';
import type { ToleranceVariant } from '../tolerance/variant.js';
import { variants as killVariants } from '../variants/index.js';

/** Variants certified at once: each has its own server, and most of a run is waiting on the server. */
const AT_ONCE = 3;

interface Row {
  variant: ToleranceVariant;
  certified: boolean;
  /** The run's verdict (CERTIFIED needs every MUST rule judged or not applicable). */
  verdict: Verdict;
  unjudged: string[];
  failed: RuleOutcome[];
  warned: string[];
  skipped: number;
  results: CheckResult[];
  ms: number;
  output: string;
}

/**
 * Servers start one at a time (a start compiles the server, which is what loads the machine; the runs then
 * overlap), and a start that times out on a busy machine is tried again before it counts.
 */
let startGate: Promise<unknown> = Promise.resolve();
async function startOneAtATime(variant: string, attempts = 3) {
  const start = async () => {
    for (let i = 1; ; i++) {
      try {
        return await startTestServer({ variant });
      } catch (err) {
        if (i >= attempts) throw err;
      }
    }
  };
  const started = startGate.then(start, start);
  startGate = started.catch(() => undefined);
  return started;
}

/** Certifies one variant the way its vendor would: its base URLs, its profile, its --timeout, --strict where it applies. */
async function certifyVariant(variant: ToleranceVariant): Promise<Row> {
  const started = Date.now();
  const server = await startOneAtATime(variant.name);
  try {
    const mounts = Object.fromEntries(variant.server().map((m) => [m.name, server.url + m.mountPath]));
    const reference = referenceProfile();
    const profile = Object.fromEntries(
      Object.entries(reference).map(([api, section]) => [api, { ...(section as object), ...(variant.profile?.[api as ApiName] ?? {}) }]),
    );
    const rules = ruleIndex(variant.apis);
    const results = await runChecks({
      suites: variant.apis.map((a) => (variant.sweep ? SUITES[a] : { ...SUITES[a], checks: SUITES[a].checks.filter((c) => !c.id.startsWith('sweep-')) })),
      rules,
      baseUrls: mounts,
      tenants: DEMO_CREDENTIALS,
      profile,
      clockUrl: server.clockUrl,
      strict: variant.strict,
      grep: variant.grep,
      timeoutMs: variant.timeoutMs ?? 20_000,
      // As for a server on the vendor's machine (the helper's runSuiteAgainst says why it is given).
      concurrency: DEFAULT_CLOCK_CONCURRENCY,
    });
    const byRule = groupByRule(rules, results, variant.apis).filter((r) => !variant.grep || variant.grep.test(r.rule.id));
    const failed = byRule.filter((r) => r.outcome === 'fail');
    const { verdict, unjudged } = verdictOf(byRule);
    return {
      variant,
      verdict,
      unjudged: unjudged.map((u) => `${u.rule}: ${u.why.join('; ')}${u.how.length ? ` (to judge it: ${u.how.join('; ')})` : ''}`),
      certified: failed.length === 0 && results.every((r) => r.outcome !== 'fail'),
      failed,
      warned: byRule.filter((r) => r.outcome === 'warn').map((r) => r.rule.id),
      skipped: results.filter((r) => r.outcome === 'skip').length,
      results,
      ms: Date.now() - started,
      output: server.output(),
    };
  } finally {
    await server.stop();
  }
}

/** Runs `work` over `items`, at most `limit` at a time; each item's promise settles on its own. */
function pooled<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Map<T, Promise<R>> {
  const promises = new Map<T, Promise<R>>();
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = () => (running < limit ? (running++, Promise.resolve()) : new Promise<void>((r) => waiting.push(() => (running++, r()))));
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  for (const item of items) promises.set(item, slot().then(() => work(item)).finally(release));
  for (const p of promises.values()) p.catch(() => undefined); // each test awaits its own; none goes unhandled meanwhile
  return promises;
}

function printTable(rows: Row[]): void {
  const width = Math.max(...rows.map((r) => r.variant.name.length), 7);
  const choiceWidth = Math.min(70, Math.max(...rows.map((r) => r.variant.choice.length), 10));
  const clip = (s: string) => (s.length > choiceWidth ? s.slice(0, choiceWidth - 1) + '…' : s);
  const lines = [
    '',
    'tolerance table',
    `${'variant'.padEnd(width)}  ${'the choice'.padEnd(choiceWidth)}  ${'verdict'.padEnd(13)}  rules failed`,
    ...rows.map(
      (r) =>
        `${r.variant.name.padEnd(width)}  ${clip(r.variant.choice).padEnd(choiceWidth)}  ${(r.certified ? `${r.verdict === 'CERTIFIED' ? 'CERTIFIED' : 'certified'}${r.variant.strict ? ' -s' : ''}` : 'REFUSED').padEnd(13)}  ${
          r.failed.map((f) => f.rule.id).join(', ') || '-'
        }${r.warned.length ? `  (warned: ${r.warned.join(', ')})` : ''}`,
    ),
    `${rows.filter((r) => r.certified).length} of ${rows.length} allowed choices certified (-s: with --strict; CERTIFIED: every MUST rule judged or not applicable)`,
    // A choice certified because its checks did not run proves little: say which did not, and why.
    ...rows.flatMap((r) => r.results.filter((x) => x.outcome === 'skip').map((x) => `  not judged on ${r.variant.name}: ${x.check}: ${(x.message ?? '').slice(0, 160)}`)),
  ];
  console.log(lines.join('\n'));
}

const SUITE_TITLE = 'self-test: the suite certifies every allowed choice (tolerance table)';
const titleOf = (v: ToleranceVariant) => `${v.name}: ${v.fullyJudged ? 'CERTIFIED' : 'certified'}${v.strict ? ' with --strict' : ''} (${v.choice})`;

describe(SUITE_TITLE, function () {
  const rows: Row[] = [];
  let runs: Map<ToleranceVariant, Promise<Row>>;

  before(() => {
    // Under `mocha --grep`, only the variants whose tests are selected get a server.
    // mocha passes it on as `--grep X`, or as `--grep=X` when it runs the tests in a child process (--exit).
    const at = process.argv.findIndex((a) => a === '--grep' || a === '-g' || a.startsWith('--grep='));
    const grep = at < 0 ? undefined : new RegExp(process.argv[at].startsWith('--grep=') ? process.argv[at].slice('--grep='.length) : process.argv[at + 1]);
    const selected = toleranceVariants.filter((v) => !grep || grep.test(`${SUITE_TITLE} ${titleOf(v)}`));
    runs = pooled([...selected.filter((v) => v.waitsLong), ...selected.filter((v) => !v.waitsLong)], AT_ONCE, certifyVariant);
  });

  after(() => {
    if (rows.length) printTable(rows.sort((a, b) => toleranceVariants.indexOf(a.variant) - toleranceVariants.indexOf(b.variant)));
  });

  it('has the allowed choices the issues name, each a different variant, none shadowing a kill-table variant', () => {
    assert.ok(toleranceVariants.length >= 15, `only ${toleranceVariants.length} tolerance variants`);
    const names = toleranceVariants.map((v) => v.name);
    assert.equal(new Set(names).size, names.length, 'tolerance variant names must be unique');
    for (const v of killVariants) assert.ok(!names.includes(v.name), `${v.name} is both a broken and a tolerated variant`);
    for (const api of ['cart', 'activation', 'ethernet'] as const) assert.ok(toleranceVariants.some((v) => v.apis.includes(api)), `no ${api} tolerance variant`);
  });

  for (const variant of toleranceVariants) {
    it(titleOf(variant), async function () {
      // A row waits for its turn in the pool, then for its run: a loaded machine (or the 12 s worker row) takes minutes.
      this.timeout(1_500_000);
      const row = await runs.get(variant)!;
      rows.push(row);
      const crashed = row.results.filter((r) => /the check itself crashed/.test(r.message ?? '')).map((r) => `${r.check}: ${r.message}`);
      assert.deepEqual(crashed, [], 'a check crashed instead of judging');
      assert.ok(row.results.some((r) => r.outcome === 'pass'), 'no check passed: the variant was not judged at all');
      assert.ok(
        row.certified,
        `the suite refused an allowed choice (${variant.allowedBy}):\n${describeProblems(row.results.filter((r) => r.outcome === 'fail'))}\n--- server output ---\n${row.output.slice(-2000)}`,
      );
      if (variant.fullyJudged) assert.equal(row.verdict, 'CERTIFIED', `the run is ${row.verdict}; MUST rules not judged:\n${row.unjudged.join('\n')}`);
    });
  }
});
