import Mocha from 'mocha';
import { makeContext, type Suite } from './check.js';
import { ClockControl } from './clock.js';
import { ApiClient, type Credentials } from './http.js';
import type { ApiName, CheckResult, Outcome, Rule } from './types.js';
import { NotRun, RuleViolation, show } from './violation.js';

export interface RunOptions {
  suites: Suite[];
  rules: Map<string, Rule>;
  baseUrls: Partial<Record<ApiName, string>>;
  /** Tenant A and tenant B. */
  tenants: [Credentials, Credentials];
  profile: Partial<Record<ApiName, Record<string, any>>>;
  clockUrl?: string;
  /** Allow checks that wait in real time when there is no clock control. */
  slow?: boolean;
  /** SHOULD rules fail instead of warn. */
  strict?: boolean;
  /** Only rules whose ID matches this regular expression. */
  grep?: RegExp;
  timeoutMs?: number;
  onResult?: (result: CheckResult, done: number, total: number) => void;
}

export interface RuleOutcome {
  rule: Rule;
  outcome: Outcome | 'untested';
  results: CheckResult[];
}

/** How a rule's checks add up: any fail fails it, else any warn warns, else any pass passes it. */
export function ruleOutcome(results: CheckResult[]): RuleOutcome['outcome'] {
  if (results.length === 0) return 'untested';
  for (const o of ['fail', 'warn', 'pass'] as const) if (results.some((r) => r.outcome === o)) return o;
  return 'skip';
}

export function groupByRule(rules: Map<string, Rule>, results: CheckResult[], apis: ApiName[]): RuleOutcome[] {
  return [...rules.values()]
    .filter((r) => apis.includes(r.api))
    .map((rule) => {
      const judged = results.filter((r) => r.rule === rule.id);
      // A check for this rule stopped by another rule's failure leaves this rule unjudged: say so, as a skip.
      const blocked = results
        .filter((r) => r.checkRule === rule.id && r.rule !== rule.id)
        .map((r): CheckResult => ({ ...r, rule: rule.id, outcome: 'skip', message: `not judged: ${r.rule} failed first (${r.message ?? 'see that rule'})` }));
      const mine = [...judged, ...blocked];
      return { rule, outcome: ruleOutcome(mine), results: mine };
    });
}

/**
 * Runs the selected checks with mocha as the driver: one mocha test per check, never bailing,
 * each with its own timeout. Returns one result per check, attributed to the rule it broke.
 */
export async function runChecks(options: RunOptions): Promise<CheckResult[]> {
  const mocha = new Mocha({ timeout: options.timeoutMs ?? 30_000, reporter: class {} as any, bail: false });
  const results: CheckResult[] = [];
  // Set once mocha has finished: a check that outlived its timeout must not add a late verdict.
  let finished = false;
  const clock = new ClockControl(options.clockUrl, options.slow ?? false);
  const selected = options.suites.flatMap((suite) =>
    suite.checks.filter((c) => !options.grep || options.grep.test(c.rule)).map((check) => ({ suite, check })),
  );
  const total = selected.length;
  for (const api of new Set(selected.map((s) => s.suite.api))) {
    const mochaSuite = Mocha.Suite.create(mocha.suite, api);
    for (const { suite, check } of selected.filter((s) => s.suite.api === api)) {
      const rule = options.rules.get(check.rule);
      if (!rule) throw new Error(`check ${api}/${check.id} names unknown rule ${check.rule}`);
      const baseUrl = options.baseUrls[api]!;
      const client = (creds?: Credentials) => new ApiClient(api, baseUrl, creds, suite.schemaRule, options.timeoutMs);
      const test = new Mocha.Test(`${check.rule} ${check.title}`, async () => {
        const notes: string[] = [];
        const started = Date.now();
        const record = (outcome: Outcome, extra: Partial<CheckResult> = {}) => {
          if (finished) return;
          const result: CheckResult = {
            check: `${api}/${check.id}`,
            api,
            rule: check.rule,
            title: check.title,
            outcome,
            durationMs: Date.now() - started,
            ...extra,
          };
          if (notes.length) result.message = [result.message, ...notes].filter(Boolean).join(' · ');
          results.push(result);
          options.onResult?.(result, results.length, total);
        };
        try {
          const t = makeContext(
            {
              rule,
              profile: options.profile[api] ?? {},
              alpha: client(options.tenants[0]),
              beta: client(options.tenants[1]),
              anonymous: client(undefined),
              clock,
            },
            notes,
          );
          await check.run(t);
          record('pass');
        } catch (err: any) {
          if (err instanceof NotRun) return record('skip', { message: `not run because ${err.message}` });
          if (err instanceof RuleViolation) {
            const broken = options.rules.get(err.detail.rule ?? check.rule) ?? rule;
            const soft = broken.level !== 'MUST' && !options.strict;
            return record(soft ? 'warn' : 'fail', {
              rule: broken.id,
              ...(broken.id !== check.rule ? { checkRule: check.rule } : {}),
              message: err.detail.rule && err.detail.rule !== check.rule ? `${err.message} (while checking ${check.rule})` : err.message,
              expected: err.detail.expected === undefined ? undefined : show(err.detail.expected),
              actual: err.detail.actual === undefined ? undefined : show(err.detail.actual),
              curl: err.detail.exchange?.curl,
            });
          }
          record('fail', { message: `the check itself crashed: ${err?.stack ?? err}` });
        }
      });
      if (check.timeoutMs) test.timeout(check.timeoutMs);
      mochaSuite.addTest(test);
    }
  }
  await new Promise<void>((resolve) => mocha.run(() => resolve()));
  finished = true;
  mocha.dispose(); // releases the process listeners mocha added, so many runs in one process do not pile them up
  // A check mocha timed out never reached record(): report it as failed, by its own rule.
  for (const { suite, check } of selected) {
    const id = `${suite.api}/${check.id}`;
    if (!results.some((r) => r.check === id)) {
      const result: CheckResult = {
        check: id,
        api: suite.api,
        rule: check.rule,
        title: check.title,
        outcome: 'fail',
        message: `no verdict within ${check.timeoutMs ?? options.timeoutMs ?? 30_000} ms (timed out)`,
        durationMs: check.timeoutMs ?? options.timeoutMs ?? 30_000,
      };
      results.push(result);
      options.onResult?.(result, results.length, total);
    }
  }
  return results;
}
