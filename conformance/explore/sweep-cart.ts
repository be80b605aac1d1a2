/**
 * The Cart sweep: certify's cases derived from the Cart model by loops, not picked by hand. Every reachable
 * state of an order (held, held with one booking cancelled or confirmed on its own, confirmed, cancelled,
 * expired, final states past their old expiry, pending, rejected, confirmed after pending) x every operation, by
 * the owner; every operation by the other tenant (including lookups by orderId and by uuid); every pair of writes
 * sent at once, repeated; every write while the order is read again and again; confirm and cancel while bookings
 * keep joining; every final state re-read a minute, an hour and a day later; every documented limit at
 * min-1, min, max, max+1; the retry rule with each member changed. Each case ends comparing the order with each
 * of its bookings read alone.
 */
import type { StepSpec } from './engine.js';
import { IDENTICAL_REPEAT, RACE_REPEAT, type SweepCase, type SweepModel } from './sweep.js';
import type { Avail, CartState } from './cart-judge.js';
import {
  AVAIL_NEEDS,
  bookingOpStep,
  cartModel,
  clockStep,
  compareStep,
  createStep,
  joinsDuringStep,
  orderOpStep,
  readOrderStep,
  readsDuringStep,
  together,
  writeStep,
  WRITES,
  type CreateParams,
  type RetryChange,
  type Write,
} from './model-cart.js';

type Steps = StepSpec<CartState>[];

interface State {
  name: string;
  steps: Steps;
  /** The availability its bookings take (a booking joining it takes the same). */
  avail: Avail;
  needs: string[];
  clock?: boolean;
  /** Pending or rejected: operations on it are judged by the pending rules. */
  pending?: boolean;
  /**
   * Operations after which the rules leave this state as it was, whatever the server may answer (refused, or
   * answered without a change): they are sent one after another in one case. Every other operation has a case
   * of its own, since the server may take it and the state would change under the next one.
   */
  keeps: Op[];
  /** Also probed by the other tenant (one state of each status). */
  tenancy?: boolean;
}

/** Operations by the owner, each followed by the comparison of the order and its bookings. */
type Op = Write | 'retry';
const OPS: Op[] = [...WRITES, 'retry'];
const OP_RULE: Record<Op, string> = {
  confirm: 'CART-ORDER-CONFIRM-ALL',
  extend: 'CART-ORDER-EXTEND-ONLY-ON-HOLD',
  cancel: 'CART-ORDER-CANCEL-DELETE',
  join: 'CART-ORDER-JOIN-ONLY-ON-HOLD',
  'booking-confirm': 'CART-ORDER-ALL-OR-NOTHING',
  'booking-cancel': 'CART-CANCEL-RECOMMENDED',
  retry: 'CART-CREATE-RETRY',
};

const book = (p: Partial<CreateParams> & Pick<CreateParams, 'target'>, readBack = true) => createStep({ tenant: 0, minutes: 30, avail: 'open', units: 1, i: 0, ...p }, readBack);
/** A held order of two bookings (the second on `second`). */
const held = (avail: Avail = 'open', second: Avail = avail): Steps => [book({ target: 'new', avail }), book({ target: 'join', avail: second })];
const NEEDS_ASYNC = AVAIL_NEEDS.async;
const NEEDS_REJECTING = AVAIL_NEEDS.rejecting;
const confirm = orderOpStep({ op: 'confirm', i: 0 });
const cancel = orderOpStep({ op: 'cancel', i: 0 });
const settle = [clockStep('settle'), readOrderStep(0)];

