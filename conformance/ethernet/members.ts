/**
 * "The order is unchanged" compares the members the spec names, member by member, at every depth: a Seller may
 * add members of its own (even ones that change on every read, such as the moment of the read), and those are
 * never compared.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { packageRoot } from '../framework/package-root.js';

let known: Set<string> | undefined;

/** Every property name the ethernet spec's schemas define. */
function specPropertyNames(): Set<string> {
  if (known) return known;
  const spec = YAML.parse(fs.readFileSync(path.join(packageRoot(import.meta.url), 'specs', 'ethernet', 'openapi.yaml'), 'utf8'));
  const names = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const props = (node as Record<string, unknown>).properties;
      if (props && typeof props === 'object') for (const k of Object.keys(props)) names.add(k);
      Object.values(node).forEach(walk);
    }
  };
  walk(spec?.components?.schemas);
  known = names;
  return names;
}

/** The value with only the members the spec names, at every depth. */
export function specMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(specMembers);
  if (value && typeof value === 'object') {
    const names = specPropertyNames();
    return Object.fromEntries(Object.entries(value).filter(([k]) => names.has(k)).map(([k, v]) => [k, specMembers(v)]));
  }
  return value;
}
