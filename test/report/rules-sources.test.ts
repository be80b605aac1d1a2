/** Every rule can be looked up: `ordercert rules` and docs/RULES.md show its reading and its public source. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadRules, loadSources } from '../../conformance/framework/catalogue.js';
import { API_NAMES } from '../../conformance/framework/types.js';
import { rulesDoc } from '../../scripts/rules-doc.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const rules = API_NAMES.flatMap((api) => loadRules(api));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('rules and their public sources', function () {
  this.timeout(60_000);

  it('names a public document (title, https URL) and a section for every rule; the seed is only the local copy', () => {
    for (const api of API_NAMES) {
      const sources = loadSources(api);
      assert.ok(sources.length > 0, api);
      for (const s of sources) assert.match(s.url, /^https:\/\/[^/]+\.[a-z]+\//, s.key);
    }
    for (const rule of rules) {
      assert.ok(rule.document.title && rule.document.section, rule.id);
      assert.doesNotMatch(rule.document.url, /\.txt$|reference\//, rule.id);
    }
    const cart = loadSources('cart').find((s) => s.copy === '000_42e3361135d972c7.txt');
    assert.equal(cart?.url, 'https://docs.redeam.io/2.0/operator-api/capability-cart');
    assert.match(loadSources('activation').find((s) => s.copy === '001_32584176da5d99cf.txt')!.url, /on-api.*2\.3\.1.*order_events/);
    assert.match(loadSources('ethernet').find((s) => s.copy === '002_e9501ffeaccc0a3d.txt')!.url, /github\.com\/cablelabs\/order/);
  });

  it('ordercert rules prints each rule with its reading and its source title, section and URL', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/ordercert.js'), 'rules'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const blocks = r.stdout.split(/\n(?=[A-Z][A-Z0-9-]+ {2}\[)/);
    for (const rule of rules) {
      const block = blocks.find((b) => b.startsWith(`${rule.id}  [`));
      assert.ok(block, `${rule.id} not listed`);
      if (rule.reading) assert.ok(block.replace(/\s+/g, ' ').includes(`read as: ${rule.reading.replace(/\s+/g, ' ')}`), `${rule.id}: no reading`);
      assert.match(block, new RegExp(`source: ${escape(rule.document.title)}, section "${escape(rule.document.section!)}": ${escape(rule.document.url)}`), rule.id);
    }
  });

  // Whether the committed docs/RULES.md is the generator's current output is `npm run check:generated`'s job.
  it('docs/RULES.md (as generated) shows every rule\'s reading and linked source', () => {
    const doc = rulesDoc();
    assert.match(fs.readFileSync(path.join(ROOT, 'docs/RULES.md'), 'utf8'), /\| rule \| level \| quote \| read as \| source \| checks \|/);
    for (const rule of rules) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${rule.id}\` |`));
      assert.ok(row, rule.id);
      assert.ok(row.includes(`](${rule.document.url})`), `${rule.id}: no link`);
      if (rule.reading) assert.ok(row.includes(rule.reading.replace(/\s+/g, ' ').trim().slice(0, 40)), `${rule.id}: no reading`);
    }
  });
});