// What keeps each state, from the catalogue: a blocked order operation fails (CART-ORDER-ALL-OR-NOTHING), nothing
// joins or extends an order not ON_HOLD (CART-ORDER-JOIN-ONLY-ON-HOLD, -EXTEND-ONLY-ON-HOLD), an expired order is no
// longer usable (CART-ORDER-EXPIRES), a retry is the original (CART-CREATE-RETRY), REJECTED and CANCELLED are final.
const BLOCKED: Op[] = ['confirm', 'extend', 'cancel', 'retry'];
const CONFIRMED_KEEPS: Op[] = ['extend', 'join', 'confirm', 'retry'];
const PENDING_KEEPS: Op[] = ['extend', 'join', 'confirm', 'booking-confirm', 'retry'];
const STATES: State[] = [
  { name: 'held', steps: held(), avail: 'open', needs: [], keeps: ['retry'], tenancy: true },
  { name: 'held-one-cancelled', steps: [...held(), bookingOpStep({ op: 'cancel', i: 1 })], avail: 'open', needs: [], keeps: BLOCKED },
  { name: 'held-one-confirmed', steps: [...held(), bookingOpStep({ op: 'confirm', i: 1 })], avail: 'open', needs: [], keeps: BLOCKED },
  { name: 'confirmed', steps: [...held(), confirm], avail: 'open', needs: [], keeps: CONFIRMED_KEEPS, tenancy: true },
  { name: 'cancelled', steps: [...held(), cancel], avail: 'open', needs: [], keeps: OPS, tenancy: true },
  { name: 'expired', steps: [...held(), clockStep('past'), readOrderStep(0)], avail: 'open', needs: [], clock: true, keeps: ['confirm', 'extend', 'join', 'booking-confirm', 'retry'], tenancy: true },
  { name: 'confirmed-past-expiry', steps: [...held(), confirm, clockStep('expiry'), readOrderStep(0)], avail: 'open', needs: [], clock: true, keeps: CONFIRMED_KEEPS },
  { name: 'cancelled-past-expiry', steps: [...held(), cancel, clockStep('expiry'), readOrderStep(0)], avail: 'open', needs: [], clock: true, keeps: OPS },
  { name: 'pending', steps: [...held('async'), confirm], avail: 'async', needs: NEEDS_ASYNC, pending: true, keeps: PENDING_KEEPS, tenancy: true },
  { name: 'pending-rejecting', steps: [...held('async', 'rejecting'), confirm], avail: 'async', needs: NEEDS_REJECTING, pending: true, keeps: PENDING_KEEPS },
  { name: 'confirmed-after-pending', steps: [...held('async'), confirm, ...settle], avail: 'async', needs: NEEDS_ASYNC, clock: true, keeps: CONFIRMED_KEEPS },
  { name: 'rejected', steps: [...held('async', 'rejecting'), confirm, ...settle], avail: 'async', needs: NEEDS_REJECTING, clock: true, pending: true, keeps: OPS, tenancy: true },
];

function opSteps(op: Op, st: State): Steps {
  if (op === 'retry') return [createStep({ tenant: 0, target: 'new', minutes: 30, avail: st.avail, units: 1, retryOf: 0, change: 'none' })];
  return [writeStep(op, 0, st.avail)];
}

/** Everything the other tenant can send about the owner's order: each must be a 404 or a thing of its own. */
const otherTenant = (st: State): Steps => [
  readOrderStep(0, true),
  ...(['confirm', 'extend', 'cancel'] as const).map((op) => orderOpStep({ op, i: 0, other: true })),
  ...(['read', 'confirm', 'cancel'] as const).map((op) => bookingOpStep({ op, i: 0, other: true })),
  // Lookups by orderId and by uuid: the other tenant's create makes its own order and booking.
  createStep({ tenant: 1, target: 'join', i: 0, minutes: 30, avail: st.avail, units: 1 }),
  createStep({ tenant: 1, target: 'new', minutes: 30, avail: st.avail, units: 1, retryOf: 0 }),
];

