/**
 * The activation sweep: fixed cases over the activation model (model-activation.ts), derived by loops, not picked
 * by hand: every order operation from every state an access reaches, by the owner and the other provider; writes
 * paired at the same moment; the same intent in other bodies; limits at their edges; every final state's order and
 * event compared member by member and re-read after a minute, an hour and a day; a reader following the feed.
 */
import type { Tenant } from './core.js';
import type { StepSpec } from './engine.js';
import { activationModel, atOnce, feedStep, finishStep, followStep, laterStep, placeStep, readAllStep, type ActivationState, type Extra, type Op } from './model-activation.js';
import { RACE_REPEAT, type SweepCase, type SweepModel } from './sweep.js';

type Step = StepSpec<ActivationState>;
const A: Tenant = 0;
const B: Tenant = 1;
/** Indexes into the model's accesses and services. */
const HERE = 0;
const ELSEWHERE = 1;
const FAILING = 2;
const SERVICE = 0;
const SAME_TYPE = 1;
const SERVICES = ['service', 'same-type'];
const TENANTS = ['owner', 'other'];

const ref = (r: string): Extra => ({ body: { spReference: r }, what: `spReference ${r}` });
const mac = (i: number) => `02:00:00:00:${String(Math.floor(i / 100)).padStart(2, '0')}:${String(i % 100).padStart(2, '0')}`;
const equipment = (count: number, vendorId = 'vendor') => Array.from({ length: count }, (_, i) => ({ vendorId, macAddress: mac(i) }));

/** The states of provider A's service at an access, and how each is reached from a clean access. */
interface State {
  access: number;
  reach: Step[];
  needs?: string[];
  /** Provider A's service: the active one, or the one with an order in progress ('' when none). */
  holds: { service: number; inProgress: boolean } | undefined;
}
const STATES: Record<string, State> = {
  idle: { access: HERE, reach: [], holds: undefined },
  activating: { access: HERE, reach: [placeStep(A, HERE, SERVICE, 'ACTIVATE', ref('first'))], holds: { service: SERVICE, inProgress: true } },
  active: { access: HERE, reach: [placeStep(A, HERE, SERVICE, 'ACTIVATE'), finishStep()], holds: { service: SERVICE, inProgress: false } },
  deactivating: { access: HERE, reach: [placeStep(A, HERE, SERVICE, 'ACTIVATE'), finishStep(), placeStep(A, HERE, SERVICE, 'DEACTIVATE')], holds: { service: SERVICE, inProgress: true } },
  'same-type-active': { access: HERE, reach: [placeStep(A, HERE, SAME_TYPE, 'ACTIVATE'), finishStep()], holds: { service: SAME_TYPE, inProgress: false } },
  failed: { access: FAILING, reach: [placeStep(A, FAILING, SERVICE, 'ACTIVATE'), finishStep()], needs: ['failingAccess'], holds: undefined },
};
const PROBES: Array<{ op: Op; service: number }> = [
  { op: 'ACTIVATE', service: SERVICE },
  { op: 'ACTIVATE', service: SAME_TYPE },
  { op: 'DEACTIVATE', service: SERVICE },
];

/** The rule a probe's answer is about, as the model will judge it (a finding on the way names its own). */
function ruleOf(state: State, op: Op, service: number, tenant: Tenant): string {
  const held = state.holds;
  if (!held) return op === 'ACTIVATE' ? 'ACT-ORDER-CREATED' : 'ACT-ORDER-NOTHING-TO-DO';
  if (tenant === B) return held.inProgress ? 'ACT-TENANCY' : op === 'ACTIVATE' ? 'ACT-ORDER-TYPE-CLAIMED' : 'ACT-ORDER-NOTHING-TO-DO';
  if (held.inProgress) return service === held.service ? 'ACT-ORDER-IN-PROGRESS' : 'ACT-ORDER-SAME-TYPE-ACTIVE';
  if (op === 'DEACTIVATE') return service === held.service ? 'ACT-ORDER-CREATED' : 'ACT-ORDER-NOTHING-TO-DO';
  return service === held.service ? 'ACT-ORDER-NOTHING-TO-DO' : 'ACT-ORDER-SAME-TYPE-ACTIVE';
}

/** After a probe: every order read (owner and other provider), finished, read again; the access's active list judged. */
const settleAndReread: Step[] = [readAllStep(), finishStep(), readAllStep(false)];

