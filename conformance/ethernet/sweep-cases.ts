/**
 * The ethernet sweep: fixed cases derived from the behaviour model (conformance/explore/model-ethernet.ts) by
 * loops, not picked by hand: every operation from every state the buyer can reach, by the owner and the other
 * buyer; every write paired with itself and each other write at the same moment; final and held orders re-read
 * a minute, an hour and a day later; every documented limit at min-1, min, max and max+1; the purchase order
 * number as the order's identity whatever else the body says. Each case ends by reading the order and both
 * buyers' lists, compared member by member with the model.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { packageRoot } from '../framework/package-root.js';
import type { StepSpec } from '../explore/engine.js';
import { IDENTICAL_REPEAT, RACE_REPEAT, type SweepCase, type SweepModel } from '../explore/sweep.js';
import { INVALID_ORDER } from './support.js';
import {
  CHANGEABLE, clockStep, createStep, ethernetModel, identicalCreates, itemsOf, limitCreateStep, listLimitStep, listStep, patchStep, putStep, readStep, together, transitionStep, writeStep,
  type EthernetState, type Refusal, type Who, type Write,
} from '../explore/model-ethernet.js';

type Steps = StepSpec<EthernetState>[];

/** The states the buyer can bring an order to (order 0 of the case, placed by buyer A), and how. */
const STATES: Record<string, Steps> = {
  'in-progress': [createStep(0, 'plain')],
  held: [createStep(0, 'plain'), transitionStep('owner', 0, 'hold')],
  released: [createStep(0, 'plain'), transitionStep('owner', 0, 'hold'), transitionStep('owner', 0, 'release')],
  supplemented: [createStep(0, 'plain'), putStep('owner', 0)],
  // A new version by PATCH: each path that changes the version must record it as a PUT does.
  'patched-to-a-new-version': [createStep(0, 'plain'), patchStep('owner', 0, 'new version')],
  cancelled: [createStep(0, 'plain'), transitionStep('owner', 0, 'cancel')],
  'cancelled-while-held': [createStep(0, 'plain'), transitionStep('owner', 0, 'hold'), transitionStep('owner', 0, 'cancel')],
};

interface Operation {
  rule: string;
  step: (who: Who) => StepSpec<EthernetState>;
  /** Only from states where the order has had more than one version. */
  needsOlder?: boolean;
  /** Only from states where the order has more than one item. */
  needsItems?: boolean;
}

/** Every operation on order 0, as the model has it. */
const OPERATIONS: Record<string, Operation> = {
  'get-by-id': { rule: 'ETH-GET-BY-ID-OR-PON', step: (w) => readStep(w, 0, 'id') },
  'get-by-query-id': { rule: 'ETH-GET-BY-ID-OR-PON', step: (w) => readStep(w, 0, '?id') },
  'get-by-pon': { rule: 'ETH-GET-BY-ID-OR-PON', step: (w) => readStep(w, 0, '?pon') },
  'put-new-version': { rule: 'ETH-PUT-REPLACES', step: (w) => putStep(w, 0) },
  'put-without-a-member': { rule: 'ETH-PUT-REPLACES', step: (w) => putStep(w, 0, { drop: true }) },
  'put-current-version': { rule: 'ETH-PUT-NEW-VERSION', step: (w) => putStep(w, 0, { version: 'current' }) },
  'put-earlier-version': { rule: 'ETH-PUT-REPLACES', step: (w) => putStep(w, 0, { version: 'older' }), needsOlder: true },
  'put-other-pon': { rule: 'ETH-PUT-SAME-PON', step: (w) => putStep(w, 0, { pon: 'other' }) },
  'patch-a-member': { rule: 'ETH-PATCH-MERGE', step: (w) => patchStep(w, 0, 'contact name') },
  'patch-removing-a-member': { rule: 'ETH-PATCH-MERGE', step: (w) => patchStep(w, 0, 'drop contact') },
  'patch-new-version': { rule: 'ETH-PATCH-MERGE', step: (w) => patchStep(w, 0, 'new version') },
  'patch-earlier-version': { rule: 'ETH-PATCH-MERGE', step: (w) => patchStep(w, 0, 'older version'), needsOlder: true },
  'patch-order-status': { rule: 'ETH-PATCH-MERGE', step: (w) => patchStep(w, 0, 'orderStatus') },
  'patch-items': { rule: 'ETH-PATCH-MERGE', step: (w) => patchStep(w, 0, 'items'), needsItems: true },
  cancel: { rule: 'ETH-CANCEL', step: (w) => transitionStep(w, 0, 'cancel') },
  hold: { rule: 'ETH-HOLD', step: (w) => transitionStep(w, 0, 'hold') },
  release: { rule: 'ETH-RELEASE-ONLY-HELD', step: (w) => transitionStep(w, 0, 'release') },
  'create-with-its-pon': { rule: 'ETH-PON-UNIQUE', step: (w) => createStep(w, 'same body', 0) },
};

