import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import YAML from 'yaml';
import { ROOT } from './api.js';

const escape = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>
body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{background:#f4f4f4;padding:.1rem .3rem}pre{padding:.6rem;overflow:auto;white-space:pre-wrap}
.op{border-left:4px solid #36c;padding:.2rem .8rem;margin:1rem 0}.m{font-weight:bold;text-transform:uppercase}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top;text-align:left}
</style></head><body>${body}</body></html>`;

/** Renders one spec as a readable page: its operations with their rules, and its rule catalogue. */
function renderSpec(name: string): string {
  const spec = YAML.parse(fs.readFileSync(path.join(ROOT, 'specs', name, 'openapi.yaml'), 'utf8'));
  const rulesFile = path.join(ROOT, 'specs', name, 'rules.yaml');
  const rules = fs.existsSync(rulesFile) ? (YAML.parse(fs.readFileSync(rulesFile, 'utf8'))?.rules ?? []) : [];
  const ops: string[] = [];
  for (const [p, item] of Object.entries<any>(spec.paths ?? {})) {
    for (const m of METHODS) {
      const op = item?.[m];
      if (!op) continue;
      const statuses = Object.keys(op.responses ?? {}).join(', ');
      ops.push(`<div class="op"><p><span class="m">${m}</span> <code>${escape(p)}</code> — ${escape(op.summary)}</p>
<pre>${escape(op.description ?? '')}</pre><p>Responses: ${escape(statuses)}</p></div>`);
    }
  }
  const ruleRows = rules
    .map((r: any) => `<tr><td><code>${escape(r.id)}</code></td><td>${escape(r.level)}</td><td>${escape(r.quote)}${r.translation ? `<br><em>${escape(r.translation)}</em>` : ''}</td><td>${escape(r.source)}</td></tr>`)
    .join('');
  return page(
    spec.info?.title ?? name,
    `<p><a href="./">All specs</a> · <a href="${name}/openapi.yaml">openapi.yaml</a> · <a href="${name}/rules.yaml">rules.yaml</a></p>
<h1>${escape(spec.info?.title)} <small>${escape(spec.info?.version)}</small></h1><pre>${escape(spec.info?.description ?? '')}</pre>
<h2>Operations</h2>${ops.join('')}<h2>Rule catalogue</h2><table><tr><th>Rule</th><th>Level</th><th>Source sentence</th><th>Source</th></tr>${ruleRows}</table>`,
  );
}

/** Serves the specs as browsable docs: an index, one page per API, and the raw YAML. */
export function docsRouter(names: string[]): express.Router {
  const router = express.Router();
  router.get('/', (req, res) => {
    if (!req.originalUrl.endsWith('/')) return res.redirect(301, req.originalUrl + '/');
    res.type('html').send(page('ordercert specs', `<h1>ordercert specs</h1><ul>${names.map((n) => `<li><a href="${n}">${n}</a></li>`).join('')}</ul>`));
  });
  for (const name of names) {
    router.get(`/${name}`, (_req, res) => {
      res.type('html').send(renderSpec(name));
    });
    for (const file of ['openapi.yaml', 'rules.yaml']) {
      router.get(`/${name}/${file}`, (_req, res) => res.type('text/yaml').sendFile(path.join(ROOT, 'specs', name, file)));
    }
  }
  return router;
}
