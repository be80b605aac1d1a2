/**
 * The profile keys each suite reads, with what they must look like. The preflight demands the required
 * ones before any check runs; a check that reads a key missing from this table is a bug in the suite.
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

const key = (key: string, kind: ProfileKey['kind'], required: boolean, what: string): ProfileKey => ({ key, kind, required, what });

export const PROFILE_KEYS: Record<ApiName, ProfileKey[]> = {
  cart: [
    key('supplierId', 'string', true, 'the supplier the checks book with'),
    key('productId', 'string', true, 'a product the test resellers may book'),
    key('optionId', 'string', true, 'an option of that product'),
    key('availabilityId', 'string', true, 'an availability with room for every booking a run makes'),
    key('unitId', 'string', true, 'a unit of that option'),
    key('smallAvailabilityId', 'string', false, 'an availability of the same option with at most 10 places, to observe capacity'),
    key('asyncOptionId', 'string', false, 'an option whose confirmations are not instant (PENDING, then settled)'),
    key('asyncAvailabilityId', 'string', false, 'an availability of the asynchronous option whose confirmations settle CONFIRMED'),
    key('rejectingAvailabilityId', 'string', false, 'an availability of the asynchronous option whose confirmations are always REJECTED'),
    key('settleSeconds', 'number', false, 'seconds after which a PENDING confirmation has settled'),
  ],
  activation: [
    key('accesses', 'strings', true, 'accesses the suite may order on freely'),
    key('service', 'string', true, 'a service offered at every access in accesses'),
    key('sameTypeService', 'string', true, 'another service of the same type, offered at those accesses'),
    key('failingAccess', 'string', false, 'an access where an ACTIVATE of service always ends DONE_FAILED'),
    key('finishSeconds', 'number', false, 'seconds after which the server has finished a RECEIVED order (default 5)'),
    key('slowAccess', 'string', false, 'an access where orders take longer to finish than at accesses (more than finishSeconds)'),
    key('slowFinishSeconds', 'number', false, 'seconds after which the server has finished a RECEIVED order at slowAccess'),
  ],
  ethernet: [
    key('buyerIdA', 'string', true, "tenant A's buyerId"),
    key('buyerIdB', 'string', true, "tenant B's buyerId"),
    key('sellerId', 'string', true, 'the sellerId the checks put in every order (at most 25 characters)'),
  ],
};

/** Problems with one API's profile section: a line each, saying what to fix. */
export function profileProblems(api: ApiName, section: Record<string, unknown> | undefined): string[] {
  if (!section) return [`the profile has no "${api}" section: add it (see conformance/profiles/reference.yaml), or leave the API out with --api`];
  const problems: string[] = [];
  for (const k of PROFILE_KEYS[api]) {
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
export function unknownProfileKeys(api: ApiName, section: Record<string, unknown> | undefined): string[] {
  const known = new Set(PROFILE_KEYS[api].map((k) => k.key));
  return Object.keys(section ?? {})
    .filter((k) => !known.has(k))
    .map((k) => `profile ${api}.${k} is not a key the suite reads (a typo?); it reads ${[...known].join(', ')}`);
}

/** The section as checks see it: only the keys of the table; reading any other is a suite bug. */
export function guardedSection(api: ApiName, section: Record<string, unknown> | undefined, onUnknown: (key: string) => never): Record<string, any> {
  const known = new Set(PROFILE_KEYS[api].map((k) => k.key));
  const data = Object.fromEntries(Object.entries(section ?? {}).filter(([k]) => known.has(k)));
  return new Proxy(data, {
    get(target, prop) {
      if (typeof prop === 'string' && !known.has(prop) && !(prop in Object.prototype) && prop !== 'then' && prop !== 'toJSON') onUnknown(prop);
      return Reflect.get(target, prop);
    },
  });
}
