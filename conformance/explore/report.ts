/** Console report of an exploration: the broken rule as certify reports it, and the shortest sequence as curl steps. */
import { excerpt } from '../framework/excerpt.js';
import { citation } from '../framework/catalogue.js';
import type { Exchange, Rule } from '../framework/types.js';
import type { TranscriptEntry } from './core.js';
import type { ExploreResult, Failure } from './engine.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
export const TENANT_VARS = ['ORDERCERT_TENANT_A', 'ORDERCERT_TENANT_B'] as const;

/** One request as a curl command; credentials only as the tenant's variable (USER:SECRET), never inline. */
export function curlFor(ex: Exchange, tenant: 0 | 1 | undefined): string {
  const parts = ['curl', '-sS', '-i', '-X', ex.method, quote(ex.url)];
  if (tenant !== undefined) parts.push('-u', `"$${TENANT_VARS[tenant]}"`);
  for (const [k, v] of Object.entries(ex.requestHeaders)) {
    if (k.toLowerCase() === 'authorization' || k.toLowerCase() === 'accept') continue;
    parts.push('-H', quote(`${k}: ${v}`));
  }
  if (ex.requestBody !== undefined) parts.push('--data-binary', quote(typeof ex.requestBody === 'string' ? ex.requestBody : JSON.stringify(ex.requestBody)));
  return parts.join(' ');
}

const clockCurl = (seconds: number) =>
  `curl -sS -X POST "$ORDERCERT_CLOCK_URL" -H 'Content-Type: application/json' --data-binary '{"advanceSeconds":${seconds}}'`;

/** The replay script: the steps in order, each with the requests it sent and what came back. */
export function replayScript(failure: Failure): string[] {
  const lines: string[] = [];
  failure.steps.forEach((label, i) => {
    lines.push(`  ${i + 1}. ${label}`);
    for (const entry of failure.transcript.filter((e: TranscriptEntry) => e.step === i)) {
      if (entry.advanceSeconds !== undefined) lines.push(`     ${clockCurl(entry.advanceSeconds)}`);
      if (entry.exchange) {
        lines.push(`     ${curlFor(entry.exchange, entry.tenant)}`);
        lines.push(`       -> ${entry.exchange.status} ${excerpt(entry.exchange.body, 160)}`);
      }
    }
  });
  return lines;
}

function describeFinding(failure: Failure, rules: Map<string, Rule>, outcome: 'FAIL' | 'WARN'): string[] {
  const { finding } = failure;
  const rule = rules.get(finding.rule);
  const lines = [`${outcome} ${finding.rule}${rule ? ` [${rule.level}]` : ''}`];
  if (rule) lines.push(`  source: ${citation(rule)}`);
  if (rule) {
    lines.push(`  "${rule.quote.replace(/\n/g, ' ')}"`);
    if (rule.translation) lines.push(`  in English: "${rule.translation}"`);
    if (rule.reading) lines.push(`  reading: ${rule.reading}`);
  }
  lines.push(`  ${finding.message}`);
  if (finding.detail.expected !== undefined) lines.push(`  expected: ${excerpt(finding.detail.expected, 500)}`);
  if (finding.detail.actual !== undefined) lines.push(`  actual:   ${excerpt(finding.detail.actual, 500)}`);
  return lines;
}

export interface ReportContext {
  rules: Map<string, Rule>;
  /** The command line that reruns the exploration (without --seed/--path), for the replay hint. */
  rerun: string;
}

export function exploreReport(result: ExploreResult, ctx: ReportContext): string {
  const rate = result.tried / Math.max(result.ms / 1000, 0.001);
  const lines = [`explore ${result.api}: ${result.tried} sequences in ${(result.ms / 1000).toFixed(1)} s (${rate.toFixed(1)}/s), seed ${result.seed}`];
  if (result.error) lines.push(`  NOT JUDGED: the exploration could not run: ${result.error.split('\n').slice(0, 3).join(' ')}`);
  if (result.failure) {
    const f = result.failure;
    lines.push(...describeFinding(f, ctx.rules, 'FAIL'));
    lines.push(`  shortest failing sequence (${f.steps.length} step${f.steps.length === 1 ? '' : 's'}, after ${f.shrinks} shrinks):`);
    lines.push(...replayScript(f));
    lines.push(`  rerun exactly this case: ${ctx.rerun} --seed ${result.seed} --path '${f.path}'`);
  }
  for (const w of result.warnings) {
    lines.push(...describeFinding(w, ctx.rules, 'WARN'));
    lines.push(`  the sequence that showed it (${w.steps.length} steps, not shrunk; --strict fails and shrinks it):`);
    lines.push(...replayScript(w));
  }
  if (!result.failure && !result.error) lines.push(`  no rule broken in ${result.tried} sequences${result.warnings.length ? ` (${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'})` : ''}`);
  return lines.join('\n');
}
