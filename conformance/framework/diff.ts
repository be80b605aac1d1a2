/**
 * Differences between two JSON values, member by member, each named by its JSON pointer (RFC 6901):
 * `/bookings/2/status: "ON_HOLD" -> "CONFIRMED"`. A failure shows these lines; the whole bodies stay in
 * the check's transcript.
 */
import type { CheckContext } from './check.js';
import type { Exchange } from './types.js';

export interface Difference {
  /** JSON pointer of the member, `''` for the whole value. */
  pointer: string;
  /** Absent when the member is missing on the expected side. */
  expected?: unknown;
  /** Absent when the member is missing on the actual side. */
  actual?: unknown;
  kind: 'changed' | 'missing' | 'added';
}

export interface DiffOptions {
  /** Members only the actual value has are not differences (a server may add members). */
  ignoreAdded?: boolean;
  /** Leaves out a pair of values that should not count (e.g. two timestamps). */
  ignore?: (pointer: string, expected: unknown, actual: unknown) => boolean;
}

const escapeToken = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON pointer of a path of keys and indexes. */
export const pointerOf = (path: Array<string | number>) => path.map((k) => `/${escapeToken(String(k))}`).join('');

/** The differences between `expected` and `actual`; members whose value is `undefined` count as absent. */
export function diff(expected: unknown, actual: unknown, options: DiffOptions = {}): Difference[] {
  const out: Difference[] = [];
  const walk = (e: unknown, a: unknown, path: Array<string | number>) => {
    const pointer = pointerOf(path);
    if (options.ignore?.(pointer, e, a)) return;
    if (e instanceof Date || a instanceof Date) {
      // Compared as JSON would show them.
      if (JSON.stringify(e) !== JSON.stringify(a)) out.push({ pointer, expected: e, actual: a, kind: 'changed' });
      return;
    }
    if (Array.isArray(e) && Array.isArray(a)) {
      for (let i = 0; i < Math.max(e.length, a.length); i++) {
        if (i >= a.length) out.push({ pointer: pointerOf([...path, i]), expected: e[i], kind: 'missing' });
        else if (i >= e.length) {
          if (!options.ignoreAdded) out.push({ pointer: pointerOf([...path, i]), actual: a[i], kind: 'added' });
        } else walk(e[i], a[i], [...path, i]);
      }
      return;
    }
    if (isObject(e) && isObject(a)) {
      const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])].sort();
      for (const key of keys) {
        const inE = e[key] !== undefined;
        const inA = a[key] !== undefined;
        if (inE && !inA) out.push({ pointer: pointerOf([...path, key]), expected: e[key], kind: 'missing' });
        else if (!inE && inA) {
          if (!options.ignoreAdded) out.push({ pointer: pointerOf([...path, key]), actual: a[key], kind: 'added' });
        } else if (inE) walk(e[key], a[key], [...path, key]);
      }
      return;
    }
    if (!Object.is(e, a)) out.push({ pointer, expected: e, actual: a, kind: 'changed' });
  };
  walk(expected, actual, []);
  return out;
}

/** The value at a JSON pointer, or undefined. */
export function valueAt(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  let current: any = value;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = current[key];
  }
  return current;
}

const short = (v: unknown, max = 120): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

/** `/bookings/2/status: ON_HOLD -> CONFIRMED` (strings bare, other values as JSON). */
export function formatDifference(d: Difference): string {
  const where = d.pointer || '(the whole value)';
  if (d.kind === 'missing') return `${where}: ${short(d.expected)} -> (missing)`;
  if (d.kind === 'added') return `${where}: (absent) -> ${short(d.actual)}`;
  return `${where}: ${short(d.expected)} -> ${short(d.actual)}`;
}

/** At most `limit` formatted lines, then how many more there are. */
export function formatDifferences(differences: Difference[], limit = 20): string[] {
  const lines = differences.slice(0, limit).map(formatDifference);
  if (differences.length > limit) lines.push(`… and ${differences.length - limit} more`);
  return lines;
}

/**
 * For the checks' "unchanged" helpers: the differences between `before` and `after` at the members a rule
 * names, and nothing else (a server may add members, or change ones the rule does not speak of).
 * `members` are JSON pointers; `*` stands for every index of an array (`/bookings/∗/status`).
 */
export function changedMembers(before: unknown, after: unknown, members: string[]): Difference[] {
  const out: Difference[] = [];
  const expand = (pointer: string): string[] => {
    const star = pointer.indexOf('/*');
    if (star < 0) return [pointer];
    const head = pointer.slice(0, star);
    const tail = pointer.slice(star + 2);
    const length = Math.max(arrayLength(valueAt(before, head)), arrayLength(valueAt(after, head)));
    return Array.from({ length }, (_, i) => expand(`${head}/${i}${tail}`)).flat();
  };
  for (const member of members) {
    for (const pointer of expand(member)) {
      const e = valueAt(before, pointer);
      const a = valueAt(after, pointer);
      out.push(...diff(e, a).map((d) => ({ ...d, pointer: pointer + d.pointer })));
    }
  }
  return out;
}
const arrayLength = (v: unknown) => (Array.isArray(v) ? v.length : 0);

/**
 * Fails the check's rule unless `after` holds the same values as `before` at `members` (JSON pointers, `*` for
 * every index); the failure lists each changed member by pointer. For "unchanged" checks that compare only
 * what their rule names.
 */
export function expectMembersUnchanged(
  t: Pick<CheckContext, 'fail'>,
  before: unknown,
  after: unknown,
  members: string[],
  message: string,
  exchange?: Exchange,
): void {
  const differences = changedMembers(before, after, members);
  if (differences.length) t.fail(message, { expected: before, actual: after, exchange, differences });
}
