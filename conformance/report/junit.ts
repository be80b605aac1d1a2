import { citation } from '../framework/catalogue.js';
import type { CertificationRun } from '../framework/certify.js';

const xml = (s: unknown) =>
  String(s ?? '').replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '');

/** JUnit XML for CI: one testsuite per API, one testcase per check, classname = rule ID. Warnings pass with a system-out note. */
export function junitReport(run: CertificationRun): string {
  const properties = [
    `    <properties>`,
    `      <property name="verdict" value="${xml(run.verdict)}"/>`,
    `      <property name="rules judged" value="${run.coverage.judged} of ${run.coverage.rules}"/>`,
    `      <property name="MUST rules judged" value="${run.coverage.mustJudged} of ${run.coverage.mustRules}"/>`,
    ...run.unjudged.map((u) => `      <property name="not judged: ${xml(u.rule)}" value="${xml(u.why[0])}"/>`),
    `      <property name="capabilities certified" value="${xml(run.capabilities.filter((c) => c.outcome === 'certified').map((c) => c.name).join(', '))}"/>`,
    `      <property name="capabilities declared absent" value="${xml(run.capabilities.filter((c) => c.outcome === 'absent').map((c) => c.name).join(', '))}"/>`,
    ...run.capabilities
      .filter((c) => c.outcome === 'failed' || c.outcome === 'not judged')
      .map((c) => `      <property name="capability ${c.outcome}: ${xml(c.name)}" value="${xml(c.what)}"/>`),
    `    </properties>`,
  ].join('\n');
  const suites = run.apis.map((api) => {
    const results = run.results.filter((r) => r.api === api);
    const cases = results.map((r) => {
      const rule = run.rules.find((x) => x.rule.id === r.rule)?.rule;
      const detail = [
        r.message,
        rule ? `rule: "${rule.quote}"` : undefined,
        rule?.reading ? `read as: ${rule.reading}` : undefined,
        rule ? `source: ${citation(rule)}` : undefined,
        r.differences?.length ? `differs (expected -> actual):\n  ${r.differences.join('\n  ')}` : undefined,
        r.expected !== undefined ? `expected: ${r.expected}` : undefined,
        r.actual !== undefined ? `actual: ${r.actual}` : undefined,
        r.replay ? `replay:\n${r.replay}` : r.curl ? `reproduce: ${r.curl}` : undefined,
      ]
        .filter(Boolean)
        .join('\n');
      const body =
        r.outcome === 'fail'
          ? `<failure message="${xml(r.message)}" type="${xml(r.rule)}">${xml(detail)}</failure>`
          : r.outcome === 'skip' || r.outcome === 'n/a'
            ? `<skipped message="${xml(r.message)}"/>`
            : r.outcome === 'warn'
              ? `<system-out>${xml(`WARNING (${rule?.level ?? 'SHOULD'} rule): ${detail}`)}</system-out>`
              : '';
      return `    <testcase classname="${xml(r.rule)}" name="${xml(r.title)}" time="${(r.durationMs / 1000).toFixed(3)}">${body}</testcase>`;
    });
    const count = (o: string) => results.filter((r) => r.outcome === o).length;
    const time = results.reduce((s, r) => s + r.durationMs, 0) / 1000;
    return `  <testsuite name="ordercert ${api}" tests="${results.length}" failures="${count('fail')}" skipped="${count('skip') + count('n/a')}" errors="0" time="${time.toFixed(3)}" timestamp="${run.startedAt}">\n${properties}\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ordercert certify">\n${suites.join('\n')}\n</testsuites>\n`;
}