const stateCases = (): SweepCase<CartState>[] =>
  STATES.flatMap((st) => {
    // A pending order's clean-up lets its decision settle, which moves the clock: such a case says so up front, so
    // it is never stopped half-way (its orders left pending, holding places of a small availability).
    const base = { needs: st.needs, clock: st.clock, ...(st.pending ? { time: 'moves' as const } : {}) };
    const own = OPS.filter((op) => !st.keeps.includes(op)).map(
      (op): SweepCase<CartState> => ({
        ...base,
        id: `${st.name}-${op}`,
        rule: st.pending ? 'CART-ORDER-PENDING-FLOW' : OP_RULE[op],
        title: `${op} by the owner of an order ${st.name}: the answer and the order after it are what the rules allow`,
        steps: [...st.steps, ...opSteps(op, st), compareStep(0)],
      }),
    );
    const kept: SweepCase<CartState> = {
      ...base,
      id: `${st.name}-kept-by-${st.keeps.join('-')}`,
      rule: st.pending ? 'CART-ORDER-PENDING-FLOW' : OP_RULE[st.keeps[0]],
      title: `${st.keeps.join(', ')} by the owner of an order ${st.name}, one after another: each refused or answered without a change, the order as it was`,
      steps: [...st.steps, ...st.keeps.flatMap((op) => opSteps(op, st)), compareStep(0)],
    };
    const tenancy: SweepCase<CartState> = {
      ...base,
      id: `${st.name}-other-tenant`,
      rule: 'CART-TENANCY',
      title: `every read and write of an order ${st.name} by the other tenant answers 404 or acts on its own data; the order is unchanged`,
      steps: [...st.steps, ...otherTenant(st), compareStep(0)],
    };
    // A pending order's operations again after the supplier's decision is due: what they did must outlast it.
    const settled = st.pending && !st.clock ? own.map((c): SweepCase<CartState> => ({ ...c, id: `${c.id}-then-settled`, title: `${c.title}, also once the decision is due`, steps: [...c.steps, clockStep('settle'), compareStep(0)], clock: true })) : [];
    return [...own, ...settled, kept, ...(st.tenancy ? [tenancy] : [])];
  });

const pairCases = (): SweepCase<CartState>[] => {
  const pairs: [Write, Write][] = WRITES.flatMap((a, k) => WRITES.slice(k).map((b): [Write, Write] => [a, b]));
  const pendingPairs: [Write, Write][] = [
    ['confirm', 'confirm'],
    ['confirm', 'cancel'],
    ['cancel', 'cancel'],
  ];
  return [
    ...pairs.map(([a, b]): SweepCase<CartState> => ({
      id: `held-${a}-and-${b}-at-once`,
      rule: 'CART-ORDER-ALL-OR-NOTHING',
      title: `${a} and ${b} of one held order sent at the same moment: some serial order explains both answers and the order after`,
      steps: [...held(), together(writeStep(a, 0), writeStep(b, 0)), compareStep(0)],
      repeat: RACE_REPEAT,
    })),
    ...pendingPairs.map(([a, b]): SweepCase<CartState> => ({
      id: `pending-${a}-and-${b}-at-once`,
      rule: 'CART-ORDER-PENDING-FLOW',
      title: `${a} and ${b} of one pending order sent at the same moment: some serial order explains both answers and the order after`,
      steps: [...held('async'), confirm, together(writeStep(a, 0, 'async'), writeStep(b, 0, 'async')), compareStep(0)],
      needs: NEEDS_ASYNC,
      repeat: RACE_REPEAT,
    })),
    {
      id: 'same-create-twice-at-once',
      rule: 'CART-CREATE-RETRY',
      title: 'one create sent twice at the same moment makes one booking, and both answers are it',
      steps: [{ name: 'the same create twice at once', make: (s, env) => { const a = book({ target: 'new' }, false).make(s, env); return a && [...a, ...a]; } }, compareStep(0)],
      repeat: IDENTICAL_REPEAT,
    },
    {
      id: 'two-bookings-open-one-order-at-once',
      rule: 'CART-ORDER-CREATED-ON-DEMAND',
      title: 'two bookings naming one new orderId at the same moment end in one order holding both',
      steps: [
        {
          name: 'two bookings creating one order at once',
          make(s, env) {
            const orderId = `${env.prefix}o${++env.counter}`;
            return together(book({ target: 'new', orderId }, false), book({ target: 'new', orderId }, false)).make(s, env);
          },
        },
        compareStep(0),
      ],
      repeat: IDENTICAL_REPEAT,
    },
  ];
};

/**
 * Each write on a held order that changes the order as a whole (an order operation, or a booking joining it), and
 * the cancel of a confirmed order, while the order is read again and again: the order and its bookings are read as
 * one, so every read shows the order wholly as before the write or wholly as after it. A booking's own confirm or
 * cancel changes that booking alone: no read can show half of it. Repeated: a read that puts the order together from
 * two reads shows a mix only when the write commits between them.
 */
