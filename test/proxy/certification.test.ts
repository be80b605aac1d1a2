/**
 * A whole certification of the three APIs against the reference server, sent through Stoplight Prism validating
 * each API's spec (a validator nobody here wrote). Every answer must satisfy the spec: no response violation, every
 * status documented for its operation, every documented header present.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describeProblems, runSuiteAgainst } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startValidatingProxy, type ApiName, type Recorded, type ValidatingProxy } from './prism.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const APIS: ApiName[] = ['cart', 'activation', 'ethernet'];

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  responses: Record<string, { headers?: Record<string, { required?: boolean }> }>;
}

/** Each operation of an API's spec, with a pattern matching its concrete paths. */
function operations(api: ApiName): Operation[] {
  const spec = YAML.parse(fs.readFileSync(path.join(ROOT, 'specs', api, 'openapi.yaml'), 'utf8'));
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries<any>(spec.paths)) {
    const pattern = new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$');
    for (const [method, op] of Object.entries<any>(item)) if (op?.responses) ops.push({ method: method.toUpperCase(), template, pattern, responses: op.responses });
  }
  return ops;
}

const findOperation = (ops: Operation[], r: Recorded) => ops.find((o) => o.method === r.method && o.pattern.test(r.path.split('?')[0]));

describe('a whole certification through a validating proxy of each spec (Prism)', function () {
  this.timeout(600_000);
  let server: TestServer;
  const proxies: Partial<Record<ApiName, ValidatingProxy>> = {};
  let problems = '';

  before(async () => {
    server = await startTestServer({ backend: 'sqlite' });
    for (const api of APIS) proxies[api] = await startValidatingProxy(api, server.apis[api]);
    const run = await runSuiteAgainst(server, APIS, { baseUrls: Object.fromEntries(APIS.map((a) => [a, proxies[a]!.url])) });
    problems = describeProblems(run.results);
    const counts = APIS.map((a) => `${a} ${proxies[a]!.recorded.length} answers`).join(', ');
    console.log(`      ${run.results.length} checks through the proxies (${counts}); not passed through them:\n${problems.replace(/^/gm, '        ')}`);
  });

  after(async () => {
    for (const api of APIS) await proxies[api]?.stop();
    await server?.stop();
  });

  it('sees the whole run: every API answered through its proxy', () => {
    for (const api of APIS) assert.ok(proxies[api]!.recorded.length >= 50, `${api}: only ${proxies[api]!.recorded.length} answers went through the proxy`);
  });

  it('finds no response that breaks a spec', () => {
    const violations = APIS.flatMap((api) =>
      proxies[api]!.responseViolations().map((v) => `${api} ${v.method} ${v.path} -> ${v.status}: ${v.violation.message}`),
    );
    console.log(`      response violations: ${violations.length}`);
    assert.deepEqual(violations, []);
  });

  it("gives each new activation order a Location that is the API's base URL followed by the body's path", () => {
    const created = proxies.activation!.recorded.filter((r) => r.method === 'POST' && r.status === 201);
    assert.ok(created.length > 0, 'no activation order was created in the run');
    const base = new URL(server.apis.activation).pathname;
    const wrong = created.filter((r) => r.headers.location !== base + JSON.parse(r.body).path).map((r) => `Location ${r.headers.location}, path ${JSON.parse(r.body).path}`);
    assert.deepEqual(wrong, []);
  });

  it("answers every request with a status its operation documents, with the operation's documented headers", () => {
    const wrong: string[] = [];
    const seen = new Map<string, Set<string>>();
    for (const api of APIS) {
      const ops = operations(api);
      for (const r of proxies[api]!.recorded) {
        // Prism answers malformed JSON itself; that answer is Prism's, not the server's.
        if (r.violations.some((v) => v.location?.[0] === 'request' && /json/i.test(v.message))) continue;
        const op = findOperation(ops, r);
        if (!op) {
          wrong.push(`${api} ${r.method} ${r.path}: no operation of the spec matches`);
          continue;
        }
        const key = `${api} ${op.method} ${op.template}`;
        if (!seen.has(key)) seen.set(key, new Set());
        seen.get(key)!.add(String(r.status));
        const documented = op.responses[String(r.status)] ?? op.responses[`${String(r.status)[0]}XX`];
        if (!documented) {
          wrong.push(`${key} -> ${r.status}: not documented (documented: ${Object.keys(op.responses).join(', ')})`);
          continue;
        }
        for (const [name, header] of Object.entries(documented.headers ?? {})) {
          if (header.required !== false && r.headers[name.toLowerCase()] === undefined) wrong.push(`${key} -> ${r.status}: documented header ${name} missing`);
        }
      }
    }
    const unseen = APIS.flatMap((api) =>
      operations(api).flatMap((op) => Object.keys(op.responses).filter((s) => !seen.get(`${api} ${op.method} ${op.template}`)?.has(s)).map((s) => `${api} ${op.method} ${op.template} ${s}`)),
    );
    console.log(`      documented statuses never seen in the run (${unseen.length}): ${unseen.join('; ')}`);
    assert.deepEqual([...new Set(wrong)], []);
  });
});
