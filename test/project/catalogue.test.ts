/** Catalogue integrity: every rule has a check, every check names a known rule, no ID used twice, quotes are real. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadRules } from '../../conformance/framework/catalogue.js';
import { API_NAMES } from '../../conformance/framework/types.js';
import { SUITES } from '../../conformance/suites.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SHARED = path.resolve(ROOT, process.env.ORDERCERT_SHARED ?? '../shared');
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('rule catalogue integrity', () => {
  const all = API_NAMES.flatMap((api) => loadRules(api));

  it('uses every rule ID once across the three APIs', () => {
    const seen = new Set<string>();
    const dupes = all.filter((r) => (seen.has(r.id) ? true : (seen.add(r.id), false))).map((r) => r.id);
    assert.deepEqual(dupes, []);
  });

  for (const api of API_NAMES) {
    describe(api, () => {
      const rules = loadRules(api);
      const suite = SUITES[api];

      it('has rules, and a schema rule that is one of them', () => {
        assert.ok(rules.length > 0, `${api} has no rules`);
        assert.ok(rules.some((r) => r.id === suite.schemaRule), `schemaRule ${suite.schemaRule} is not in ${api}'s catalogue`);
      });

      it('gives every rule at least one check', () => {
        const untested = rules.filter((r) => !suite.checks.some((c) => c.rule === r.id)).map((r) => r.id);
        assert.deepEqual(untested, [], `rules without a check: ${untested.join(', ')}`);
      });

      it('names a known rule in every check, and no check ID twice', () => {
        const ids = new Set(rules.map((r) => r.id));
        const unknown = suite.checks.filter((c) => !ids.has(c.rule)).map((c) => `${c.id} -> ${c.rule}`);
        assert.deepEqual(unknown, []);
        const checkIds = suite.checks.map((c) => c.id);
        assert.equal(new Set(checkIds).size, checkIds.length, 'duplicate check ids');
      });

      it('quotes every source sentence word for word from the named file', () => {
        assert.ok(fs.existsSync(SHARED), `the source documents are expected at ${SHARED} (set ORDERCERT_SHARED)`);
        const misquoted = rules
          .filter((r) => {
            const file = r.source.startsWith('reference/') ? path.join(SHARED, r.source) : path.join(SHARED, 'seeds', r.source);
            return !fs.existsSync(file) || !squash(fs.readFileSync(file, 'utf8')).includes(squash(r.quote));
          })
          .map((r) => `${r.id} (${r.source})`);
        assert.deepEqual(misquoted, [], `quotes not found word for word in their source: ${misquoted.join(', ')}`);
      });
    });
  }
});
