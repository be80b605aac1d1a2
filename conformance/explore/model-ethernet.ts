/**
 * The Ethernet Order model: orders with their current document, every buyerOrderVersion they have had,
 * and their state (IN_PROGRESS <-> HELD, -> CANCELLED, final states final). Actions: create (plain,
 * minimal, a PON already used), GET by id / ?id= / ?pon=, supplemental PUT, merge PATCH, cancel, hold,
 * release, by either tenant (the other tenant must see 404).
 */
import fc from 'fast-check';
import { firstDifference } from '../ethernet/support.js';
import { CREATE_EXAMPLE, PUT_EXAMPLE } from '../ethernet/examples.js';
import { brief, currentStep, ok, observe, uid, type Action, type Env, type Judge, type Obs, type Tenant, TENANT_NAMES } from './core.js';
import type { ExploreModel, StepSpec } from './engine.js';

const FINAL = ['REJECTED', 'CANCELLED', 'PARTIAL', 'FAILED', 'COMPLETED'];
const TRANSITION_OK = [200, 201];
const MERGE_PATCH = { 'Content-Type': 'application/merge-patch+json' };

interface EOrder {
  id: string;
  n: number;
  tenant: Tenant;
  pon: string;
  status: string;
  /** The rule that last fixed the status (judged on every read). */
  statusRule: string;
  doc: Record<string, any>;
  /** The rule that last fixed the document. */
  docRule: string;
  /** Top-level members the current document must not have (left out by a PUT, removed by a PATCH). */
  absent: string[];
  versions: string[];
}

export interface EthernetState {
  orders: EOrder[];
}

const buyer = (env: Env, t: Tenant) => String(env.profile[t === 0 ? 'buyerIdA' : 'buyerIdB']);
const path = (o: EOrder) => `/orders/${encodeURIComponent(o.id)}`;
const label = (t: Tenant, what: string) => `${TENANT_NAMES[t]}: ${what}`;
const withoutType = ({ objectType: _t, ...rest }: Record<string, any>) => rest;

