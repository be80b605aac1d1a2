/**
 * How far apart the writes of a repeated race leave (explore/sweep.ts staggerFor): a window between one write's check
 * and its write is met by the other whichever write checks, and whether the first time it succeeded or was refused.
 */
import assert from 'node:assert/strict';
import type { Action, Env } from '../../conformance/explore/core.js';
import type { StepSpec } from '../../conformance/explore/engine.js';
import { type CartState, together } from '../../conformance/explore/model-cart.js';
import { staggerFor } from '../../conformance/explore/sweep.js';

describe('the staggering of a repeated race', () => {
  it('sends the writes together the first time, and whenever nothing was timed', () => {
    assert.equal(staggerFor(0, { first: { ms: 100, ok: true }, others: { ms: 100, ok: true } }), undefined);
    assert.equal(staggerFor(1, undefined), undefined);
  });

  it('lets the other write leave inside the slow step of a first write that succeeded, then the other way round', () => {
    const race = { first: { ms: 3000, ok: true }, others: { ms: 40, ok: true } };
    assert.equal(staggerFor(1, race), 1500);
    assert.equal(staggerFor(2, race), -20);
  });

  it('sends them together again in a second round, on the connections the first opened, then staggered as before', () => {
    const race = { first: { ms: 3000, ok: true }, others: { ms: 40, ok: true } };
    assert.equal(staggerFor(3, race), undefined);
    assert.equal(staggerFor(4, race), 1500);
    assert.equal(staggerFor(5, race), -20);
  });

  it('lets the other write leave once a refused write has made its check: its whole time after it', () => {
    // The second write got in first and the first was refused just after its check: next time the first must have
    // checked before the second arrives, or the window after its check is never met.
    const race = { first: { ms: 60, ok: false }, others: { ms: 50, ok: true } };
    assert.equal(staggerFor(1, race), 60);
    assert.equal(staggerFor(2, race), -25);
    assert.equal(staggerFor(2, { first: race.first, others: { ms: 50, ok: false } }), -50);
  });
});

describe('the sending order of writes at once in the cart model', () => {
  const step = (label: string): StepSpec<CartState> => ({ name: label, make: () => [{ label, send: async () => undefined, judge: () => undefined } as unknown as Action<CartState>] });
  const labels = (actions: Action<CartState>[] | undefined) => actions?.map((a) => a.label);

  it("alternates within a run and never because of another run's races", () => {
    const both = together(step('confirm'), step('cancel'));
    const s = {} as CartState;
    const run = {} as Env;
    const other = {} as Env;
    assert.deepEqual(labels(both.make(s, run)), ['confirm', 'cancel']);
    // Another run in flight at the same time (another check of the same certification) sends its own races.
    assert.deepEqual(labels(both.make(s, other)), ['confirm', 'cancel']);
    assert.deepEqual(labels(both.make(s, other)), ['cancel', 'confirm']);
    assert.deepEqual(labels(both.make(s, run)), ['cancel', 'confirm']);
    // A repeat of a sweep case is a fresh run: the same order as the first time, so its stagger applies to the same write.
    assert.deepEqual(labels(both.make(s, {} as Env)), ['confirm', 'cancel']);
  });
});
