import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root.js';
import YAML from 'yaml';
import type { ApiName, Level, Rule } from './types.js';

const ROOT = packageRoot(import.meta.url);
const LEVELS: Level[] = ['MUST', 'SHOULD', 'MAY'];

export const rulesFile = (api: ApiName) => path.join(ROOT, 'specs', api, 'rules.yaml');

/** Loads an API's rule catalogue (specs/<api>/rules.yaml) and checks its own shape. */
export function loadRules(api: ApiName): Rule[] {
  const doc = YAML.parse(fs.readFileSync(rulesFile(api), 'utf8'));
  const rules: Rule[] = (doc?.rules ?? []).map((r: any) => ({ ...r, api }));
  for (const r of rules) {
    if (!/^[A-Z][A-Z0-9-]+$/.test(r.id ?? '')) throw new Error(`${api} rules.yaml: bad rule id "${r.id}"`);
    if (!LEVELS.includes(r.level)) throw new Error(`${api} rules.yaml: ${r.id} has level "${r.level}", expected MUST, SHOULD or MAY`);
    if (!r.source || !r.quote) throw new Error(`${api} rules.yaml: ${r.id} needs a source and a quote`);
  }
  return rules;
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
