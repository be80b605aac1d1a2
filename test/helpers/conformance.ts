/** Runs the conformance suite, over HTTP, against a test server started by test/helpers/server.ts. */
import path from 'node:path';
import { ruleIndex } from '../../conformance/framework/catalogue.js';
import { loadProfile } from '../../conformance/framework/profile.js';
import { groupByRule, runChecks } from '../../conformance/framework/runner.js';
import type { ApiName, CheckResult } from '../../conformance/framework/types.js';
import { SUITES } from '../../conformance/suites.js';
import type { TestServer } from './server.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export const REFERENCE_PROFILE = path.join(ROOT, 'conformance/profiles/reference.yaml');
export const referenceProfile = () => loadProfile([REFERENCE_PROFILE]);

export async function runSuiteAgainst(server: TestServer, apis: ApiName[], options: { grep?: RegExp; strict?: boolean } = {}) {
  const rules = ruleIndex(apis);
  const results: CheckResult[] = await runChecks({
    suites: apis.map((a) => SUITES[a]),
    rules,
    baseUrls: server.apis,
    tenants: [
      { user: 'alpha', secret: 'alpha-secret' },
      { user: 'beta', secret: 'beta-secret' },
    ],
    profile: referenceProfile(),
    clockUrl: server.clockUrl,
    strict: options.strict ?? true,
    grep: options.grep,
    timeoutMs: 20_000,
  });
  return { results, byRule: groupByRule(rules, results, apis) };
}

/** One line per failed or skipped check, for assertion messages. */
export const describeProblems = (results: CheckResult[]) =>
  results
    .filter((r) => r.outcome !== 'pass')
    .map((r) => `${r.outcome.toUpperCase()} ${r.rule} ${r.check}: ${r.message ?? ''}${r.expected ? `\n    expected: ${r.expected}\n    actual:   ${r.actual}` : ''}`)
    .join('\n');