/** How every case ends: order 0 read by its owner by id, and its owner's list. */
const VERIFY: Steps = [readStep('owner', 0, 'id'), listStep(0)];
/** After a create by the other buyer with the order's PON: that PON looked up by the owner, and the other buyer's list. */
const VERIFY_LOOKUPS: Steps = [readStep('owner', 0, '?pon'), listStep(1)];

/** The states in which the order has had more than one version. */
const VERSIONED = ['supplemented', 'patched-to-a-new-version'];
/** The state in which the order has one item (the supplemental PUT's example has one). */
const ONE_ITEM = ['supplemented'];

/** Each operation from each state: first by the other buyer (404, nothing changed), then by the owner. */
function operationCases(): SweepCase<EthernetState>[] {
  const cases: SweepCase<EthernetState>[] = [];
  for (const [state, reach] of Object.entries(STATES)) {
    for (const [name, op] of Object.entries(OPERATIONS)) {
      if (op.needsOlder && !VERSIONED.includes(state)) continue;
      if (op.needsItems && ONE_ITEM.includes(state)) continue;
      cases.push({
        id: `${name}-of-${state}`,
        rule: op.rule,
        title: `${name.replace(/-/g, ' ')} of a ${state} order, by the other buyer (404, nothing changed) and by its owner, then the order and both lists read`,
        steps: [...reach, op.step('other'), readStep('owner', 0, 'id'), op.step('owner'), ...VERIFY, ...(name.startsWith('create') ? VERIFY_LOOKUPS : [])],
      });
    }
  }
  return cases;
}

const WRITES: Write[] = ['put', 'patch', 'cancel', 'hold', 'release'];
const TRANSITIONS: Write[] = ['cancel', 'hold', 'release'];

const WRITE_RULE: Record<Write, string> = { put: 'ETH-PUT-REPLACES', patch: 'ETH-PATCH-MERGE', cancel: 'ETH-CANCEL', hold: 'ETH-HOLD', release: 'ETH-RELEASE-ONLY-HELD' };

/** Every write paired with itself and each other write, sent at the same moment, on an in-progress order; the transitions on a held one too. */
function raceCases(): SweepCase<EthernetState>[] {
  const cases: SweepCase<EthernetState>[] = [];
  for (const [state, writes] of [['in-progress', WRITES], ['held', TRANSITIONS]] as const) {
    writes.forEach((a, k) => {
      for (const b of writes.slice(k)) {
        cases.push({
          id: `${a}-and-${b}-at-once-on-${state}`,
          rule: WRITE_RULE[a],
          title: `${a} and ${b} of one ${state} order sent at the same moment: some serial order explains both answers and the order read after`,
          steps: [...STATES[state], together(`${a} || ${b}`, 0, [writeStep(a, 0), writeStep(b, 0)]), listStep(0)],
          repeat: RACE_REPEAT,
        });
      }
    });
  }
  cases.push({
    id: 'identical-creates-at-once',
    rule: 'ETH-PON-UNIQUE',
    title: 'three identical creates (one purchase order number) sent at once: one order is created, the others answer 409',
    steps: [identicalCreates(0, 3), listStep(0)],
    repeat: IDENTICAL_REPEAT,
  });
  return cases;
}

/** States re-read as time passes: the final ones must not move; a held one may (the Seller's), its document not. */
const CLOCK_STATES = ['cancelled', 'cancelled-while-held', 'held'];
const JUMPS = [60, 3600, 86400];

function clockCases(): SweepCase<EthernetState>[] {
  return CLOCK_STATES.map((state) => ({
    id: `${state}-order-a-minute-an-hour-and-a-day-later`,
    rule: state === 'held' ? 'ETH-HOLD' : 'ETH-FINAL-STATES',
    title: `a ${state} order re-read, by id, by PON and in the list, after the clock moves a minute, an hour and a day`,
    steps: [...STATES[state], ...JUMPS.flatMap((s) => [clockStep(s), readStep('owner', 0, 'id'), readStep('owner', 0, '?pon'), listStep(0)]), transitionStep('owner', 0, 'release')],
    clock: true,
  }));
}

/** A documented limit of an order member, probed at min-1, min, max and max+1 (where each exists). */
interface Probe {
  value: unknown;
  accepted: boolean;
}

/** Members fixed by the tenant and the profile, or with limits of their own (the PON's, ETH-PON-LENGTH). */
const FIXED = new Set(['buyerId', 'sellerId', 'objectType', 'buyerPurchaseOrderNumber']);