const READ_DURING_REPEAT = 3;
const ORDER_WRITES = WRITES.filter((w) => !w.startsWith('booking-'));
const readDuringCases = (): SweepCase<CartState>[] => [
  ...ORDER_WRITES.map((w): SweepCase<CartState> => ({
    id: `held-${w}-while-read`,
    rule: 'CART-ORDER-ALL-OR-NOTHING',
    title: `${w} of a held order while the order is read again and again: each read shows the order wholly as before it or wholly as after it`,
    steps: [...held(), readsDuringStep(w, 0), compareStep(0)],
    repeat: READ_DURING_REPEAT,
  })),
  {
    id: 'confirmed-cancel-while-read',
    rule: 'CART-ORDER-ALL-OR-NOTHING',
    title: 'cancel of a confirmed order while the order is read again and again: each read shows the order wholly as before it or wholly as after it',
    steps: [...held(), confirm, readsDuringStep('cancel', 0), compareStep(0)],
    repeat: READ_DURING_REPEAT,
  },
];

/**
 * The confirm and the cancel of a held order while bookings keep joining it: every join that succeeded came before
 * the operation, which then acted on it and lists it; every join refused came after.
 */
const joinsDuringCases = (): SweepCase<CartState>[] =>
  (['confirm', 'cancel'] as const).map((op) => ({
    id: `held-${op}-while-bookings-join`,
    rule: 'CART-ORDER-OPS-COLLECTIVE',
    title: `${op} of a held order while bookings keep joining it: the operation acts on, and lists, every booking that joined before it; none joins after`,
    steps: [...held(), joinsDuringStep(op, 0), compareStep(0)],
    repeat: READ_DURING_REPEAT,
  }));

/** Final states (and a held order, whose hold ends) re-read after a minute, an hour and a day. */
const clockCases = (): SweepCase<CartState>[] =>
  STATES.filter((st) => ['held', 'confirmed', 'cancelled', 'expired', 'confirmed-after-pending', 'rejected'].includes(st.name)).map((st) => ({
    id: `${st.name}-after-a-minute-an-hour-a-day`,
    rule: 'CART-ORDER-READ',
    title: `an order ${st.name} read again after a minute, an hour and a day reads as its rules say (expiry ends holds, not final states)`,
    steps: [...st.steps, clockStep('minute'), compareStep(0), clockStep('hour'), compareStep(0), clockStep('day'), compareStep(0)],
    needs: st.needs,
    clock: true,
  }));

/**
 * Each limit of a create and an extension at min-1, min, max and max+1. The holds, the number of unit items and the
 * lengths are the spec's own (specs/cart/openapi.yaml says so: the sources set none), so a server may draw them
 * elsewhere: at and past them a create is taken or cleanly refused, an extension granted (not earlier) or cleanly
 * refused. A create with no unit item is no booking at all, and is refused.
 */
const limitCases = (): SweepCase<CartState>[] => {
  const pad = (env: { prefix: string; counter: number }, n: number) => `${env.prefix}o${++env.counter}`.padEnd(n, 'x');
  const creates: { id: string; p: Partial<CreateParams> }[] = [
    { id: 'hold-0-minutes', p: { minutes: 0, ownLimit: 'past' } },
    { id: 'hold-1-minute', p: { minutes: 1, ownLimit: 'at' } },
    { id: 'hold-1440-minutes', p: { minutes: 1440, ownLimit: 'at' } },
    { id: 'hold-1441-minutes', p: { minutes: 1441, ownLimit: 'past' } },
    { id: '0-unit-items', p: { units: 0, invalid: true } },
    { id: '20-unit-items', p: { units: 20, ownLimit: 'at' } },
    { id: '21-unit-items', p: { units: 21, ownLimit: 'past' } },
    { id: 'reseller-reference-100', p: { overrides: { resellerReference: 'r'.repeat(100) }, ownLimit: 'at' } },
    { id: 'reseller-reference-101', p: { overrides: { resellerReference: 'r'.repeat(101) }, ownLimit: 'past' } },
    { id: 'order-id-empty', p: { overrides: { orderId: '' }, ownLimit: 'past' } },
    { id: 'order-id-64', p: { overrides: (env) => ({ orderId: pad(env, 64) }), ownLimit: 'at' } },
    { id: 'order-id-65', p: { overrides: (env) => ({ orderId: pad(env, 65) }), ownLimit: 'past' } },
  ];
  return [
    ...creates.map(({ id, p }): SweepCase<CartState> => ({
      id: `create-${id}`,
      rule: p.invalid || p.ownLimit === 'past' ? 'CART-BAD-INPUT' : 'CART-ORDER-CREATED-ON-DEMAND',
      title: `a create with ${id.replace(/-/g, ' ')} is ${p.invalid ? 'refused with 400 and creates nothing' : p.ownLimit === 'past' ? 'taken, or refused with an error and creates nothing' : 'accepted, or refused with an error and creates nothing'}`,
      // Taken at the limit, the order is compared as any other; refused, there is no order to compare.
      steps: p.ownLimit === 'at' ? [book({ target: 'new', ...p }), { ...compareStep(0), optional: true }] : [book({ target: 'new', ...p })],
    })),
    ...[0, 1, 1440, 1441].map((minutes): SweepCase<CartState> => ({
      id: `extend-by-${minutes}-minutes`,
      rule: 'CART-ORDER-EXTEND-NOT-EARLIER',
      title: `an extension by ${minutes} minutes is granted (not earlier) or refused with an error`,
      steps: [...held(), orderOpStep({ op: 'extend', i: 0, minutes, readAfter: true }), compareStep(0)],
    })),
  ];
};