function gridCases(): SweepCase<ActivationState>[] {
  const cases: SweepCase<ActivationState>[] = [];
  for (const [name, state] of Object.entries(STATES)) {
    for (const probe of PROBES) {
      for (const tenant of [A, B]) {
        cases.push({
          id: `act-${name}-${probe.op.toLowerCase()}-${SERVICES[probe.service]}-by-${TENANTS[tenant]}`,
          rule: ruleOf(state, probe.op, probe.service, tenant),
          title: `${probe.op} of the ${SERVICES[probe.service]} service by the ${TENANTS[tenant]} provider at an access where A's service is ${name}`,
          steps: [...state.reach, placeStep(tenant, state.access, probe.service, probe.op), ...settleAndReread],
          ...(state.needs ? { needs: state.needs } : {}),
          // The failing access is shared by every check that uses it: one at a time.
          independent: true,
          ...(state.access === FAILING ? { uses: 'failingAccess' } : {}),
        });
      }
    }
  }
  return cases;
}

/** Writes paired with themselves and with each conflicting write, at the same moment, from the two states they start in. */
function raceCases(): SweepCase<ActivationState>[] {
  const write = (tenant: Tenant, op: Op, service: number) => ({ tenant, op, service, name: `${TENANTS[tenant]}-${op.toLowerCase()}-${SERVICES[service]}` });
  const pairs = [
    { from: 'idle', a: write(A, 'ACTIVATE', SERVICE), b: write(A, 'ACTIVATE', SERVICE), rule: 'ACT-ORDER-IN-PROGRESS' },
    { from: 'idle', a: write(A, 'ACTIVATE', SERVICE), b: write(A, 'ACTIVATE', SAME_TYPE), rule: 'ACT-ORDER-SAME-TYPE-ACTIVE' },
    { from: 'idle', a: write(A, 'ACTIVATE', SERVICE), b: write(B, 'ACTIVATE', SERVICE), rule: 'ACT-ORDER-TYPE-CLAIMED' },
    { from: 'idle', a: write(A, 'ACTIVATE', SERVICE), b: write(A, 'DEACTIVATE', SERVICE), rule: 'ACT-ORDER-IN-PROGRESS' },
    { from: 'active', a: write(A, 'DEACTIVATE', SERVICE), b: write(A, 'DEACTIVATE', SERVICE), rule: 'ACT-ORDER-IN-PROGRESS' },
    { from: 'active', a: write(A, 'DEACTIVATE', SERVICE), b: write(A, 'ACTIVATE', SAME_TYPE), rule: 'ACT-ORDER-SAME-TYPE-ACTIVE' },
    { from: 'active', a: write(A, 'DEACTIVATE', SERVICE), b: write(B, 'ACTIVATE', SERVICE), rule: 'ACT-ORDER-TYPE-CLAIMED' },
  ];
  // Three runs each: at once, then each way round a little apart (sweep.ts); every wait for orders to finish grows
  // the check's budget by the profile's finishSeconds, so the three fit a slow worker too.
  return pairs.map(({ from, a, b, rule }) => ({
    id: `act-race-${from}-${a.name}-with-${b.name}`,
    rule,
    title: `from ${from}: ${a.op} of the ${SERVICES[a.service]} service by the ${TENANTS[a.tenant]} provider and ${b.op} of the ${SERVICES[b.service]} service by the ${TENANTS[b.tenant]} provider at the same moment`,
    steps: [...STATES[from].reach, atOnce(placeStep(a.tenant, HERE, a.service, a.op), placeStep(b.tenant, HERE, b.service, b.op)), readAllStep(false), finishStep()],
    repeat: RACE_REPEAT,
    independent: true,
  }));
}

/**
 * ACT-ORDER-IN-PROGRESS names "the same service" (at the access, of the provider): the other members (operation,
 * spReference, equipment) may differ and it is still the order in progress. Similar bodies of another intent (another
 * service, another access) are not.
 */
