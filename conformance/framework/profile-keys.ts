/**
 * The profile keys a suite reads (each suite lists its own, `Suite.profileKeys`), with what they must look like.
 * The preflight demands the required ones before any check runs; a check that reads a key missing from its
 * suite's list is a bug in the suite.
 */
import type { ApiName } from './types.js';

export interface ProfileKey {
  key: string;
  kind: 'string' | 'strings' | 'number';
  /** Without a required key nothing runs (exit 2); without an optional one, the checks that need it are not judged. */
  required: boolean;
  /** What it is, for the preflight's message. */
  what: string;
}

export const profileKey = (key: string, kind: ProfileKey['kind'], required: boolean, what: string): ProfileKey => ({ key, kind, required, what });

/** A suite as the profile checks see it: its API and the keys it reads. */
type KeysOf = { api: ApiName; profileKeys: ProfileKey[] };

/** Problems with one API's profile section: a line each, saying what to fix. */
export function profileProblems({ api, profileKeys }: KeysOf, section: Record<string, unknown> | undefined): string[] {
  if (!section) return [`the profile has no "${api}" section: add it (see conformance/profiles/reference.yaml), or leave the API out with --api`];
  const problems: string[] = [];
  for (const k of profileKeys) {
    const value = section[k.key];
    if (value === undefined || value === null) {
      if (k.required) problems.push(`profile ${api}.${k.key} is missing: ${k.what}`);
      continue;
    }
    const ok =
      k.kind === 'string'
        ? typeof value === 'string' && value !== ''
        : k.kind === 'number'
          ? typeof value === 'number' && Number.isFinite(value) && value >= 0
          : Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '');
    if (!ok) problems.push(`profile ${api}.${k.key} must be ${k.kind === 'string' ? 'a non-empty string' : k.kind === 'number' ? 'a number >= 0' : 'a non-empty list of strings'}: ${k.what}`);
  }
  return problems;
}

/** Keys the suite does not read: not an error (a profile may serve other tools), but often a typo. */
export function unknownProfileKeys({ api, profileKeys }: KeysOf, section: Record<string, unknown> | undefined): string[] {
  const known = new Set(profileKeys.map((k) => k.key));
  return Object.keys(section ?? {})
    .filter((k) => !known.has(k))
    .map((k) => `profile ${api}.${k} is not a key the suite reads (a typo?); it reads ${[...known].join(', ')}`);
}

/** The section as checks see it: only the keys of the table; reading any other is a suite bug. */
export function guardedSection({ profileKeys }: KeysOf, section: Record<string, unknown> | undefined, onUnknown: (key: string) => never): Record<string, any> {
  const known = new Set(profileKeys.map((k) => k.key));
  const data = Object.fromEntries(Object.entries(section ?? {}).filter(([k]) => known.has(k)));
  return new Proxy(data, {
    get(target, prop) {
      if (typeof prop === 'string' && !known.has(prop) && !(prop in Object.prototype) && prop !== 'then' && prop !== 'toJSON') onUnknown(prop);
      return Reflect.get(target, prop);
    },
  });
}
