import type { CertificationRun } from '../framework/certify.js';
import type { RuleOutcome } from '../framework/runner.js';
import type { CheckResult, Exchange, Rule } from '../framework/types.js';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const COLOR = { pass: '#1a7f37', fail: '#cf222e', warn: '#9a6700', skip: '#6e7781', 'n/a': '#6e7781', untested: '#6e7781' } as const;
const anchor = (check: string) => `check-${check.replace(/[^A-Za-z0-9-]/g, '-')}`;
const id = (s: string) => `<code class="id">${esc(s)}</code>`;

const pretty = (body: unknown, text?: string) => {
  if (body === undefined || body === '') return text ?? '';
  if (typeof body === 'string') return body;
  return JSON.stringify(body, null, 2);
};

/** Where the rule comes from: document title and section, linked to its public URL. */
function sourceLine(rule: Rule): string {
  const d = rule.document;
  return `<div class="src">Source: <a href="${esc(d.url)}">${esc(d.title)}</a>${d.section ? `, section “${esc(d.section)}”` : ''}${d.digest ? ' (quoted from ordercert’s digest of it)' : ''}</div>`;
}

function ruleText(rule: Rule): string {
  return `“${esc(rule.quote)}”${rule.translation ? `<br><i>${esc(rule.translation)}</i>` : ''}${rule.reading ? `<div class="read"><b>Read as:</b> ${esc(rule.reading)}</div>` : ''}${sourceLine(rule)}`;
}

