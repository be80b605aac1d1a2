import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root.js';
import { rulesFile, ruleIndex } from './catalogue.js';
import { groupByRule, runChecks, type RuleOutcome, type RunOptions } from './runner.js';
import type { ApiName, CheckResult } from './types.js';
import { SUITES } from '../suites.js';

const ROOT = packageRoot(import.meta.url);

/** What a certification run needs: the runner's options, with the APIs in place of the suites and rules derived from them. */
export type CertifyOptions = Omit<RunOptions, 'suites' | 'rules'> & { apis: ApiName[] };

/** Everything a report needs: what was tested, with what, and how each rule came out. */
export interface CertificationRun {
  suite: { name: string; version: string };
  target: Partial<Record<ApiName, string>>;
  apis: ApiName[];
  startedAt: string;
  finishedAt: string;
  strict: boolean;
  testClock: boolean;
  grep?: string;
  /** SHA-256 of each API's spec and rule catalogue, so a certificate names exactly what it certifies against. */
  specHashes: Partial<Record<ApiName, { openapi: string; rules: string }>>;
  rules: RuleOutcome[];
  results: CheckResult[];
  certified: boolean;
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

export function suiteVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
}

export async function certify(options: CertifyOptions): Promise<CertificationRun> {
  const startedAt = new Date().toISOString();
  const rules = ruleIndex(options.apis);
  const results = await runChecks({ ...options, suites: options.apis.map((a) => SUITES[a]), rules });
  let byRule = groupByRule(rules, results, options.apis);
  if (options.grep) byRule = byRule.filter((r) => options.grep!.test(r.rule.id));
  return {
    suite: { name: 'ordercert', version: suiteVersion() },
    target: Object.fromEntries(options.apis.map((a) => [a, options.baseUrls[a]])),
    apis: options.apis,
    startedAt,
    finishedAt: new Date().toISOString(),
    strict: options.strict ?? false,
    testClock: !!options.clockUrl,
    grep: options.grep?.source,
    specHashes: Object.fromEntries(
      options.apis.map((a) => [a, { openapi: sha256(path.join(ROOT, 'specs', a, 'openapi.yaml')), rules: sha256(rulesFile(a)) }]),
    ),
    rules: byRule,
    results,
    certified: byRule.every((r) => r.outcome !== 'fail') && results.every((r) => r.outcome !== 'fail'),
  };
}
