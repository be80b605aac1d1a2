/** The diff module: differing members named by JSON pointer, and the "unchanged" helper that compares only named members. */
import assert from 'node:assert/strict';
import { changedMembers, diff, expectMembersUnchanged, formatDifferences } from '../../conformance/framework/diff.js';
import { RuleViolation } from '../../conformance/framework/violation.js';

const order = (statuses: string[], extra: Record<string, unknown> = {}) => ({
  id: 'ord-1',
  status: 'ON_HOLD',
  bookings: statuses.map((status, i) => ({ uuid: `b${i}`, status })),
  ...extra,
});

describe('diff by JSON pointer', () => {
  it('names the member that changed, and only that one', () => {
    const lines = formatDifferences(diff(order(['ON_HOLD', 'ON_HOLD', 'ON_HOLD']), order(['ON_HOLD', 'ON_HOLD', 'CONFIRMED'])));
    assert.deepEqual(lines, ['/bookings/2/status: ON_HOLD -> CONFIRMED']);
  });

  it('names missing and added members and array elements, escaping / and ~ in keys', () => {
    const lines = formatDifferences(diff({ a: 1, 'x/y~z': [1, 2] }, { b: 2, 'x/y~z': [1] }));
    assert.deepEqual(lines, ['/a: 1 -> (missing)', '/b: (absent) -> 2', '/x~1y~0z/1: 2 -> (missing)']);
  });

  it('finds no difference in key order, and ignores added members when asked', () => {
    assert.deepEqual(diff({ a: 1, b: { c: [1, { d: 2 }] } }, { b: { c: [1, { d: 2 }] }, a: 1 }), []);
    assert.deepEqual(diff({ a: 1 }, { a: 1, servedAt: 'now' }, { ignoreAdded: true }), []);
  });

  it('compares only the members a rule names ("unchanged"), with * for every index', () => {
    const before = order(['ON_HOLD', 'CANCELLED'], { readAt: 't1' });
    const after = order(['CONFIRMED', 'CANCELLED'], { readAt: 't2', etag: 'x' });
    assert.deepEqual(formatDifferences(changedMembers(before, after, ['/status', '/bookings/*/status'])), ['/bookings/0/status: ON_HOLD -> CONFIRMED']);
    assert.deepEqual(changedMembers(before, { ...before, readAt: 't3' }, ['/status', '/bookings/*/status']), []);
    assert.throws(
      () => expectMembersUnchanged({ fail: (m, d) => { throw new RuleViolation(m, d); } }, before, after, ['/bookings/*/status'], 'confirm changed the order'),
      (err: RuleViolation) => err.detail.differences?.[0].pointer === '/bookings/0/status',
    );
  });
});