function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, any> = target && typeof target === 'object' && !Array.isArray(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const nextVersion = (o: EOrder) => String(Math.max(0, ...o.versions.map(Number).filter(Number.isFinite)) + 1);

/** Judges a read (or a successful change) of `o`: status and every member of the document as the model has them. */
function judgeOrder(j: Judge, o: EOrder, obs: Obs, what: string) {
  const body = obs.ex.body;
  if (body?.id !== o.id) j.fail(o.docRule, `${what}: the order answered has another id`, { expected: o.id, actual: body?.id, exchange: obs.ex });
  if (body?.orderStatus !== o.status) {
    j.fail(o.statusRule, `${what}: orderStatus ${body?.orderStatus}, the model has ${o.status}`, { expected: o.status, actual: body?.orderStatus, exchange: obs.ex });
  }
  const difference = firstDifference(withoutType(o.doc), body);
  if (difference) j.fail(o.docRule, `${what} does not carry the order's current document: ${difference}`, { expected: 'every member of the current version', actual: difference, exchange: obs.ex });
  const present = o.absent.filter((k) => body && k in body);
  if (present.length) j.fail(o.docRule, `${what} still has ${present.join(', ')}, which the current version does not`, { expected: `no ${present.join(', ')}`, actual: present.map((k) => `${k}: ${JSON.stringify(body[k]).slice(0, 60)}`), exchange: obs.ex });
}

function refused(j: Judge, rule: string, obs: Obs, statuses: number[], what: string) {
  if (!statuses.includes(obs.ex.status)) j.fail(rule, `${what} answered ${obs.ex.status}`, { expected: `status ${statuses.join(' or ')}, nothing changed`, actual: brief(obs.ex), exchange: obs.ex });
}

const pick = (s: EthernetState, i: number) => (s.orders.length ? s.orders[i % s.orders.length] : undefined);

/** Finds the model's order again inside a judged copy of the state. */
const same = (s: EthernetState, o: EOrder) => s.orders.find((x) => x.id === o.id)!;

function otherTenantAction(t: Tenant, o: EOrder, what: string, send: (env: Env) => Promise<Obs>): Action<EthernetState> {
  return {
    label: label(t, `${what} order #${o.n} of ${TENANT_NAMES[o.tenant]}`),
    tenant: t,
    send,
    judge(_s, obs, j) {
      if (obs!.ex.status !== 404) j.fail('ETH-TENANT-ISOLATION', `another buyer's ${what} answered ${obs!.ex.status}`, { expected: 'status 404, nothing changed', actual: brief(obs!.ex), exchange: obs!.ex });
    },
  };
}

const createStep = fc.record({ tenant: fc.constantFrom<Tenant>(0, 1), kind: fc.constantFrom('plain', 'minimal', 'used-pon') }).map(
  ({ tenant, kind }): StepSpec<EthernetState> => ({
    name: `create (${kind})`,
    make(s, env) {
      const used = kind === 'used-pon' ? s.orders.find((o) => o.tenant === tenant) : undefined;
      if (kind === 'used-pon' && !used) return undefined;
      const body = structuredClone(CREATE_EXAMPLE);
      body.buyerId = buyer(env, tenant);
      body.sellerId = String(env.profile.sellerId);
      body.buyerPurchaseOrderNumber = used?.pon ?? uid(env, 'P');
      if (kind === 'minimal') {
        delete body.buyerImplementationContact;
        delete body.buyerTechnicalContact;
      }
      return [
        {
          label: label(tenant, used ? `create an order with the PON of order #${used.n}` : `create a ${kind} order`),
          tenant,
          send: (env) => observe(env, currentStep(env), tenant, (c) => c.post('/orders', body)),
          judge(s, obs, j) {
            const ex = obs!.ex;
            if (used) return refused(j, 'ETH-PON-UNIQUE', obs!, [409], 'a create with a purchase order number already used');
            if (ex.status !== 201 || typeof ex.body?.id !== 'string') return j.fail('ETH-CREATE', `create answered ${ex.status}`, { expected: 'status 201 with the order', actual: brief(ex), exchange: ex });
            const o: EOrder = { id: ex.body.id, n: s.orders.length + 1, tenant, pon: body.buyerPurchaseOrderNumber, status: 'IN_PROGRESS', statusRule: 'ETH-CREATE', doc: body, docRule: 'ETH-CREATE', absent: [], versions: [body.buyerOrderVersion] };
            judgeOrder(j, o, obs!, 'the created order');
            s.orders.push(o);
          },
        },
      ];
    },
  }),
);

const readStep = fc.record({ tenant: fc.constantFrom<Tenant>(0, 1), i: fc.nat(), by: fc.constantFrom('id', '?id', '?pon') }).map(
  ({ tenant, i, by }): StepSpec<EthernetState> => ({
    name: `read ${by}`,
    make(s) {
      const o = pick(s, i);
      if (!o) return undefined;
      const send = (env: Env) =>
        observe(env, currentStep(env), tenant, (c) => (by === 'id' ? c.get(path(o)) : c.get('/orders', { query: by === '?id' ? { id: o.id } : { pon: o.pon } })));
      if (o.tenant !== tenant) {
        // Only a PON the other buyer never used must be unknown to it.
        if (by === '?pon' && s.orders.some((x) => x.tenant === tenant && x.pon === o.pon)) return undefined;
        return [otherTenantAction(tenant, o, `GET (${by})`, send)];
      }
      return [
        {
          label: label(tenant, `GET order #${o.n} by ${by}`),
          tenant,
          send,
          judge(s, obs, j) {
            if (obs!.ex.status !== 200) return j.fail('ETH-GET-BY-ID-OR-PON', `GET by ${by} answered ${obs!.ex.status}`, { expected: 'status 200 with the order', actual: brief(obs!.ex), exchange: obs!.ex });
            judgeOrder(j, same(s, o), obs!, `GET by ${by}`);
          },
        },
      ];
    },
  }),
);

const putStep = fc.record({ tenant: fc.constantFrom<Tenant>(0, 1), i: fc.nat(), version: fc.constantFrom('new', 'new', 'current', 'older'), pon: fc.constantFrom('same', 'same', 'other'), drop: fc.boolean() }).map(
  ({ tenant, i, version, pon, drop }): StepSpec<EthernetState> => ({
    name: `PUT (${version} version, ${pon} PON)`,
    make(s, env) {
      const o = pick(s, i);
      if (!o) return undefined;
      const body = structuredClone(PUT_EXAMPLE);
      body.buyerId = buyer(env, tenant);
      body.sellerId = String(env.profile.sellerId);
      body.buyerPurchaseOrderNumber = pon === 'same' ? o.pon : uid(env, 'P');
      const older = o.versions.filter((v) => v !== o.doc.buyerOrderVersion);
      if (version === 'older' && !older.length) return undefined;
      body.buyerOrderVersion = version === 'new' ? nextVersion(o) : version === 'current' ? o.doc.buyerOrderVersion : older[0];
      body.requestedCompletionDate = `2017-0${1 + (o.versions.length % 9)}-11T17:20+01:00`;
      if (drop) delete body.buyerTechnicalContact;
      const send = (env: Env) => observe(env, currentStep(env), tenant, (c) => c.put(path(o), body));
      if (o.tenant !== tenant) return [otherTenantAction(tenant, o, 'PUT', send)];
      return [
        {
          label: label(tenant, `PUT order #${o.n} with ${version} version ${body.buyerOrderVersion}, ${pon} PON${drop ? ', without buyerTechnicalContact' : ''}`),
          tenant,
          send,
          judge(s, obs, j) {
            const m = same(s, o);
            const ex = obs!.ex;
            if (FINAL.includes(m.status)) return void (refused(j, 'ETH-FINAL-STATES', obs!, [409], `PUT of a ${m.status} order`), (m.docRule = 'ETH-FINAL-STATES'));
            if (pon === 'other') return void (refused(j, 'ETH-PUT-SAME-PON', obs!, [400, 409], 'a PUT with another PON'), (m.docRule = 'ETH-PUT-SAME-PON'));
            if (version === 'current') return void (refused(j, 'ETH-PUT-NEW-VERSION', obs!, [400, 409], "a PUT with the order's current version"), (m.docRule = 'ETH-PUT-NEW-VERSION'));
            // An older version again: the documents leave that to the Seller; either answer goes.
            if (version === 'older' && !ok(ex)) return;
            if (ex.status !== 200) return j.fail('ETH-PUT-REPLACES', `a supplemental PUT answered ${ex.status}`, { expected: 'status 200', actual: brief(ex), exchange: ex });
            m.absent = Object.keys(m.doc).filter((k) => !(k in body) && k !== 'objectType');
            m.doc = body;
            m.docRule = 'ETH-PUT-REPLACES';
            if (!m.versions.includes(body.buyerOrderVersion)) m.versions.push(body.buyerOrderVersion);
            judgeOrder(j, m, obs!, 'the PUT answer');
          },
        },
      ];
    },
  }),
);

const patchStep = fc.record({ tenant: fc.constantFrom<Tenant>(0, 1), i: fc.nat(), kind: fc.constantFrom('contact name', 'drop contact', 'new version', 'orderStatus') }).map(
  ({ tenant, i, kind }): StepSpec<EthernetState> => ({
    name: `PATCH (${kind})`,
    make(s, env) {
      const o = pick(s, i);
      if (!o) return undefined;
      const patch: Record<string, any> =
        kind === 'contact name' ? { buyerOrderContact: { name: `Explorer ${uid(env, 'n')}` } }
        : kind === 'drop contact' ? { buyerTechnicalContact: null }
        : kind === 'new version' ? { buyerOrderVersion: nextVersion(o) }
        : { orderStatus: o.status === 'COMPLETED' ? 'IN_PROGRESS' : 'COMPLETED' };
      const send = (env: Env) => observe(env, currentStep(env), tenant, (c) => c.patch(path(o), patch, { headers: MERGE_PATCH }));
      if (o.tenant !== tenant) return [otherTenantAction(tenant, o, 'PATCH', send)];
      return [
        {
          label: label(tenant, `PATCH order #${o.n}: ${JSON.stringify(patch)}`),
          tenant,
          send,
          judge(s, obs, j) {
            const m = same(s, o);
            const ex = obs!.ex;
            if (kind === 'orderStatus') return void (refused(j, 'ETH-PATCH-MERGE', obs!, FINAL.includes(m.status) ? [400, 409] : [400], 'a PATCH of orderStatus'), (m.docRule = 'ETH-PATCH-MERGE'));
            if (FINAL.includes(m.status)) return void (refused(j, 'ETH-FINAL-STATES', obs!, [409], `PATCH of a ${m.status} order`), (m.docRule = 'ETH-FINAL-STATES'));
            if (ex.status !== 200) return j.fail('ETH-PATCH-MERGE', `a valid merge patch answered ${ex.status}`, { expected: 'status 200', actual: brief(ex), exchange: ex });
            if (kind === 'drop contact') m.absent = [...new Set([...m.absent, 'buyerTechnicalContact'])];
            m.absent = m.absent.filter((k) => !(k in patch) || patch[k] === null);
            m.doc = mergePatch(m.doc, patch);
            m.docRule = 'ETH-PATCH-MERGE';
            if (patch.buyerOrderVersion && !m.versions.includes(patch.buyerOrderVersion)) m.versions.push(patch.buyerOrderVersion);
            judgeOrder(j, m, obs!, 'the PATCH answer');
          },
        },
      ];
    },
  }),
);

type Verb = 'cancel' | 'hold' | 'release';
const transitionAction = (tenant: Tenant, o: EOrder, verb: Verb): Action<EthernetState> => {
  const send = (env: Env) => observe(env, currentStep(env), tenant, (c) => c.post(`${path(o)}/${verb}`));
  if (o.tenant !== tenant) return otherTenantAction(tenant, o, verb, send);
  return {
    label: label(tenant, `${verb} order #${o.n}`),
    tenant,
    send,
    judge(s, obs, j) {
      const m = same(s, o);
      const ex = obs!.ex;
      const from = m.status;
      const to = verb === 'cancel' ? 'CANCELLED' : verb === 'hold' ? 'HELD' : 'IN_PROGRESS';
      const rule = verb === 'cancel' ? 'ETH-CANCEL' : verb === 'hold' ? 'ETH-HOLD' : 'ETH-RELEASE-ONLY-HELD';
      // true: must succeed; false: must be refused; undefined: the documents do not say (hold of ACKNOWLEDGED or PENDING).
      let allowed: boolean | undefined;
      if (FINAL.includes(from)) allowed = false;
      else if (verb === 'cancel') allowed = true;
      else if (verb === 'release') allowed = from === 'HELD';
      else allowed = from === 'IN_PROGRESS' ? true : from === 'HELD' ? false : undefined;
      if (allowed === false) {
        refused(j, FINAL.includes(from) ? 'ETH-FINAL-STATES' : rule, obs!, [409], `${verb} of a ${from} order`);
        m.statusRule = FINAL.includes(from) ? 'ETH-FINAL-STATES' : rule;
        return;
      }
      if (allowed === undefined && !ok(ex)) return;
      if (!TRANSITION_OK.includes(ex.status)) return j.fail(rule, `${verb} of a ${from} order answered ${ex.status}`, { expected: `status 201 (or 200) with orderStatus ${to}`, actual: brief(ex), exchange: ex });
      m.status = to;
      m.statusRule = rule;
      if (ex.body?.orderStatus !== to) j.fail(rule, `${verb} answered orderStatus ${ex.body?.orderStatus}`, { expected: to, actual: ex.body?.orderStatus, exchange: ex });
    },
  };
};

const verbs = fc.constantFrom<Verb>('cancel', 'hold', 'hold', 'release', 'release');
const transitionStep = fc.record({ tenant: fc.constantFrom<Tenant>(0, 1), i: fc.nat(), verb: verbs }).map(
  ({ tenant, i, verb }): StepSpec<EthernetState> => ({
    name: verb,
    make: (s) => (pick(s, i) ? [transitionAction(tenant, pick(s, i)!, verb)] : undefined),
  }),
);

/** Two buyer transitions, or a transition and a PATCH, on one order at once. */
const concurrentStep = fc.record({ i: fc.nat(), a: verbs, b: fc.constantFrom<Verb | 'patch'>('cancel', 'hold', 'release', 'patch') }).map(
  ({ i, a, b }): StepSpec<EthernetState> => ({
    name: `${a} || ${b}`,
    make(s, env) {
      const o = pick(s, i);
      if (!o) return undefined;
      if (b === 'patch') {
        const patch = { buyerOrderContact: { name: `Concurrent ${uid(env, 'n')}` } };
        const p: Action<EthernetState> = {
          label: label(o.tenant, `PATCH order #${o.n}: ${JSON.stringify(patch)}`),
          tenant: o.tenant,
          send: (env) => observe(env, currentStep(env), o.tenant, (c) => c.patch(path(o), patch, { headers: MERGE_PATCH })),
          judge(s, obs, j) {
            const m = same(s, o);
            if (FINAL.includes(m.status)) return void refused(j, 'ETH-FINAL-STATES', obs!, [409], `PATCH of a ${m.status} order`);
            if (obs!.ex.status !== 200) return j.fail('ETH-PATCH-MERGE', `a valid merge patch answered ${obs!.ex.status}`, { expected: 'status 200', actual: brief(obs!.ex), exchange: obs!.ex });
            m.doc = mergePatch(m.doc, patch);
            m.docRule = 'ETH-PATCH-MERGE';
            judgeOrder(j, m, obs!, 'the PATCH answer');
          },
        };
        return [transitionAction(o.tenant, o, a), p];
      }
      return [transitionAction(o.tenant, o, a), transitionAction(o.tenant, o, b as Verb)];
    },
  }),
);

export const ethernetModel: ExploreModel<EthernetState> = {
  api: 'ethernet',
  maxSteps: 12,
  steps: () => [createStep, createStep, readStep, readStep, putStep, patchStep, transitionStep, transitionStep, concurrentStep],
  async init(env) {
    for (const key of ['buyerIdA', 'buyerIdB', 'sellerId']) {
      if (typeof env.profile[key] !== 'string') throw new Error(`the profile's ethernet section needs "${key}"`);
    }
    return { orders: [] };
  },
  async cleanup() {},
};
