import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root.js';
import YAML from 'yaml';
import type { ApiName, Level, Rule, SourceDocument } from './types.js';

const ROOT = packageRoot(import.meta.url);
const LEVELS: Level[] = ['MUST', 'SHOULD', 'MAY'];

export const rulesFile = (api: ApiName) => path.join(ROOT, 'specs', api, 'rules.yaml');

/** One entry of a catalogue's `sources` table. */
export interface CatalogueSource {
  key: string;
  title: string;
  url: string;
  /** Local copy the quotes are checked against (a seed file or a `reference/` digest). */
  copy: string;
  /** The quotes are ordercert's digest of the document, not its words. */
  digest: boolean;
}

function parseSources(api: ApiName, raw: any): Map<string, CatalogueSource> {
  const sources = new Map<string, CatalogueSource>();
  for (const [key, s] of Object.entries<any>(raw ?? {})) {
    if (!s?.title || !/^https:\/\//.test(s?.url ?? '') || !s?.copy) {
      throw new Error(`${api} rules.yaml: source ${key} needs a title, an https url and a copy`);
    }
    sources.set(key, { key, title: s.title, url: s.url, copy: s.copy, digest: s.quotes === 'digest' });
  }
  return sources;
}

/** The public documents an API's catalogue quotes (specs/<api>/rules.yaml `sources`). */
export function loadSources(api: ApiName): CatalogueSource[] {
  return [...parseSources(api, YAML.parse(fs.readFileSync(rulesFile(api), 'utf8'))?.sources).values()];
}

/**
 * Loads an API's rule catalogue (specs/<api>/rules.yaml) and checks its own shape. A rule's `source` names an
 * entry of the `sources` table (or, as written before the table existed, that entry's local copy); the rule
 * comes back with `document` (title, section, public URL) and `source` set to the local copy.
 */
export function loadRules(api: ApiName): Rule[] {
  const doc = YAML.parse(fs.readFileSync(rulesFile(api), 'utf8'));
  const sources = parseSources(api, doc?.sources);
  const rules: Rule[] = (doc?.rules ?? []).map((r: any) => {
    const { section, ...rest } = r;
    const entry = sources.get(r.source) ?? [...sources.values()].find((s) => s.copy === r.source);
    if (!entry) throw new Error(`${api} rules.yaml: ${r.id} names source "${r.source}", which is not in the sources table`);
    const document: SourceDocument = { key: entry.key, title: entry.title, url: entry.url, ...(section ? { section } : {}), ...(entry.digest ? { digest: true } : {}) };
    return { ...rest, api, source: entry.copy, document };
  });
  for (const r of rules) {
    if (!/^[A-Z][A-Z0-9-]+$/.test(r.id ?? '')) throw new Error(`${api} rules.yaml: bad rule id "${r.id}"`);
    if (!LEVELS.includes(r.level)) throw new Error(`${api} rules.yaml: ${r.id} has level "${r.level}", expected MUST, SHOULD or MAY`);
    if (!r.source || !r.quote) throw new Error(`${api} rules.yaml: ${r.id} needs a source and a quote`);
  }
  return rules;
}

/** "Title, section: URL", the way a vendor looks a rule up. */
export function citation(rule: Pick<Rule, 'document'>): string {
  const d = rule.document;
  return `${d.title}${d.section ? `, section "${d.section}"` : ''}: ${d.url}${d.digest ? ' (quoted from ordercert\'s digest of it)' : ''}`;
}

/** Everything a docs page needs to show an API's rules: id, level, quote, translation, reading and public source. */
export function catalogueForDocs(api: ApiName): { sources: CatalogueSource[]; rules: Array<Omit<Rule, 'source'> & { citation: string }> } {
  return {
    sources: loadSources(api),
    rules: loadRules(api).map(({ source: _copy, ...rule }) => ({ ...rule, citation: citation(rule) })),
  };
}

export function ruleIndex(apis: ApiName[]): Map<string, Rule> {
  const index = new Map<string, Rule>();
  for (const api of apis) {
    for (const rule of loadRules(api)) {
      if (index.has(rule.id)) throw new Error(`rule id ${rule.id} is used twice`);
      index.set(rule.id, rule);
    }
  }
  return index;
}