/** The retry rule: the same request (also with its members in another order) is the original; one member changed is another request. */
const RETRY_CHANGES: RetryChange[] = ['none', 'key-order', 'resellerReference', 'holdExpirationMinutes', 'unitItems', 'availabilityId', 'orderId'];
const retryCases = (): SweepCase<CartState>[] => [
  ...RETRY_CHANGES.map((change) => ({
    id: `create-again-${change === 'none' ? 'same-body' : change === 'key-order' ? 'members-reordered' : `other-${change}`}`,
    rule: 'CART-CREATE-RETRY',
    title: `a create repeated with the same uuid and ${change === 'none' ? 'the same body returns the original' : change === 'key-order' ? 'its members in another order returns the original' : `another ${change} is refused, the original unchanged`}`,
    steps: [book({ target: 'new' }), createStep({ tenant: 0, target: 'new', minutes: 30, avail: 'open', units: 1, retryOf: 0, change }), compareStep(0)],
    needs: change === 'availabilityId' ? ['smallAvailabilityId'] : [],
  })),
  // The request is what was asked, not what was granted: two holds past any cap a supplier may set are still two requests.
  {
    id: 'create-again-other-holdExpirationMinutes-at-the-maximum',
    rule: 'CART-CREATE-RETRY',
    title: 'a create asking a 1439 minutes hold repeated with the same uuid asking 1440 (the maximum) is refused, the original unchanged',
    // A server whose own limit is lower refuses the first create: then the case is not judged.
    steps: [book({ target: 'new', minutes: 1439, ownLimit: 'at' }), createStep({ tenant: 0, target: 'new', minutes: 1439, avail: 'open', units: 1, retryOf: 0, change: 'holdExpirationMinutes' }), compareStep(0)],
    needs: [],
  },
];

/** A case on the main availability (room for a whole run) judges only its own orders: it may overlap other checks. */
export const cartSweep = (): SweepCase<CartState>[] =>
  [...stateCases(), ...pairCases(), ...readDuringCases(), ...joinsDuringCases(), ...clockCases(), ...limitCases(), ...retryCases()].map((c) => ({ ...c, independent: true, ...scarce(c), ...capabilityOf(c) }));

/** The few places of the small or the rejecting availability: the cases that hold them take turns. */
const scarce = (c: SweepCase<CartState>): Pick<SweepCase<CartState>, 'uses'> => {
  const key = ['rejectingAvailabilityId', 'smallAvailabilityId'].find((k) => c.needs?.includes(k));
  return key ? { uses: key } : {};
};

/** A case on the rejecting or the pending availability belongs to the capability that makes such an order. */
const capabilityOf = (c: SweepCase<CartState>): Pick<SweepCase<CartState>, 'capability'> =>
  c.needs?.includes('rejectingAvailabilityId') ? { capability: 'asyncRejection' } : c.needs?.includes('asyncAvailabilityId') ? { capability: 'asyncConfirmation' } : {};

export const cartSweepModel: SweepModel<CartState> = { ...cartModel, sweep: cartSweep };
