/** Runs the conformance suite, over HTTP, against a test server started by test/helpers/server.ts. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ruleIndex } from '../../conformance/framework/catalogue.js';
import { loadProfile } from '../../conformance/framework/profile.js';
import type { Check } from '../../conformance/framework/check.js';
import { DEFAULT_CLOCK_CONCURRENCY, groupByRule, runChecks } from '../../conformance/framework/runner.js';
import type { ApiName, CheckResult } from '../../conformance/framework/types.js';
import { SUITES } from '../../conformance/suites.js';
import { DEMO_TENANTS } from '../../src/shared/config.js';
import { startTestServer, type Backend, type TestServer } from './server.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export const REFERENCE_PROFILE = path.join(ROOT, 'conformance/profiles/reference.yaml');
export const referenceProfile = () => loadProfile([REFERENCE_PROFILE]);

/**
 * The reference profile without its capabilities section (each capability derived from the test data), written to
 * `file`: for broken variants that confirm every order at once, whose preflight would stop a declared asynchronous
 * confirmation (exit 2) before the rule the variant breaks is judged.
 */
export function writeUndeclaredProfile(file: string): string {
  const { capabilities: _declared, ...profile } = referenceProfile() as Record<string, unknown>;
  fs.writeFileSync(file, JSON.stringify(profile, null, 2));
  return file;
}

/** The reference server's two demo tenants, as the suite's tenant A and tenant B. */
export const DEMO_CREDENTIALS: [(typeof DEMO_TENANTS)[number], (typeof DEMO_TENANTS)[number]] = [DEMO_TENANTS[0], DEMO_TENANTS[1]];

export interface SuiteRunOptions {
  grep?: RegExp;
  strict?: boolean;
  /** Where the suite sends each API's requests instead of the server's own base URLs (e.g. a proxy in front). */
  baseUrls?: Partial<TestServer['apis']>;
  /** Profile keys laid over the reference profile, per API (a vendor's own test data). */
  profile?: Partial<Record<ApiName, Record<string, unknown>>>;
  /** A check's budget (default 20 s). */
  timeoutMs?: number;
  /** Sees each result as it comes. */
  onResult?: (result: CheckResult) => void;
  /** Only the checks this keeps (default every check of each API). */
  checks?: (check: Check) => boolean;
}

/** The profile with each API's section overridden key by key; a key set to undefined is removed. */
function withOverrides(profile: Record<string, any>, overrides: SuiteRunOptions['profile'] = {}) {
  const out: Record<string, any> = { ...profile };
  for (const [api, keys] of Object.entries(overrides)) {
    const section: Record<string, unknown> = { ...out[api], ...keys };
    for (const [k, v] of Object.entries(section)) if (v === undefined) delete section[k];
    out[api] = section;
  }
  return out;
}

export async function runSuiteAgainst(server: TestServer, apis: ApiName[], options: SuiteRunOptions = {}) {
  const rules = ruleIndex(apis);
  const results: CheckResult[] = await runChecks({
    suites: apis.map((a) => (options.checks ? { ...SUITES[a], checks: SUITES[a].checks.filter(options.checks) } : SUITES[a])),
    rules,
    baseUrls: { ...server.apis, ...options.baseUrls },
    tenants: DEMO_CREDENTIALS,
    profile: withOverrides(referenceProfile(), options.profile),
    clockUrl: server.clockUrl,
    restart: server.restartUrl ? { url: server.restartUrl } : undefined,
    strict: options.strict ?? true,
    grep: options.grep,
    timeoutMs: options.timeoutMs ?? 20_000,
    // The overlap a vendor's run takes for a server on its machine: reading the distance here, with other runs
    // busy in this process, could take a loaded loopback for a network.
    concurrency: DEFAULT_CLOCK_CONCURRENCY,
    onResult: options.onResult,
  });
  return { results, byRule: groupByRule(rules, results, apis) };
}

/** One line per failed or skipped check, for assertion messages. */
export const describeProblems = (results: CheckResult[]) =>
  results
    .filter((r) => r.outcome !== 'pass')
    .map((r) => `${r.outcome.toUpperCase()} ${r.rule} ${r.check}: ${r.message ?? ''}${r.expected ? `\n    expected: ${r.expected}\n    actual:   ${r.actual}` : ''}${r.differences?.length ? `\n    differs: ${r.differences.join('; ')}` : ''}`)
    .join('\n');

/**
 * The API's whole suite against the reference server, on SQLite and on PostgreSQL: every check and every rule
 * passes, and passes again on the same server (checks do not depend on a fresh database).
 */
export function describeReferenceConformance(api: ApiName): void {
  for (const backend of ['sqlite', 'postgres'] as Backend[]) {
    describe(`${api}: conformance suite against the reference server (${backend})`, function () {
      this.timeout(180_000);
      let server: TestServer;
      before(async () => {
        server = await startTestServer({ backend, restartHook: true });
      });
      after(async () => {
        await server?.stop();
      });

      it('passes every check and every rule of the catalogue', async () => {
        const started = Date.now();
        const { results, byRule } = await runSuiteAgainst(server, [api]);
        assert.ok(results.length >= byRule.length, `only ${results.length} checks for ${byRule.length} rules`);
        assert.deepEqual(describeProblems(results), '', `--- server output ---\n${server.output().slice(-3000)}`);
        assert.deepEqual(byRule.filter((r) => r.outcome !== 'pass').map((r) => `${r.rule.id}: ${r.outcome}`), []);
        console.log(`      ${results.length} checks, ${byRule.length} rules, ${Date.now() - started} ms`);
      });

      it('passes again on the same server', async () => {
        const { results } = await runSuiteAgainst(server, [api]);
        assert.deepEqual(describeProblems(results), '');
      });
    });
  }
}
