import fs from 'node:fs';
import YAML from 'yaml';
import type { ApiName } from './types.js';

export type Profile = Partial<Record<ApiName, Record<string, any>>>;

/** Reads one or more profile files (YAML or JSON, top-level keys per API) and merges them, later files winning. */
export function loadProfile(files: string[]): Profile {
  const merged: Profile = {};
  for (const file of files) {
    let doc: any;
    try {
      doc = YAML.parse(fs.readFileSync(file, 'utf8'));
    } catch (err: any) {
      throw new Error(`profile ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    }
    if (!doc || typeof doc !== 'object') throw new Error(`profile ${file}: expected a mapping with keys cart, activation, ethernet`);
    for (const [api, section] of Object.entries(doc)) {
      merged[api as ApiName] = { ...(merged[api as ApiName] ?? {}), ...(section as object) };
    }
  }
  return merged;
}