function documentedLimits(): Array<{ member: string; rule: string; probes: Probe[] }> {
  const spec = YAML.parse(fs.readFileSync(path.join(packageRoot(import.meta.url), 'specs', 'ethernet', 'openapi.yaml'), 'utf8'));
  const props: Record<string, any> = spec.components.schemas.orderFields.properties;
  const limits: Array<{ member: string; rule: string; probes: Probe[] }> = [];
  for (const [member, schema] of Object.entries(props)) {
    if (FIXED.has(member)) continue;
    const probes: Probe[] = [];
    const edges = (min: number | undefined, max: number | undefined, value: (n: number) => unknown) => {
      if (min !== undefined) probes.push(...(min > 0 || schema.type === 'integer' ? [{ value: value(min - 1), accepted: false }] : []), { value: value(min), accepted: true });
      if (max !== undefined) probes.push({ value: value(max), accepted: true }, { value: value(max + 1), accepted: false });
    };
    // Versions are digits, so each probe is a version the order has not had; other strings are plain text.
    if (schema.type === 'string') edges(schema.minLength, schema.maxLength, (n) => (member === 'buyerOrderVersion' ? '7' : 'L').repeat(n));
    if (schema.type === 'integer') edges(schema.minimum, schema.maximum, (n) => n);
    if (schema.type === 'array' && member === 'orderItems') edges(schema.minItems, schema.maxItems, itemsOf);
    if (probes.length) limits.push({ member, rule: member === 'orderItems' ? 'ETH-ORDER-ITEMS-LIMIT' : 'ETH-FIELD-LIMITS', probes: probes.filter((p) => p.value !== '' || p.accepted === false) });
  }
  return limits;
}

function limitCases(): SweepCase<EthernetState>[] {
  const cases: SweepCase<EthernetState>[] = [];
  for (const { member, rule, probes } of documentedLimits()) {
    // A create past a limit may be answered 405, the source's status for an invalid order (support.ts).
    const refusal = (p: Probe, create = false): Refusal | undefined => (p.accepted ? undefined : { rule, statuses: create ? INVALID_ORDER : [400] });
    cases.push({
      id: `create-with-${member}-at-its-limits`,
      rule,
      title: `creates whose ${member} is at min-1, min, max and max+1 of its documented limits: the limits accepted, past them 400 and nothing created`,
      steps: [...probes.map((p) => limitCreateStep(member, p.value, refusal(p, true))), listStep(0)],
    });
    cases.push({
      id: `put-with-${member}-at-its-limits`,
      rule,
      title: `supplemental PUTs whose ${member} is at min-1, min, max and max+1 of its documented limits: the limits replace the order, past them 400 and the order unchanged`,
      steps: [createStep(0, 'plain'), ...probes.flatMap((p) => [putStep('owner', 0, { member: [member, p.value], refusal: refusal(p) }), readStep('owner', 0, 'id')]), listStep(0)],
    });
  }
  cases.push({
    id: 'list-paging-at-its-limits',
    rule: 'ETH-FIELD-LIMITS',
    title: 'GET /orders with limit 0, 1, 200, 201 and offset -1, 0: the documented range answers 200 (at most limit orders), past it 400',
    steps: [createStep(0, 'plain'), listLimitStep('limit', 0, false), listLimitStep('limit', 1, true), listLimitStep('limit', 200, true), listLimitStep('limit', 201, false), listLimitStep('offset', -1, false), listLimitStep('offset', 0, true)],
  });
  return cases;
}

/** The purchase order number names the order: a create reusing it answers 409 whatever member differs; a new number with the same body creates. */
function sameIntentCases(): SweepCase<EthernetState>[] {
  return [
    {
      id: 'create-with-a-used-pon-and-any-body',
      rule: 'ETH-PON-UNIQUE',
      title: 'creates reusing an order’s purchase order number, each with one other member changed, answer 409; the same body with a new number, and with the other buyer, creates an order',
      steps: [createStep(0, 'plain'), ...Object.keys(CHANGEABLE).map((m) => createStep('owner', 'changed body', 0, m)), createStep('owner', 'used pon', 0), createStep('other', 'same body', 0), createStep(0, 'plain'), ...VERIFY, ...VERIFY_LOOKUPS, readStep(1, 1, '?pon')],
    },
  ];
}

export const ethernetSweepModel: SweepModel<EthernetState> = {
  ...ethernetModel,
  // Every case builds orders of its own and judges only those: it may overlap other checks.
  sweep: () => [...operationCases(), ...raceCases(), ...clockCases(), ...limitCases(), ...sameIntentCases()].map((c) => ({ ...c, independent: !c.exclusive })),
};
