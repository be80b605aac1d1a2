/**
 * Request bodies that break an operation's request schema in one place each, derived from the spec (specs/<api>):
 * a required member left out, a member of another JSON type, a value outside its enum, a fraction where an integer
 * is asked, at every depth of a valid body. The hand-written checks and the sweeps probe the documented limits
 * (lengths, ranges, counts) and the patterns a rule names; these probe what every validator must get right, without
 * a list of members that goes stale when the spec changes.
 *
 * Each probe is kept only when the spec's own request validator (generated/<api>/validators.js) refuses it, so a
 * probe is never a body the spec allows (a member that a oneOf makes optional, a type a union allows).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ValidateFunction } from 'ajv';
import * as cart from '../../generated/cart/validators.js';
import * as activation from '../../generated/activation/validators.js';
import * as ethernet from '../../generated/ethernet/validators.js';
import { packageRoot } from './package-root.js';
import type { ApiName } from './types.js';

export interface BodyProbe {
  /** What the probe breaks, for messages: `unitItems[0].unitId left out`. */
  what: string;
  body: unknown;
}

type Validators = { operations: Array<{ operationId: string; request?: string }> } & Record<string, unknown>;
const VALIDATORS: Record<ApiName, Validators> = { cart: cart as Validators, activation: activation as Validators, ethernet: ethernet as Validators };
const specs = new Map<ApiName, any>();

function specOf(api: ApiName): any {
  let spec = specs.get(api);
  if (!spec) specs.set(api, (spec = YAML.parse(fs.readFileSync(path.join(packageRoot(import.meta.url), 'specs', api, 'openapi.yaml'), 'utf8'))));
  return spec;
}

/** Follows `$ref`s and merges `allOf` (properties and required lists): enough to walk a body's members. */
function resolve(spec: any, schema: any, depth = 0): any {
  if (!schema || typeof schema !== 'object' || depth > 20) return schema ?? {};
  if (schema.$ref) {
    const target = String(schema.$ref).replace(/^#\//, '').split('/').reduce((node: any, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
    return resolve(spec, { ...target, ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$ref')) }, depth + 1);
  }
  if (!schema.allOf) return schema;
  const parts = [Object.fromEntries(Object.entries(schema).filter(([k]) => k !== 'allOf')), ...schema.allOf.map((s: any) => resolve(spec, s, depth + 1))];
  return parts.reduce(
    (merged: any, part: any) => ({
      ...part,
      ...merged,
      properties: { ...merged.properties, ...part.properties },
      required: [...new Set([...(merged.required ?? []), ...(part.required ?? [])])],
    }),
    {},
  );
}

/** A value of another JSON type than `type`. */
const OTHER_TYPE: Record<string, [string, unknown]> = {
  string: ['a number', 12345],
  integer: ['text', '12'],
  number: ['text', '12'],
  boolean: ['text', 'true'],
  array: ['an object', { item: 'x' }],
  object: ['text', 'x'],
};

const at = (where: string, key: string | number) => (typeof key === 'number' ? `${where}[${key}]` : where ? `${where}.${key}` : key);

/** One change to a body: the member at `path` set to `set`, or removed. */
interface Change {
  what: string;
  path: Array<string | number>;
  set?: unknown;
  remove?: boolean;
}

/** Every probe of `value` (valid under `schema`), each one change at one path below `where`. */
function probesOf(spec: any, schema: any, value: unknown, where: string): Change[] {
  const s = resolve(spec, schema);
  const out: Change[] = [];
  const name = where || 'the body';
  const type = typeof s.type === 'string' ? s.type : undefined;
  if (type && OTHER_TYPE[type] && where) out.push({ what: `${name} as ${OTHER_TYPE[type][0]}`, path: [], set: OTHER_TYPE[type][1] });
  if (Array.isArray(s.enum) && typeof value === 'string') out.push({ what: `${name} outside its values ("NOT_${value}")`, path: [], set: `NOT_${value}` });
  if (type === 'integer' && typeof value === 'number') out.push({ what: `${name} a fraction (${value + 0.5})`, path: [], set: value + 0.5 });
  // Below a oneOf or anyOf the branch a value takes is the validator's to find: its members are not probed.
  if (s.oneOf || s.anyOf) return out;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of s.required ?? []) if (key in value) out.push({ what: `${at(where, key)} left out`, path: [key], remove: true });
    for (const [key, member] of Object.entries(value)) {
      const memberSchema = s.properties?.[key];
      if (memberSchema) for (const p of probesOf(spec, memberSchema, member, at(where, key))) out.push({ ...p, path: [key, ...p.path] });
    }
  }
  if (Array.isArray(value) && value.length && s.items) for (const p of probesOf(spec, s.items, value[0], at(where, 0))) out.push({ ...p, path: [0, ...p.path] });
  return out;
}

function applied(body: unknown, change: Change): unknown {
  if (!change.path.length) return change.set;
  const copy: any = structuredClone(body);
  const parent = change.path.slice(0, -1).reduce((node: any, key) => node[key], copy);
  const last = change.path[change.path.length - 1];
  if (change.remove) delete parent[last];
  else parent[last] = change.set;
  return copy;
}

/**
 * The probes of an operation's request body `valid` (which the spec's validator must accept: a suite bug
 * otherwise), each refused by the spec's validator, without two alike.
 */
export function invalidBodies(api: ApiName, operationId: string, valid: unknown): BodyProbe[] {
  const spec = specOf(api);
  const operation = Object.values(spec.paths as Record<string, any>)
    .flatMap((item) => Object.values(item))
    .find((op: any) => op?.operationId === operationId) as any;
  const schema = operation?.requestBody?.content?.['application/json']?.schema;
  const validatorName = VALIDATORS[api].operations.find((o) => o.operationId === operationId)?.request;
  const validate = validatorName ? (VALIDATORS[api][validatorName] as ValidateFunction) : undefined;
  if (!schema || !validate) throw new Error(`the ${api} spec has no JSON request body for ${operationId}`);
  if (!validate(valid)) throw new Error(`the valid ${operationId} body breaks the spec: ${JSON.stringify(validate.errors)}`);
  const seen = new Set<string>();
  const probes: BodyProbe[] = [];
  for (const change of probesOf(spec, schema, valid, '')) {
    const body = applied(valid, change);
    const key = JSON.stringify(body);
    if (seen.has(key) || validate(body)) continue;
    seen.add(key);
    probes.push({ what: change.what, body });
  }
  return probes;
}

/** Runs `each` over `items`, `size` at a time: probes that share nothing need not wait for each other's answers. */
export async function inBatches<T>(items: T[], size: number, each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}
