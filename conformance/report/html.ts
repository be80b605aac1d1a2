import type { CertificationRun } from '../framework/certify.js';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const COLOR = { pass: '#1a7f37', fail: '#cf222e', warn: '#9a6700', skip: '#6e7781', untested: '#6e7781' } as const;

/** One self-contained HTML certificate: target, date, suite version, spec hashes, per-API rule table with quotes and outcomes. */
export function htmlReport(run: CertificationRun): string {
  const sections = run.apis.map((api) => {
    const rows = run.rules
      .filter((r) => r.rule.api === api)
      .map(({ rule, outcome, results }) => {
        const problems = results
          .filter((r) => r.outcome !== 'pass')
          .map((r) => `<div class="p"><b>${esc(r.outcome)}</b> ${esc(r.title)}: ${esc(r.message)}${r.expected !== undefined ? `<br>expected: <code>${esc(r.expected)}</code><br>actual: <code>${esc(r.actual)}</code>` : ''}${r.curl ? `<pre>${esc(r.curl)}</pre>` : ''}</div>`)
          .join('');
        return `<tr><td><code>${esc(rule.id)}</code></td><td>${rule.level}</td><td>“${esc(rule.quote)}”${rule.translation ? `<br><i>${esc(rule.translation)}</i>` : ''}<br><small>${esc(rule.source)}</small>${problems}</td><td style="color:${COLOR[outcome]};font-weight:bold">${outcome.toUpperCase()}</td><td>${results.length}</td></tr>`;
      })
      .join('\n');
    const hash = run.specHashes[api];
    return `<h2>${esc(api)}</h2><p>Target: <code>${esc(run.target[api])}</code><br>Spec SHA-256: <code>${esc(hash?.openapi)}</code><br>Rules SHA-256: <code>${esc(hash?.rules)}</code></p>
<table><tr><th>Rule</th><th>Level</th><th>Source sentence</th><th>Outcome</th><th>Checks</th></tr>${rows}</table>`;
  });
  const count = (o: string) => run.rules.filter((r) => r.outcome === o).length;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ordercert certificate</title><style>
body{font-family:system-ui,sans-serif;max-width:75rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.35rem;vertical-align:top;text-align:left}
code,pre{background:#f4f4f4;padding:.1rem .3rem;white-space:pre-wrap;word-break:break-all}.p{margin-top:.4rem;border-left:3px solid #cf222e;padding-left:.4rem}
.v{font-size:1.6rem;font-weight:bold;color:${run.verdict === 'CERTIFIED' ? COLOR.pass : run.verdict === 'INCOMPLETE' ? COLOR.warn : COLOR.fail}}
</style></head><body>
<h1>ordercert conformance certificate</h1>
<p class="v">${esc(run.verdict)}</p>
<p>Coverage: ${run.coverage.judged} of ${run.coverage.rules} rules judged (MUST: ${run.coverage.mustJudged} of ${run.coverage.mustRules})</p>
${run.unjudged.length ? `<p>MUST rules not judged:</p><ul>${run.unjudged.map((u) => `<li><code>${esc(u.rule)}</code>: ${esc(u.why[0])}${u.how.length ? ` (to judge it: ${esc(u.how.join('; '))})` : ''}</li>`).join('')}</ul>` : ''}
<p>Suite: ${esc(run.suite.name)} ${esc(run.suite.version)} · Run: ${esc(run.startedAt)} – ${esc(run.finishedAt)} · Mode: ${run.strict ? 'strict (SHOULD rules fail)' : 'standard (SHOULD rules warn)'} · Test clock: ${run.testClock ? 'yes' : 'no'}${run.grep ? ` · Only rules matching <code>${esc(run.grep)}</code>` : ''}</p>
<p>Rules: ${count('pass')} pass, ${count('fail')} fail, ${count('warn')} warn, ${count('skip')} not run</p>
${sections.join('\n')}
</body></html>
`;
}
