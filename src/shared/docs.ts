/**
 * /docs: the three specs in Swagger UI (served from the installed swagger-ui-dist package, never a CDN), with
 * "try it out" against this server (the specs' servers are relative: /cart, /activation, /ethernet), and one
 * page per API with its rule catalogue.
 *
 *   /docs/                      Swagger UI over every spec (`?api=<name>` selects one)
 *   /docs/<api>                 the API's rules: ID, level, quote, reading, source
 *   /docs/<api>/openapi.yaml    the spec as written; rules.yaml likewise
 *   /docs/assets/...            Swagger UI's own files
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import express from 'express';
import YAML from 'yaml';
import { ROOT } from './api.js';

const escape = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The rules' `reading` uses Markdown code spans only; everything else is shown as text. */
const inlineCode = (s: unknown) => escape(s).replace(/`([^`]+)`/g, '<code>$1</code>');

/** Swagger UI's files, or undefined when the swagger-ui-dist package is not installed. */
function swaggerUiFolder(): string | undefined {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  } catch {
    return undefined;
  }
}
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png'];

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;color:#222}
nav.oc{background:#1b1b1b;color:#eee;padding:.5rem 1rem;font-size:14px;white-space:nowrap;overflow-x:auto}nav.oc a{color:#9cf;margin-right:.8rem}
nav.oc .sep{color:#888;margin-right:.8rem}
main.oc{max-width:72rem;margin:1.5rem auto;padding:0 1rem}main.oc code{background:#f4f4f4;padding:.05rem .25rem}
main.oc table{border-collapse:collapse;width:100%}main.oc td,main.oc th{border:1px solid #ccc;padding:.35rem;vertical-align:top;text-align:left}
main.oc td:first-child code{white-space:nowrap}.lvl-MUST{color:#a00;font-weight:bold}.lvl-SHOULD{color:#a60;font-weight:bold}.lvl-MAY{color:#666}`;

/** Short names for the top bar, where the specs' full titles would read like API titles and wrap. */
const SHORT_NAMES: Record<string, string> = { cart: 'Cart', activation: 'Service Activation', ethernet: 'Ethernet Order' };

function nav(names: string[]): string {
  const rules = names.map((n) => `<a href="${n}">${escape(SHORT_NAMES[n] ?? n)} rules</a>`).join('');
  return `<nav class="oc"><a href="./">API reference</a><span class="sep">|</span>${rules}</nav>`;
}

function page(title: string, head: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><link rel="icon" type="image/png" href="assets/favicon-32x32.png">${head}<style>${STYLE}</style></head>
<body>${body}</body></html>`;
}

function referencePage(names: string[], titles: Record<string, string>): string {
  const config = { names, titles };
  return page(
    'ordercert API reference',
    '<link rel="stylesheet" href="assets/swagger-ui.css">',
    `${nav(names)}<div id="swagger-ui"></div>
<script src="assets/swagger-ui-bundle.js"></script><script src="assets/swagger-ui-standalone-preset.js"></script>
<script type="application/json" id="oc-config">${JSON.stringify(config).replace(/</g, '\\u003c')}</script>
<script src="init.js"></script>`,
  );
}

/** Runs in the browser: one Swagger UI over every spec, the one named by ?api= first. */
const INIT = `(function () {
  var config = JSON.parse(document.getElementById('oc-config').textContent);
  var wanted = new URLSearchParams(location.search).get('api');
  var urls = config.names.map(function (n) { return { url: n + '/openapi.yaml', name: config.titles[n] }; });
  window.ui = SwaggerUIBundle({
    urls: urls,
    'urls.primaryName': config.titles[wanted] || urls[0].name,
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
    validatorUrl: null,
    displayRequestDuration: true,
    docExpansion: 'list',
    defaultModelsExpandDepth: 1,
    showCommonExtensions: true
  });
})();
`;

function rulesPage(name: string, names: string[], titles: Record<string, string>): string {
  const file = path.join(ROOT, 'specs', name, 'rules.yaml');
  const doc = fs.existsSync(file) ? YAML.parse(fs.readFileSync(file, 'utf8')) : undefined;
  const rules: any[] = doc?.rules ?? [];
  // A rule's `source` names an entry of the catalogue's `sources` table: the public document's title and URL, linked
  // once in the list above the table; each row names its source by number and its section.
  const used = [...new Set(rules.map((r) => r.source))].filter((key) => doc?.sources?.[key]);
  const sources = used
    .map((key, i) => `<li id="source-${escape(key)}" value="${i + 1}"><a href="${escape(doc.sources[key].url)}">${escape(doc.sources[key].title)}</a></li>`)
    .join('');
  const cite = (r: any, n = used.indexOf(r.source) + 1) =>
    n ? `<a href="#source-${escape(r.source)}">[${n}]</a>${r.section ? ` section “${escape(r.section)}”` : ''}` : escape(r.source);
  const rows = rules
    .map(
      (r) => `<tr id="${escape(r.id)}"><td><code>${escape(r.id)}</code></td><td class="lvl-${escape(r.level)}">${escape(r.level)}</td>
<td>“${escape(r.quote)}”${r.translation ? `<br><em>in English: “${escape(r.translation)}”</em>` : ''}</td>
<td>${r.reading ? inlineCode(r.reading) : ''}</td><td>${cite(r)}</td></tr>`,
    )
    .join('');
  return page(
    `${titles[name]}: rules`,
    '',
    `${nav(names)}<main class="oc"><h1>${escape(titles[name])}: Rule catalogue</h1>
<p>Every rule the conformance suite checks, quoted word for word from its source. “Reading” says how ordercert reads
a quote where it leaves room. <a href="./?api=${name}">API reference</a> · <a href="${name}/openapi.yaml">openapi.yaml</a> ·
<a href="${name}/rules.yaml">rules.yaml</a></p>
<p>Sources:</p><ol class="sources">${sources}</ol>
<table><tr><th>Rule</th><th>Level</th><th>Source sentence</th><th>Reading</th><th>Source</th></tr>${rows}</table>
<p>${rules.length} rules</p></main>`,
  );
}

/** Serves the specs as browsable docs: Swagger UI over every spec, one rules page per API, and the raw YAML. */
export function docsRouter(names: string[]): express.Router {
  const router = express.Router();
  const titles = Object.fromEntries(
    names.map((n) => [n, YAML.parse(fs.readFileSync(path.join(ROOT, 'specs', n, 'openapi.yaml'), 'utf8'))?.info?.title ?? n]),
  );
  const swaggerUi = swaggerUiFolder();
  router.get('/', (req, res) => {
    if (!req.originalUrl.split('?')[0].endsWith('/')) return res.redirect(301, req.originalUrl.replace(/^([^?]*)/, '$1/'));
    if (!swaggerUi) {
      res.status(503).type('text/plain').send('The API reference needs the swagger-ui-dist package: npm install swagger-ui-dist');
      return;
    }
    res.type('html').send(referencePage(names, titles));
  });
  router.get('/init.js', (_req, res) => {
    res.type('text/javascript').send(INIT);
  });
  if (swaggerUi) {
    for (const asset of ASSETS) router.get(`/assets/${asset}`, (_req, res) => res.sendFile(path.join(swaggerUi, asset)));
  }
  for (const name of names) {
    router.get(`/${name}`, (_req, res) => {
      res.type('html').send(rulesPage(name, names, titles));
    });
    for (const file of ['openapi.yaml', 'rules.yaml']) {
      router.get(`/${name}/${file}`, (_req, res) => res.type('text/yaml').sendFile(path.join(ROOT, 'specs', name, file)));
    }
  }
  return router;
}
