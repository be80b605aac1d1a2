/** The order event examples of seed 001, and the rule catalogue's quotes, against the spec and the seed text. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadRules } from '../../conformance/framework/catalogue.js';
import * as v from '../../generated/activation/validators.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SEED = fs.readFileSync('/work/shared/seeds/001_32584176da5d99cf.txt', 'utf8');

/** The JSON bodies of the seed's two responses, cut out of the seed text. */
function seedResponses(): unknown[] {
  const bodies: unknown[] = [];
  for (const part of SEED.split('HTTP/1.1 200 OK').slice(1)) {
    const start = part.indexOf('[');
    let text = part.slice(start);
    // The second example ends its array with "...": an elision in the seed, not JSON.
    const end = text.indexOf('\n]');
    text = text.slice(0, end + 2).replace(/,\s*\.\.\.\s*\n\]/, '\n]');
    bodies.push(JSON.parse(text));
  }
  return bodies;
}

describe('activation: seed 001 examples', () => {
  it('finds both response examples in the seed', () => {
    assert.equal(seedResponses().length, 2);
  });

  it('every response example validates as a listOrderEvents 200 answer', () => {
    for (const body of seedResponses()) {
      const ok = v.response_listOrderEvents_200(body);
      assert.ok(ok, JSON.stringify(v.response_listOrderEvents_200.errors));
      assert.ok((body as unknown[]).length >= 1);
    }
  });

  it('the seed requests use the spec paths (with the since query parameter)', () => {
    const spec = YAML.parse(fs.readFileSync(path.join(ROOT, 'specs/activation/openapi.yaml'), 'utf8'));
    const requests = [...SEED.matchAll(/^GET (\S+) HTTP\/1\.1$/gm)].map((m) => new URL(m[1], 'http://x'));
    assert.equal(requests.length, 2);
    for (const url of requests) {
      const op = spec.paths[url.pathname]?.get;
      assert.ok(op, `no GET ${url.pathname} in the spec`);
      for (const name of url.searchParams.keys()) assert.ok(op.parameters.some((p: any) => p.name === name && p.in === 'query'));
    }
  });

  it('a RECEIVED or projected order state would not validate as an event', () => {
    const [first] = seedResponses() as any[];
    const received = [{ ...first[0], order: { ...first[0].order, state: 'RECEIVED' } }];
    assert.equal(v.response_listOrderEvents_200(received), false);
  });

  it('every quote of the rule catalogue is word for word in its source', () => {
    const rules = loadRules('activation') // `source` is the local copy the quote comes from;
    for (const r of rules) {
      const source = r.source.startsWith('reference/') ? fs.readFileSync(path.join('/work/shared', r.source), 'utf8') : SEED;
      assert.ok(source.includes(r.quote), `${r.id}: quote not found in ${r.source}`);
      if (r.source === '001_32584176da5d99cf.txt') assert.ok(r.translation, `${r.id} needs a translation`);
    }
  });
});