function exchangeHtml(ex: Exchange, i: number): string {
  const who = ex.clock ? 'the test clock' : ex.tenant ? `tenant ${ex.tenant}${ex.wrongSecret !== undefined ? ' (wrong secret)' : ''}` : 'no credentials';
  const requestHeaders = Object.entries(ex.requestHeaders).map(([k, v]) => `${k}: ${v}`).join('\n');
  const responseHeaders = Object.entries(ex.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
  return `<div class="ex"><b>${i + 1}. ${esc(ex.method)} ${esc(ex.url)}</b> as ${esc(who)} · ${esc(ex.startedAt)} · ${ex.durationMs} ms → <b>${ex.status}</b>
<pre>${esc(requestHeaders)}${ex.requestBody !== undefined ? `\n\n${esc(pretty(ex.requestBody))}` : ''}</pre>
<pre>HTTP ${ex.status}\n${esc(responseHeaders)}${ex.text ? `\n\n${esc(pretty(ex.body, ex.text))}` : ''}</pre></div>`;
}

function problemHtml(r: CheckResult): string {
  const transcript = r.transcript ?? [];
  return `<div class="p ${r.outcome}" id="${anchor(r.check)}"><b>${esc(r.outcome.toUpperCase())}</b> ${esc(r.title)} <small>(${esc(r.check)})</small><br>${esc(r.message)}
${r.differences?.length ? `<div>Differs (expected → actual):<ul class="diff">${r.differences.map((d) => `<li><code>${esc(d)}</code></li>`).join('')}</ul></div>` : ''}
${r.expected !== undefined ? `<div>expected: <code>${esc(r.expected)}</code></div>` : ''}${r.actual !== undefined ? `<div>actual: <code>${esc(r.actual)}</code></div>` : ''}
${r.remedy ? `<div>To judge it: ${esc(r.remedy)}</div>` : ''}
${transcript.length ? `<details><summary>Transcript: ${transcript.length} request${transcript.length === 1 ? '' : 's'}</summary>${transcript.map(exchangeHtml).join('\n')}</details>` : ''}
${r.replay ? `<details><summary>Replay script (sh)</summary><pre>${esc(r.replay)}</pre></details>` : ''}</div>`;
}

function ruleRow({ rule, outcome, results }: RuleOutcome): string {
  const problems = results.filter((r) => r.outcome !== 'pass').map(problemHtml).join('');
  return `<tr id="rule-${esc(rule.id)}"><td>${id(rule.id)}</td><td>${rule.level}</td><td>${ruleText(rule)}${problems}</td><td class="o" style="color:${COLOR[outcome]}">${outcome.toUpperCase()}</td><td>${results.length}</td></tr>`;
}

/** The list at the top: every check that failed (then warned), linked to its details below. */
function failureList(run: CertificationRun): string {
  const shown = (o: string) => run.rules.flatMap((r) => r.results.filter((x) => x.outcome === o).map((x) => ({ rule: r.rule, result: x })));
  const item = ({ rule, result }: { rule: Rule; result: CheckResult }) =>
    `<li><a href="#${anchor(result.check)}">${id(rule.id)}</a> <span class="lvl">${rule.level}</span> ${esc(result.title)}${result.differences?.[0] ? ` — <code>${esc(result.differences[0])}</code>` : ''}</li>`;
  const failed = shown('fail');
  const warned = shown('warn');
  return [
    failed.length ? `<h2 class="fails">Failures (${failed.length})</h2><ol class="list">${failed.map(item).join('')}</ol>` : '<p>No check failed.</p>',
    warned.length ? `<h3>Warnings (${warned.length})</h3><ol class="list">${warned.map(item).join('')}</ol>` : '',
  ].join('\n');
}

/** The optional capabilities: each with what it is, whether the profile declared it, and how it came out. */
function capabilityTable(run: CertificationRun): string {
  if (!run.capabilities.length) return '';
  const rows = run.capabilities
    .map((c) => `<tr><td>${id(c.name)}</td><td>${esc(c.api ?? 'all')}</td><td>${esc(c.what)}</td><td>${c.declared ? 'declared' : 'derived from the profile keys and flags'}</td><td class="o">${esc(c.outcome === 'absent' ? 'declared absent' : c.outcome)}</td><td>${c.rules.map(id).join(' ')}</td></tr>`)
    .join('');
  return `<h3>Capabilities</h3><table><tr><th>Capability</th><th>API</th><th>What it is</th><th>Source</th><th>Outcome</th><th>Rules</th></tr>${rows}</table>`;
}

/**
 * One self-contained HTML certificate: the verdict, coverage and a linked list of failures first; then per API
 * the rule table (quote, reading, public source, outcome), each failure with its differing members, its
 * transcript and a replay script (collapsed).
 */
export function htmlReport(run: CertificationRun): string {
  const sections = run.apis.map((api) => {
    const rows = run.rules.filter((r) => r.rule.api === api).map(ruleRow).join('\n');
    const hash = run.specHashes[api];
    return `<h2>${esc(api)}</h2><p class="hashes">Target: <code>${esc(run.target[api])}</code><br>Spec SHA-256: <code>${esc(hash?.openapi)}</code><br>Rules SHA-256: <code>${esc(hash?.rules)}</code></p>
<table><tr><th>Rule</th><th>Level</th><th>Source sentence, reading and source</th><th>Outcome</th><th>Checks</th></tr>${rows}</table>`;
  });
  const count = (o: string) => run.rules.filter((r) => r.outcome === o).length;
  const verdictColor = run.verdict === 'CERTIFIED' ? COLOR.pass : run.verdict === 'INCOMPLETE' ? COLOR.warn : COLOR.fail;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>ordercert certificate: ${esc(run.verdict)}</title><style>
body{font-family:system-ui,sans-serif;max-width:75rem;margin:1.5rem auto;padding:0 1rem;color:#222;line-height:1.4}
h1{margin:.2rem 0;font-size:1.4rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.35rem;vertical-align:top;text-align:left}
code,pre{background:#f4f4f4;padding:.1rem .3rem}pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8rem;max-height:30rem;overflow:auto}
code.id{white-space:nowrap;word-break:keep-all;overflow-wrap:normal;hyphens:none;font-weight:600}
p.hashes code{overflow-wrap:anywhere}td:first-child{white-space:nowrap}
.v{font-size:2rem;font-weight:bold;color:${verdictColor};margin:.2rem 0}
.p{margin-top:.5rem;border-left:3px solid ${COLOR.fail};padding-left:.5rem}.p.warn{border-color:${COLOR.warn}}.p.skip{border-color:${COLOR.skip}}
.read{margin-top:.3rem}.src{margin-top:.3rem;font-size:.85rem;color:#444}.o{font-weight:bold}.lvl{font-size:.75rem;color:#666}
.list li{margin:.15rem 0}.list code{display:inline-block}.diff{margin:.2rem 0}.ex{margin:.4rem 0;font-size:.85rem}summary{cursor:pointer;color:#0550ae}
.top{border:2px solid ${verdictColor};border-radius:6px;padding:.6rem 1rem;margin-bottom:1rem}
</style></head><body>
<div class="top">
<h1>ordercert conformance certificate</h1>
<p class="v">${esc(run.verdict)}</p>
<p><b>Coverage:</b> ${run.coverage.judged} of ${run.coverage.rules} rules judged (MUST: ${run.coverage.mustJudged} of ${run.coverage.mustRules})${run.coverage.notApplicable ? `, ${run.coverage.notApplicable} not applicable` : ''} · Rules: ${count('pass')} pass, ${count('fail')} fail, ${count('warn')} warn, ${count('skip')} not run${count('n/a') ? `, ${count('n/a')} not applicable` : ''}</p>
<p><b>Capabilities certified:</b> ${run.capabilities.filter((c) => c.outcome === 'certified').map((c) => id(c.name)).join(' ') || 'none'} · <b>Declared absent:</b> ${run.capabilities.filter((c) => c.outcome === 'absent').map((c) => id(c.name)).join(' ') || 'none'}</p>
${failureList(run)}
${run.unjudged.length ? `<h3>MUST rules not judged (${run.unjudged.length})</h3><ul class="list">${run.unjudged.map((u) => `<li><a href="#rule-${esc(u.rule)}">${id(u.rule)}</a>: ${esc(u.why[0])}${u.how.length ? ` (to judge it: ${esc(u.how.join('; '))})` : ''}</li>`).join('')}</ul>` : ''}
${capabilityTable(run)}
</div>
<p>Suite: ${esc(run.suite.name)} ${esc(run.suite.version)} · Run: ${esc(run.startedAt)} – ${esc(run.finishedAt)} · Mode: ${run.strict ? 'strict (SHOULD rules fail)' : 'standard (SHOULD rules warn)'} · Test clock: ${run.testClock ? 'yes' : 'no'}${run.grep ? ` · Only rules matching <code>${esc(run.grep)}</code>` : ''}${run.exclude ? ` · Leaving out rules matching <code>${esc(run.exclude)}</code>` : ''}</p>
${sections.join('\n')}
</body></html>
`;
}
