import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root.js';
import { rulesFile, ruleIndex } from './catalogue.js';
import type { Overlap } from './overlap.js';
import { groupByRule, runChecks, type RuleOutcome, type RunOptions } from './runner.js';
import type { ApiName, CheckResult, Level } from './types.js';
import { capabilitiesOf, capabilityReport, resolveCapabilities, type CapabilityReport } from './capabilities.js';
import { clockUrlOf } from './clock.js';

const ROOT = packageRoot(import.meta.url);

/** What a certification run needs: the runner's options with the suites to run (the caller's choice); the rules come from their APIs' catalogues. */
export type CertifyOptions = Omit<RunOptions, 'rules'>;

/**
 * CERTIFIED: every selected MUST rule was judged and none failed (nor, with --strict, any SHOULD rule).
 * NOT CERTIFIED: a rule failed. INCOMPLETE: nothing failed, but some MUST rules were not judged.
 */
export type Verdict = 'CERTIFIED' | 'NOT CERTIFIED' | 'INCOMPLETE' | 'SUITE ERROR';
/** SUITE ERROR: the suite itself broke down during the run (never a verdict on the server); see `suiteError`. */
export const EXIT_CODES: Record<Verdict, number> = { CERTIFIED: 0, 'NOT CERTIFIED': 1, INCOMPLETE: 3, 'SUITE ERROR': 4 };

/** A MUST rule the run could not judge: why, and what would let the next run judge it. */
export interface Unjudged {
  rule: string;
  level: Level;
  why: string[];
  how: string[];
}

export interface Coverage {
  /** Rules selected for the run (all of the APIs', or those --grep/--exclude leave), less those not applicable. */
  rules: number;
  /** Rules with a pass, warn or fail. */
  judged: number;
  mustRules: number;
  mustJudged: number;
  /** Rules that apply only to capabilities the profile declares absent: neither judged nor unjudged. */
  notApplicable: number;
}

/** Everything a report needs: what was tested, with what, and how each rule came out. */
export interface CertificationRun {
  suite: { name: string; version: string };
  target: Partial<Record<ApiName, string>>;
  apis: ApiName[];
  startedAt: string;
  finishedAt: string;
  strict: boolean;
  testClock: boolean;
  slow: boolean;
  grep?: string;
  exclude?: string;
  /** SHA-256 of each API's spec and rule catalogue, so a certificate names exactly what it certifies against. */
  specHashes: Partial<Record<ApiName, { openapi: string; rules: string }>>;
  rules: RuleOutcome[];
  results: CheckResult[];
  verdict: Verdict;
  coverage: Coverage;
  unjudged: Unjudged[];
  /** Each optional capability: declared or derived, and how its checks came out (certified, absent, ...). */
  capabilities: CapabilityReport[];
  /** Same as verdict === 'CERTIFIED'. */
  certified: boolean;
  /** Set when the suite broke down mid-run (verdict SUITE ERROR): what went wrong; the results are those it had. */
  suiteError?: string;
  /** How many checks of each API overlapped, and why that many (overlap.ts). */
  overlap?: Overlap;
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

export function suiteVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
}

const judged = (r: RuleOutcome) => r.outcome === 'pass' || r.outcome === 'fail' || r.outcome === 'warn';
const applicable = (r: RuleOutcome) => r.outcome !== 'n/a';
const unique = (xs: Array<string | undefined>) => [...new Set(xs.filter((x): x is string => !!x))];

/** Why a rule was not judged and how to judge it, from its checks' results. */
function unjudgedRule(r: RuleOutcome): Unjudged {
  const why = unique(r.results.map((x) => x.message));
  const how = unique(
    r.results.map((x) =>
      x.remedy ?? (x.suiteError ? 'none on your side: a bug of the suite (please report it)' : /failed first/.test(x.message ?? '') ? 'make the rule that failed first pass' : undefined),
    ),
  );
  return { rule: r.rule.id, level: r.rule.level, why: why.length ? why : ['no check of the suite judges it'], how };
}

/** The verdict, coverage and unjudged MUST rules of a run's rule outcomes. */
export function verdictOf(byRule: RuleOutcome[]): { verdict: Verdict; coverage: Coverage; unjudged: Unjudged[] } {
  const must = byRule.filter((r) => r.rule.level === 'MUST');
  const coverage: Coverage = {
    rules: byRule.filter(applicable).length,
    judged: byRule.filter(judged).length,
    mustRules: must.filter(applicable).length,
    mustJudged: must.filter(judged).length,
    notApplicable: byRule.filter((r) => !applicable(r)).length,
  };
  const unjudged = must.filter((r) => !judged(r) && applicable(r)).map(unjudgedRule);
  const verdict: Verdict = byRule.some((r) => r.outcome === 'fail') ? 'NOT CERTIFIED' : unjudged.length ? 'INCOMPLETE' : 'CERTIFIED';
  return { verdict, coverage, unjudged };
}

/** Runs the given suites and judges the run; the framework knows no API of its own. */
export async function certifySuites(options: CertifyOptions): Promise<CertificationRun> {
  const startedAt = new Date().toISOString();
  const apis = options.suites.map((s) => s.api);
  let overlap: Overlap | undefined;
  const onOverlap = (chosen: Overlap) => {
    overlap = chosen;
    options.onOverlap?.(chosen);
  };
  const results = await runChecks({ ...options, rules: ruleIndex(apis), onOverlap });
  return { ...summarize(options, results, startedAt), ...(overlap ? { overlap } : {}) };
}

/**
 * The run from its check results. With `suiteError` (the suite broke down mid-run), the results are the ones it
 * had and the verdict is SUITE ERROR whatever they say.
 */
export function summarize(options: CertifyOptions, results: CheckResult[], startedAt: string, suiteError?: string): CertificationRun {
  const apis = options.suites.map((s) => s.api);
  const rules = ruleIndex(apis);
  const selected = (id: string) => (!options.grep || options.grep.test(id)) && !options.exclude?.test(id);
  // A rule outside the selection still shows when a selected check broke it (the response schema, say).
  const brokenOnTheWay = new Set(results.filter((r) => r.outcome === 'fail' || r.outcome === 'warn').map((r) => r.rule));
  const byRule = groupByRule(rules, results, apis).filter((r) => selected(r.rule.id) || brokenOnTheWay.has(r.rule.id));
  const judgement = verdictOf(byRule);
  const known = capabilitiesOf(options.suites);
  const { coverage, unjudged } = judgement;
  const verdict: Verdict = suiteError ? 'SUITE ERROR' : judgement.verdict;
  return {
    suite: { name: 'ordercert', version: suiteVersion() },
    target: Object.fromEntries(apis.map((a) => [a, options.baseUrls[a]])),
    apis,
    startedAt,
    finishedAt: new Date().toISOString(),
    strict: options.strict ?? false,
    testClock: apis.some((api) => !!clockUrlOf(options, api)),
    slow: options.slow ?? false,
    grep: options.grep?.source,
    exclude: options.exclude?.source,
    specHashes: Object.fromEntries(
      apis.map((a) => [a, { openapi: sha256(path.join(ROOT, 'specs', a, 'openapi.yaml')), rules: sha256(rulesFile(a)) }]),
    ),
    rules: byRule,
    results,
    verdict,
    coverage,
    unjudged,
    capabilities: capabilityReport(known, resolveCapabilities(known, options.profile, options), results, apis),
    certified: verdict === 'CERTIFIED',
    ...(suiteError ? { suiteError } : {}),
  };
}