function sameIntentCases(): SweepCase<ActivationState>[] {
  const first = { body: { spReference: 'first', equipment: equipment(1) }, what: 'spReference first and one equipment entry' };
  const others: Array<{ id: string; op: Op; extra: Extra }> = [
    { id: 'other-sp-reference', op: 'ACTIVATE', extra: { body: { spReference: 'second', equipment: equipment(1) }, what: 'another spReference' } },
    { id: 'other-equipment', op: 'ACTIVATE', extra: { body: { spReference: 'first', equipment: equipment(2, 'other') }, what: 'other equipment' } },
    { id: 'optional-members-left-out', op: 'ACTIVATE', extra: {} },
    { id: 'deactivate', op: 'DEACTIVATE', extra: {} },
  ];
  const cases: SweepCase<ActivationState>[] = [];
  for (const o of others) {
    cases.push({
      id: `act-in-progress-activate-then-${o.id}`,
      rule: 'ACT-ORDER-IN-PROGRESS',
      title: `while A's ACTIVATE is in progress, the same service again with ${o.extra.what ?? o.op}: the order in progress`,
      steps: [placeStep(A, HERE, SERVICE, 'ACTIVATE', first), placeStep(A, HERE, SERVICE, o.op, o.extra), ...settleAndReread],
      independent: true,
    });
  }
  cases.push({
    id: 'act-in-progress-deactivate-then-activate-with-sp-reference',
    rule: 'ACT-ORDER-IN-PROGRESS',
    title: "while A's DEACTIVATE is in progress, an ACTIVATE of the same service with an spReference: the order in progress",
    steps: [...STATES.active.reach, placeStep(A, HERE, SERVICE, 'DEACTIVATE'), placeStep(A, HERE, SERVICE, 'ACTIVATE', ref('back')), ...settleAndReread],
    independent: true,
  });
  // Another intent in a similar body: the same body at another access is a new order.
  cases.push({
    id: 'act-in-progress-same-body-other-access',
    rule: 'ACT-ORDER-CREATED',
    title: "while A's ACTIVATE is in progress, the same body at another access: a new order",
    steps: [placeStep(A, HERE, SERVICE, 'ACTIVATE', first), placeStep(A, ELSEWHERE, SERVICE, 'ACTIVATE', first), ...settleAndReread],
    independent: true,
  });
  return cases;
}

/**
 * Each limit of an order body at min-1, min, max and max+1 (where the step exists), and the MAC address format at
 * its edges. The number of equipment entries and a vendorId's length are the spec's own (the source's vendorId is
 * "text", its list unbounded): within them an order is received, past them it may be refused (400 with a cause) or
 * received. The other limits are the source's: past them, 400.
 */
function limitCases(): SweepCase<ActivationState>[] {
  const limits: Array<{ id: string; body: Record<string, unknown>; what: string; invalid: boolean; ownLimit?: boolean }> = [
    { id: 'sp-reference-0', body: { spReference: '' }, what: 'an empty spReference (its minimum)', invalid: false },
    { id: 'sp-reference-255', body: { spReference: 'r'.repeat(255) }, what: 'an spReference of 255 characters (its maximum)', invalid: false },
    { id: 'sp-reference-256', body: { spReference: 'r'.repeat(256) }, what: 'an spReference of 256 characters', invalid: true },
    { id: 'equipment-0', body: { equipment: [] }, what: 'no equipment entries (the minimum)', invalid: false },
    { id: 'equipment-16', body: { equipment: equipment(16) }, what: '16 equipment entries (the maximum)', invalid: false },
    { id: 'equipment-17', body: { equipment: equipment(17) }, what: '17 equipment entries', invalid: false, ownLimit: true },
    { id: 'vendor-id-0', body: { equipment: equipment(1, '') }, what: 'an empty vendorId', invalid: false, ownLimit: true },
    { id: 'vendor-id-1', body: { equipment: equipment(1, 'v') }, what: 'a vendorId of 1 character (its minimum)', invalid: false },
    { id: 'vendor-id-64', body: { equipment: equipment(1, 'v'.repeat(64)) }, what: 'a vendorId of 64 characters (its maximum)', invalid: false },
    { id: 'vendor-id-65', body: { equipment: equipment(1, 'v'.repeat(65)) }, what: 'a vendorId of 65 characters', invalid: false, ownLimit: true },
    // A MAC address is "text, formatted as octets delimited by ':'": six of them, nothing before or after.
    { id: 'mac-mixed-case', body: { equipment: [{ vendorId: 'vendor', macAddress: '0a:1B:2c:3D:4e:5F' }] }, what: 'a MAC address in mixed case', invalid: false },
    { id: 'mac-7-octets', body: { equipment: [{ vendorId: 'vendor', macAddress: '02:00:00:00:00:01:02' }] }, what: 'a MAC address of 7 octets', invalid: true },
    { id: 'mac-5-octets', body: { equipment: [{ vendorId: 'vendor', macAddress: '02:00:00:00:01' }] }, what: 'a MAC address of 5 octets', invalid: true },
    { id: 'mac-text-before', body: { equipment: [{ vendorId: 'vendor', macAddress: 'x02:00:00:00:00:01' }] }, what: 'a MAC address with text before it', invalid: true },
    { id: 'mac-text-after', body: { equipment: [{ vendorId: 'vendor', macAddress: '02:00:00:00:00:01 x' }] }, what: 'a MAC address with text after it', invalid: true },
    { id: 'mac-dash-delimited', body: { equipment: [{ vendorId: 'vendor', macAddress: '02-00-00-00-00-01' }] }, what: 'a MAC address delimited by "-"', invalid: true },
    { id: 'access-id-0', body: { accessId: '' }, what: 'an empty accessId', invalid: true },
    { id: 'access-id-33', body: { accessId: 'A'.repeat(33) }, what: 'an accessId of 33 characters', invalid: true },
  ];
  return limits.map((l) => ({
    id: `act-limit-${l.id}`,
    rule: l.invalid || l.ownLimit ? 'ACT-ORDER-BAD-INPUT' : 'ACT-ORDER-CREATED',
    title: `an ACTIVATE with ${l.what} is ${l.invalid ? 'refused 400 with a cause' : l.ownLimit ? 'refused 400 with a cause, or received' : 'received'}`,
    steps: [placeStep(A, HERE, SERVICE, 'ACTIVATE', { body: l.body, what: l.what, invalid: l.invalid, ownLimit: l.ownLimit }), ...(l.invalid ? [] : [readAllStep()])],
    independent: true,
  }));
}

