import { citation } from '../framework/catalogue.js';
import type { CertificationRun } from '../framework/certify.js';

const MARK = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP', 'n/a': 'N/A ', untested: 'NONE' } as const;

/** The capabilities lines: those certified, declared absent, and any offered but failed or not judged. */
export function capabilityLines(run: CertificationRun): string[] {
  const named = (outcome: string) => run.capabilities.filter((c) => c.outcome === outcome).map((c) => c.name);
  const line = (label: string, names: string[]) => (names.length ? [`capabilities ${label}: ${names.join(', ')}`] : []);
  return [
    ...line('certified', named('certified')),
    ...line('declared absent (their rules not applicable)', named('absent')),
    ...line('offered but failed', named('failed')),
    ...line('offered but not judged', named('not judged')),
  ];
}

/**
 * The console report: results grouped by API, then by rule; a failure with the rule's quote, reading and public
 * source, the differing members, and a script that replays the check's whole exchange.
 */
export function consoleReport(run: CertificationRun, color = false): string {
  const paint = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const tint = { pass: 32, fail: 31, warn: 33, skip: 90, 'n/a': 90, untested: 90 } as const;
  const lines: string[] = [];
  for (const api of run.apis) {
    lines.push('', `${api} — ${run.target[api]}`);
    for (const { rule, outcome, results } of run.rules.filter((r) => r.rule.api === api)) {
      const counts = results.length === 1 ? '1 check' : `${results.length} checks`;
      lines.push(`  ${paint(tint[outcome], MARK[outcome])} ${rule.id} [${rule.level}] (${counts})`);
      for (const r of results.filter((x) => x.outcome !== 'pass')) {
        lines.push(`       ${r.outcome}: ${r.title}`);
        if (r.outcome === 'fail' || r.outcome === 'warn') {
          lines.push(`         rule: "${rule.quote}"`);
          if (rule.translation) lines.push(`         in English: "${rule.translation}"`);
          if (rule.reading) lines.push(`         read as: ${rule.reading}`);
          lines.push(`         source: ${citation(rule)}`);
        }
        if (r.message) lines.push(`         ${r.message}`);
        if (r.differences?.length) {
          lines.push('         differs (expected -> actual):');
          for (const d of r.differences) lines.push(`           ${d}`);
        }
        if (r.expected !== undefined) lines.push(`         expected: ${r.expected}`);
        if (r.actual !== undefined) lines.push(`         actual:   ${r.actual}`);
        if ((r.outcome === 'fail' || r.outcome === 'warn') && r.replay) {
          lines.push(`         replay (${r.transcript?.length ?? 0} requests, in order; ordercert replay REPORT ${r.check} sends them again):`);
          for (const line of r.replay.trimEnd().split('\n')) lines.push(`           ${line}`);
        } else if (r.curl) lines.push(`         reproduce: ${r.curl}`);
      }
    }
  }
  const tally = (o: string) => run.rules.filter((r) => r.outcome === o).length;
  const checks = (o: string) => run.results.filter((r) => r.outcome === o).length;
  lines.push(
    '',
    `rules: ${tally('pass')} pass, ${tally('fail')} fail, ${tally('warn')} warn, ${tally('skip')} skip${tally('n/a') ? `, ${tally('n/a')} not applicable` : ''}${tally('untested') ? `, ${tally('untested')} without checks` : ''}`,
    `checks: ${checks('pass')} passed, ${checks('fail')} failed, ${checks('warn')} warned, ${checks('skip')} not run${checks('n/a') ? `, ${checks('n/a')} not applicable` : ''}`,
  );
  const { coverage } = run;
  lines.push(
    `coverage: ${coverage.judged} of ${coverage.rules} rules judged (MUST: ${coverage.mustJudged} of ${coverage.mustRules})${coverage.notApplicable ? `; ${coverage.notApplicable} not applicable` : ''}`,
  );
  lines.push(...capabilityLines(run));
  if (run.verdict === 'CERTIFIED') {
    lines.push(paint(32, 'CERTIFIED: every MUST rule was judged and none failed' + (run.strict ? '; no SHOULD rule failed (strict)' : '')));
  } else if (run.verdict === 'SUITE ERROR') {
    lines.push(paint(31, `SUITE ERROR: the suite broke down during the run, so there is no verdict on your server (a bug of ordercert: please report it): ${run.suiteError}`));
  } else if (run.verdict === 'NOT CERTIFIED') {
    lines.push(paint(31, 'NOT CERTIFIED: see the failed rules above'));
  } else {
    lines.push(paint(33, `INCOMPLETE: nothing failed, but ${run.unjudged.length} MUST rule${run.unjudged.length === 1 ? ' was' : 's were'} not judged:`));
    for (const u of run.unjudged) {
      lines.push(`  ${u.rule}: ${u.why[0]}${u.why.length > 1 ? ` (+${u.why.length - 1} more)` : ''}`);
      if (u.how.length) lines.push(`    to judge it: ${u.how.join('; ')}`);
    }
  }
  return lines.join('\n');
}
