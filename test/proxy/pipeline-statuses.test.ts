/**
 * Every refusal the shared request pipeline can give (no credentials, an unknown query parameter, a path parameter
 * the spec does not allow, a missing, non-JSON or oversized body) answers with a status the operation documents.
 * Each operation of the three specs gets each such request, over HTTP, from the reference server.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { DEMO_CREDENTIALS } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const APIS = ['cart', 'activation', 'ethernet'] as const;
const AUTH = `Basic ${Buffer.from(`${DEMO_CREDENTIALS[0].user}:${DEMO_CREDENTIALS[0].secret}`).toString('base64')}`;

interface Probe {
  what: string;
  path: string;
  query?: string;
  headers: Record<string, string>;
  body?: string;
}

/** A value every path parameter of the specs accepts (ids, uuids, supplier ids), and one none does. */
const GOOD = '00000000-0000-4000-8000-000000000000';
const BAD = 'not*valid*' + 'x'.repeat(80);

function probes(template: string, op: any): Probe[] {
  const fill = (value: string, only?: string) => template.replace(/\{([^}]+)\}/g, (_m, name) => encodeURIComponent(!only || name === only ? value : GOOD));
  const json = { Authorization: AUTH, 'Content-Type': 'application/json' };
  const list: Probe[] = [
    { what: 'no credentials', path: fill(GOOD), headers: {}, body: op.requestBody ? '{}' : undefined },
    { what: 'an unknown query parameter', path: fill(GOOD), query: 'ordercertUnknown=1', headers: json, body: op.requestBody ? '{}' : undefined },
  ];
  for (const name of [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])) {
    list.push({ what: `path parameter ${name} the spec does not allow`, path: fill(BAD, name), headers: json, body: op.requestBody ? '{}' : undefined });
  }
  if (op.requestBody) {
    list.push(
      { what: 'no body', path: fill(GOOD), headers: { Authorization: AUTH } },
      { what: 'a text/plain body', path: fill(GOOD), headers: { Authorization: AUTH, 'Content-Type': 'text/plain' }, body: 'hello' },
      { what: 'malformed JSON', path: fill(GOOD), headers: json, body: '{"a":' },
      { what: 'a body over 256 kB', path: fill(GOOD), headers: json, body: JSON.stringify({ padding: 'x'.repeat(300_000) }) },
    );
  }
  return list;
}

describe('refusals of the request pipeline answer statuses the operations document', function () {
  this.timeout(120_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ backend: 'sqlite' });
  });
  after(async () => {
    await server?.stop();
  });

  for (const api of APIS) {
    it(`${api}: every operation`, async () => {
      const spec = YAML.parse(fs.readFileSync(path.join(ROOT, 'specs', api, 'openapi.yaml'), 'utf8'));
      const undocumented: string[] = [];
      let sent = 0;
      for (const [template, item] of Object.entries<any>(spec.paths)) {
        for (const [method, op] of Object.entries<any>(item)) {
          if (!op?.responses) continue;
          for (const probe of probes(template, op)) {
            const url = `${server.apis[api]}${probe.path}${probe.query ? `?${probe.query}` : ''}`;
            const res = await fetch(url, { method: method.toUpperCase(), headers: probe.headers, body: probe.body });
            await res.arrayBuffer();
            sent++;
            if (!op.responses[String(res.status)]) {
              undocumented.push(`${method.toUpperCase()} ${template} with ${probe.what} -> ${res.status} (documented: ${Object.keys(op.responses).join(', ')})`);
            }
          }
        }
      }
      assert.ok(sent > 10, `only ${sent} probes`);
      assert.deepEqual(undocumented, []);
    });
  }
});