/**
 * Every final state: the order and its event compared member by member, then (with a test clock) re-read after a
 * minute, an hour and a day, the last time once an order placed after the day has finished.
 */
function finalCases(): SweepCase<ActivationState>[] {
  // `witness`: an order placed after the last jump, on an access the case leaves free, and waited for: once it has
  // finished, the server's background work has run since the clock moved (a worker on real time may not have yet
  // when the first re-read arrives), so a final order it changes is seen changed.
  const activateElsewhere = placeStep(A, ELSEWHERE, SAME_TYPE, 'ACTIVATE');
  const finals: Record<string, { reach: Step[]; witness: Step; needs?: string[] }> = {
    activated: { reach: STATES.active.reach, witness: activateElsewhere },
    deactivated: { reach: [...STATES.active.reach, placeStep(A, HERE, SERVICE, 'DEACTIVATE'), finishStep()], witness: activateElsewhere },
    failed: { reach: STATES.failed.reach, witness: activateElsewhere, needs: ['failingAccess'] },
    'failed-in-a-race': { reach: [atOnce(placeStep(A, HERE, SERVICE, 'ACTIVATE'), placeStep(A, HERE, SAME_TYPE, 'ACTIVATE')), finishStep()], witness: activateElsewhere },
    'two-providers': { reach: [placeStep(A, HERE, SERVICE, 'ACTIVATE'), placeStep(B, ELSEWHERE, SERVICE, 'ACTIVATE'), finishStep()], witness: placeStep(A, HERE, SERVICE, 'DEACTIVATE') },
  };
  // Every re-read compares all the case's events (since the feed's end when the case started, which must still be
  // there); a read of the whole feed is the hand-written checks' (its cost grows with the feed, the sweep's must not).
  const reread: Step[] = [readAllStep(false), feedStep(A, 'start'), feedStep(B, 'start'), feedStep(A, 0)];
  return Object.entries(finals).map(([name, f]) => ({
    id: `act-final-${name}-now-and-a-minute-an-hour-a-day-later`,
    rule: 'ACT-FEED-FIELDS-AS-ORDER',
    title: `${name}: each order's event carries the order's members as GET answers them, and orders and feed read the same a minute, an hour and a day later (with a test clock)`,
    steps: [...f.reach, readAllStep(), ...reread.slice(1), ...[60, 3600].flatMap((seconds) => [laterStep(seconds), ...reread]), laterStep(86_400), f.witness, finishStep(), ...reread],
    ...(f.needs ? { needs: f.needs, uses: 'failingAccess' } : {}),
    independent: true,
  }));
}

/** A reader of each provider following the since chain while orders of both finish at once (two of A's, one of B's). */
function followCases(): SweepCase<ActivationState>[] {
  return [1, 2].map((run) => ({
      id: `act-follow-the-feed-while-orders-finish-${run}`,
      rule: 'ACT-FEED-SINCE-CHAIN',
      title: 'a reader following since while orders finish at the same moment sees each event once, none passed over',
      steps: [placeStep(A, HERE, SERVICE, 'ACTIVATE'), placeStep(B, ELSEWHERE, SERVICE, 'ACTIVATE'), placeStep(A, ELSEWHERE, SAME_TYPE, 'ACTIVATE'), followStep(A), followStep(B), feedStep(A, 'start'), feedStep(B, 'start')],
      independent: true,
  }));
}

export const activationSweepModel: SweepModel<ActivationState> = {
  ...activationModel,
  // Every case judges orders while they may still be in progress, and moves the clock to finish them: no clock move
  // of another check may fall between its steps ('moves').
  sweep: () => [...gridCases(), ...raceCases(), ...sameIntentCases(), ...limitCases(), ...finalCases(), ...followCases()].map((c) => ({ ...c, time: 'moves' as const, ...(c.needs?.includes('failingAccess') ? { capability: 'failedOrders' as const } : {}) })),
};
