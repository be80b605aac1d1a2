/**
 * The Ethernet Order model: orders with their current document, every buyerOrderVersion they have had, and
 * their state (IN_PROGRESS <-> HELD, -> CANCELLED; final states final). Each kind of step is a plain function
 * of explicit parameters (which tenant, which order, which variant of the operation), called by explore's
 * generators and by certify's sweep (conformance/ethernet/sweep-cases.ts) alike: create (fresh, with a used
 * PON, at a limit), read by id / ?id= / ?pon=, list, supplemental PUT, merge PATCH, cancel, hold, release,
 * writes sent at the same moment, and the clock moved. The other tenant must see 404 for another's order.
 */
import fc from 'fast-check';
import { coherentItems, firstDifference } from '../ethernet/support.js';
import { CREATE_EXAMPLE, PUT_EXAMPLE } from '../ethernet/examples.js';
import { advance, brief, currentStep, explainSerially, ok, observe, sendAtOnce, uid, type Action, type Env, type Judge, type Obs, type Tenant, TENANT_NAMES } from './core.js';
import type { ExploreModel, StepSpec } from './engine.js';

const FINAL = ['REJECTED', 'CANCELLED', 'PARTIAL', 'FAILED', 'COMPLETED'];
const STATUSES = ['ACKNOWLEDGED', 'IN_PROGRESS', 'PENDING', 'HELD', ...FINAL];
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
  /** The body the order was created with. */
  sent: Record<string, any>;
  /** The clock moved while the order was open: the Seller may have moved it on (the next read says where). */
  drift?: boolean;
}

export interface EthernetState {
  orders: EOrder[];
}

/** Who acts: a tenant, or the owner / the other tenant of the order the step is about. */
export type Who = Tenant | 'owner' | 'other';
export type ReadBy = 'id' | '?id' | '?pon';
export type Verb = 'cancel' | 'hold' | 'release';
export type PutVersion = 'new' | 'current' | 'older';
export type PatchKind = 'contact name' | 'drop contact' | 'new version' | 'older version' | 'orderStatus' | 'items';
/** A probe the model expects refused: by which rule, with which statuses. */
export interface Refusal {
  rule: string;
  statuses: number[];
}

const buyer = (env: Env, t: Tenant) => String(env.profile[t === 0 ? 'buyerIdA' : 'buyerIdB']);
const path = (o: EOrder) => `/orders/${encodeURIComponent(o.id)}`;
const label = (t: Tenant, what: string) => `${TENANT_NAMES[t]}: ${what}`;
const withoutType = ({ objectType: _t, ...rest }: Record<string, any>) => rest;
const who = (w: Who, o: EOrder): Tenant => (w === 'owner' ? o.tenant : w === 'other' ? ((1 - o.tenant) as Tenant) : w);
const pick = (s: EthernetState, i: number) => (s.orders.length ? s.orders[i % s.orders.length] : undefined);
/** Finds the model's order again inside a judged copy of the state. */
const same = (s: EthernetState, o: EOrder) => s.orders.find((x) => x.id === o.id)!;

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

/** After the clock moved, an open order's status is the Seller's to move: the first read tells the model where it went. */
function settle(o: EOrder, status: unknown) {
  if (!o.drift || FINAL.includes(o.status) || status === o.status || typeof status !== 'string' || !STATUSES.includes(status)) return;
  o.status = status;
  if (FINAL.includes(status)) [o.statusRule, o.docRule, o.drift] = ['ETH-FINAL-STATES', 'ETH-FINAL-STATES', false];
}

/** Judges a read (or a successful change) of `o`: status and every member of the document as the model has them. */
function judgeOrder(j: Judge, o: EOrder, obs: Obs, what: string) {
  const body = obs.ex.body;
  settle(o, body?.orderStatus);
  if (body?.id !== o.id) j.fail(o.docRule, `${what}: the order answered has another id`, { expected: o.id, actual: body?.id, exchange: obs.ex });
  if (body?.orderStatus === o.status && FINAL.includes(o.status)) o.statusRule = 'ETH-FINAL-STATES';
  if (body?.orderStatus !== o.status) {
    j.fail(o.statusRule, `${what}: orderStatus ${body?.orderStatus}, the model has ${o.status}`, { expected: o.status, actual: body?.orderStatus, exchange: obs.ex });
  }
  const difference = firstDifference(withoutType(o.doc), body);
  if (difference) j.fail(o.docRule, `${what} does not carry the order's current document: ${difference}`, { expected: 'every member of the current version', actual: difference, exchange: obs.ex });
  const present = o.absent.filter((k) => body && k in body);
  if (present.length) j.fail(o.docRule, `${what} still has ${present.join(', ')}, which the current version does not`, { expected: `no ${present.join(', ')}`, actual: present.map((k) => `${k}: ${JSON.stringify(body[k]).slice(0, 60)}`), exchange: obs.ex });
}

/** Where a list item says something other than its order: only the members the item carries are compared. */
function conflict(expected: unknown, got: unknown, at = ''): string | undefined {
  if (got === undefined) return undefined;
  if (Array.isArray(expected)) {
    if (!Array.isArray(got) || got.length !== expected.length) return `${at || '(item)'}: the order has ${expected.length} entries, the list item ${JSON.stringify(got)?.slice(0, 80)}`;
    for (let i = 0; i < expected.length; i++) {
      const d = conflict(expected[i], got[i], `${at}/${i}`);
      if (d) return d;
    }
    return undefined;
  }
  if (expected && typeof expected === 'object') {
    if (!got || typeof got !== 'object' || Array.isArray(got)) return `${at}: the order has an object, the list item ${JSON.stringify(got)?.slice(0, 80)}`;
    for (const [k, v] of Object.entries(expected)) {
      const d = conflict(v, (got as Record<string, unknown>)[k], `${at}/${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return expected === got ? undefined : `${at}: the order has ${JSON.stringify(expected)}, the list item ${JSON.stringify(got)}`;
}

function refused(j: Judge, rule: string, obs: Obs, statuses: number[], what: string) {
  if (!statuses.includes(obs.ex.status)) j.fail(rule, `${what} answered ${obs.ex.status}`, { expected: `status ${statuses.join(' or ')}, nothing changed`, actual: brief(obs.ex), exchange: obs.ex });
}

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

/** A step about one order of the model (the i-th, modulo how many there are). */
const onOrder = (name: string, i: number, make: (o: EOrder, s: EthernetState, env: Env) => Action<EthernetState>[] | undefined): StepSpec<EthernetState> => ({
  name,
  make: (s, env) => {
    const o = pick(s, i);
    return o && make(o, s, env);
  },
});

// ---- create ----------------------------------------------------------------------------------------------

export type CreateKind = 'plain' | 'minimal' | 'same body' | 'changed body' | 'used pon';

/** The source's create example for a tenant, with a fresh PON (or `pon`). */
export function createBody(env: Env, tenant: Tenant, pon?: string): Record<string, any> {
  const body = structuredClone(CREATE_EXAMPLE);
  body.buyerId = buyer(env, tenant);
  body.sellerId = String(env.profile.sellerId);
  body.buyerPurchaseOrderNumber = pon ?? uid(env, 'P');
  return body;
}

/**
 * A create, judged when its answer comes (so creates sent together are judged in each serial order): a PON the
 * tenant already used answers 409 (ETH-PON-UNIQUE, whatever else the body says); a PON only the other tenant used,
 * or a fresh one, creates the order. `refusal`: a body the model expects refused; then nothing may be created.
 */
export function createAction(tenant: Tenant, body: Record<string, any>, what: string, refusal?: Refusal): Action<EthernetState> {
  const pon = body.buyerPurchaseOrderNumber;
  return {
    label: label(tenant, what),
    tenant,
    async send(env) {
      const obs = await observe(env, currentStep(env), tenant, (c) => c.post('/orders', body, refusal ? { skipSchema: true } : {}));
      if (refusal && refusal.statuses.includes(obs.ex.status) && typeof pon === 'string' && pon !== '') {
        obs.follow = await observe(env, currentStep(env), tenant, (c) => c.get('/orders', { query: { pon }, skipSchema: true }));
      }
      return obs;
    },
    judge(s, obs, j) {
      const ex = obs!.ex;
      if (refusal) {
        refused(j, refusal.rule, obs!, refusal.statuses, what);
        if (obs!.follow && obs!.follow.ex.status !== 404) j.fail(refusal.rule, `${what} was refused, but an order with its purchase order number exists`, { expected: `GET /orders?pon=${pon} answers 404`, actual: brief(obs!.follow.ex), exchange: obs!.follow.ex });
        return;
      }
      const used = s.orders.find((o) => o.tenant === tenant && o.pon === pon);
      if (used) return refused(j, 'ETH-PON-UNIQUE', obs!, [409], `a create with the purchase order number of order #${used.n}`);
      const othersPon = s.orders.some((o) => o.tenant !== tenant && o.pon === pon);
      if (ex.status !== 201 || typeof ex.body?.id !== 'string') {
        return j.fail(othersPon ? 'ETH-PON-UNIQUE' : 'ETH-CREATE', `${othersPon ? 'a create with a purchase order number only the other buyer used' : 'create'} answered ${ex.status}`, { expected: 'status 201 with the order', actual: brief(ex), exchange: ex });
      }
      const o: EOrder = { id: ex.body.id, n: s.orders.length + 1, tenant, pon, status: 'IN_PROGRESS', statusRule: 'ETH-CREATE', doc: body, docRule: 'ETH-CREATE', absent: [], versions: [body.buyerOrderVersion], sent: body };
      judgeOrder(j, o, obs!, 'the created order');
      s.orders.push(o);
    },
  };
}

/** Members a create with a used PON may change (each to a value the schema accepts): the PON still names the order. */
export const CHANGEABLE: Record<string, unknown> = {
  buyerOrderVersion: '9',
  orderDate: '2016-10-02T09:00+01:00',
  requestedCompletionDate: '2016-12-01T17:20+01:00',
  notes: 'a different order',
  projectId: 'another project',
  priority: 2,
  pricingTerm: 24,
  buyerOrderContact: { objectType: 'contact', name: 'Jane Roe', telephoneNumber: '+1720-666-9999' },
};

/**
 * A create by `t` ('plain', 'minimal' with fresh PONs; or, with order i's PON: 'same body' as order i was created
 * with, 'changed body' with `member` changed, 'used pon' the example with that PON). As the order's owner they
 * must answer 409; as the other tenant they create an order of its own.
 */
export function createStep(t: Who, kind: CreateKind, i = 0, member?: string): StepSpec<EthernetState> {
  return {
    name: `create (${kind}${member ? ` ${member}` : ''})`,
    make(s, env) {
      if (kind === 'plain' || kind === 'minimal') {
        const tenant: Tenant = typeof t === 'number' ? t : 0;
        const body = createBody(env, tenant);
        if (kind === 'minimal') {
          delete body.buyerImplementationContact;
          delete body.buyerTechnicalContact;
        }
        return [createAction(tenant, body, `create a ${kind} order`)];
      }
      const o = pick(s, i);
      if (!o) return undefined;
      const tenant = who(t, o);
      const body = kind === 'used pon' ? createBody(env, tenant, o.pon) : { ...structuredClone(o.sent), buyerId: buyer(env, tenant) };
      if (kind === 'changed body') body[member!] = structuredClone(CHANGEABLE[member!]);
      return [createAction(tenant, body, `create with the PON of order #${o.n} (${kind}${member ? `: ${member}` : ''})`)];
    },
  };
}

/** A create whose `member` is `value`: accepted (201) or, with `refusal`, refused and not created. */
export const limitCreateStep = (member: string, value: unknown, refusal?: Refusal): StepSpec<EthernetState> => ({
  name: `create with ${member} at ${describe(value)}`,
  make: (_s, env) => {
    const body = createBody(env, 0);
    if (member === 'orderItems') body.orderItems = value;
    else body[member] = value;
    return [createAction(0, body, `create with ${member} ${describe(value)}`, refusal)];
  },
});

export const describe = (v: unknown) => (typeof v === 'string' ? `${v.length} characters` : Array.isArray(v) ? `${v.length} items` : String(v));

/** The item lists of an order at a count (coherent: each EVC orders its own UNI). */
export function itemsOf(count: number): Record<string, any>[] {
  return count === 0 ? [] : coherentItems(CREATE_EXAMPLE, Math.floor(count / 2), count % 2);
}

// ---- reads -----------------------------------------------------------------------------------------------

function readAction(tenant: Tenant, o: EOrder, by: ReadBy): Action<EthernetState> {
  const send = (env: Env) => observe(env, currentStep(env), tenant, (c) => (by === 'id' ? c.get(path(o)) : c.get('/orders', { query: by === '?id' ? { id: o.id } : { pon: o.pon } })));
  if (o.tenant !== tenant) return otherTenantAction(tenant, o, `GET (${by})`, send);
  return {
    label: label(tenant, `GET order #${o.n} by ${by}`),
    tenant,
    send,
    judge(s, obs, j) {
      if (obs!.ex.status !== 200) return j.fail('ETH-GET-BY-ID-OR-PON', `GET by ${by} answered ${obs!.ex.status}`, { expected: 'status 200 with the order', actual: brief(obs!.ex), exchange: obs!.ex });
      judgeOrder(j, same(s, o), obs!, `GET by ${by}`);
    },
  };
}

export const readStep = (t: Who, i: number, by: ReadBy): StepSpec<EthernetState> =>
  onOrder(`read ${by}`, i, (o, s) => {
    const tenant = who(t, o);
    // Only a PON the other buyer never used must be unknown to it.
    if (tenant !== o.tenant && by === '?pon' && s.orders.some((x) => x.tenant === tenant && x.pon === o.pon)) return undefined;
    return [readAction(tenant, o, by)];
  });

const LIST_PAGE = 20;
const LIST_PAGES = 10;

/**
 * The tenant's list, compared with the model: each of its orders listed, each item's id, buyerId, PON and status
 * those of its order, every other member the item carries equal to the order's current one; no other tenant's order.
 */
function listAction(tenant: Tenant, wanted: string[]): Action<EthernetState> {
  const items: any[] = [];
  return {
    label: label(tenant, 'list my orders'),
    tenant,
    async send(env) {
      let first: Obs | undefined;
      for (let page = 0; page < LIST_PAGES; page++) {
        const obs = await observe(env, currentStep(env), tenant, (c) => c.get('/orders', { query: { buyerId: buyer(env, tenant), limit: LIST_PAGE, offset: page * LIST_PAGE } }));
        first ??= obs;
        if (obs.ex.status !== 200 || !Array.isArray(obs.ex.body?.items)) break;
        items.push(...obs.ex.body.items);
        if (obs.ex.body.items.length < LIST_PAGE || wanted.every((id) => items.some((x) => x?.id === id))) break;
      }
      return first;
    },
    judge(s, obs, j) {
      const ex = obs!.ex;
      if (ex.status !== 200) return j.fail('ETH-LIST-BY-BUYER', `the list answered ${ex.status}`, { expected: 'status 200 with the list', actual: brief(ex), exchange: ex });
      const complete = items.length < LIST_PAGE * LIST_PAGES;
      for (const o of s.orders) {
        const item = items.find((x) => x?.id === o.id);
        if (o.tenant !== tenant) {
          if (item) j.fail('ETH-LIST-BY-BUYER', `order #${o.n} of ${TENANT_NAMES[o.tenant]} is in ${TENANT_NAMES[tenant]}'s list`, { expected: 'only the caller’s orders', actual: o.id, exchange: ex });
          continue;
        }
        if (!item) {
          if (complete) j.fail('ETH-LIST-BY-BUYER', `order #${o.n} is not in its buyer's list`, { expected: o.id, actual: `${items.length} items`, exchange: ex });
          continue;
        }
        settle(o, item.orderStatus);
        const wrong =
          item.buyerId !== o.doc.buyerId ? `buyerId ${JSON.stringify(item.buyerId)}, the order's is ${JSON.stringify(o.doc.buyerId)}`
          : item.buyerPurchaseOrderNumber !== o.pon ? `buyerPurchaseOrderNumber ${JSON.stringify(item.buyerPurchaseOrderNumber)}, the order's is ${o.pon}`
          : item.orderStatus !== o.status ? `orderStatus ${item.orderStatus}, the order's is ${o.status}`
          : (conflict(withoutType(o.doc), item) ?? o.absent.filter((k) => k in item).map((k) => `${k}, which the order no longer has`)[0]);
        if (wrong) j.fail('ETH-LIST-BY-BUYER', `the list item of order #${o.n} (${o.status}) is not the order: ${wrong}`, { expected: 'each listed member as the order has it', actual: wrong, exchange: ex });
      }
    },
  };
}

export const listStep = (t: Tenant): StepSpec<EthernetState> => ({
  name: 'list',
  make: (s) => [listAction(t, s.orders.filter((o) => o.tenant === t).map((o) => o.id))],
});

/** GET /orders with a paging parameter at `value`: accepted (200, at most `limit` items) or refused (400). */
export const listLimitStep = (param: 'limit' | 'offset', value: number, accepted: boolean): StepSpec<EthernetState> => ({
  name: `list with ${param} ${value}`,
  make: () => [
    {
      label: label(0, `list with ${param}=${value}`),
      tenant: 0,
      send: (env) => observe(env, currentStep(env), 0, (c) => c.get('/orders', { query: { [param]: value }, skipSchema: !accepted })),
      judge(_s, obs, j) {
        const ex = obs!.ex;
        if (!accepted) return refused(j, 'ETH-FIELD-LIMITS', obs!, [400], `GET /orders?${param}=${value}`);
        if (ex.status !== 200) return j.fail('ETH-FIELD-LIMITS', `GET /orders?${param}=${value} answered ${ex.status}`, { expected: 'status 200', actual: brief(ex), exchange: ex });
        if (param === 'limit' && (ex.body?.items?.length ?? 0) > value) j.fail('ETH-FIELD-LIMITS', `GET /orders?limit=${value} listed ${ex.body.items.length} orders`, { expected: `at most ${value}`, actual: ex.body.items.length, exchange: ex });
      },
    },
  ],
});

// ---- supplemental PUT and merge PATCH --------------------------------------------------------------------

export interface PutOptions {
  version?: PutVersion;
  pon?: 'same' | 'other';
  /** Leaves buyerTechnicalContact out. */
  drop?: boolean;
  /** A member at a value (a limit probe); with `refusal` the PUT must be refused and change nothing. */
  member?: [string, unknown];
  refusal?: Refusal;
}

/** The version a PUT or PATCH names is judged when its answer comes: the order's current, one it had, or new. */
const versionKind = (m: EOrder, v: unknown): PutVersion => (v === m.doc.buyerOrderVersion ? 'current' : m.versions.includes(v as string) ? 'older' : 'new');

function putAction(tenant: Tenant, o: EOrder, body: Record<string, any>, what: string, opts: PutOptions): Action<EthernetState> {
  const send = (env: Env) => observe(env, currentStep(env), tenant, (c) => c.put(path(o), body, opts.refusal ? { skipSchema: true } : {}));
  if (o.tenant !== tenant) return otherTenantAction(tenant, o, 'PUT', send);
  return {
    label: label(tenant, `PUT order #${o.n} ${what}`),
    tenant,
    send,
    judge(s, obs, j) {
      const m = same(s, o);
      const ex = obs!.ex;
      const version = versionKind(m, body.buyerOrderVersion);
      const refuse = (rule: string, statuses: number[], why: string) => void (refused(j, rule, obs!, statuses, why), (m.docRule = rule));
      if (FINAL.includes(m.status)) return refuse('ETH-FINAL-STATES', [409], `PUT of a ${m.status} order`);
      if (m.drift && !ok(ex)) return;
      if (body.buyerPurchaseOrderNumber !== m.pon) return refuse('ETH-PUT-SAME-PON', [400, 409], 'a PUT with another PON');
      if (opts.refusal) return refuse(opts.refusal.rule, opts.refusal.statuses, `a PUT ${what}`);
      if (version === 'current') return refuse('ETH-PUT-NEW-VERSION', [400, 409], "a PUT with the order's current version");
      // An earlier version again: the documents leave that to the Seller; either answer goes.
      if (version === 'older' && !ok(ex)) return;
      if (ex.status !== 200) return j.fail('ETH-PUT-REPLACES', `a supplemental PUT answered ${ex.status}`, { expected: 'status 200', actual: brief(ex), exchange: ex });
      m.absent = Object.keys(m.doc).filter((k) => !(k in body) && k !== 'objectType');
      m.doc = body;
      m.docRule = m.statusRule = 'ETH-PUT-REPLACES';
      if (!m.versions.includes(body.buyerOrderVersion)) m.versions.push(body.buyerOrderVersion);
      judgeOrder(j, m, obs!, 'the PUT answer');
    },
  };
}

export const putStep = (t: Who, i: number, opts: PutOptions = {}): StepSpec<EthernetState> =>
  onOrder(`PUT (${opts.version ?? 'new'} version, ${opts.pon ?? 'same'} PON${opts.member ? `, ${opts.member[0]} ${describe(opts.member[1])}` : ''})`, i, (o, _s, env) => {
    const tenant = who(t, o);
    const version = opts.version ?? 'new';
    const body = structuredClone(PUT_EXAMPLE);
    body.buyerId = buyer(env, tenant);
    body.sellerId = String(env.profile.sellerId);
    body.buyerPurchaseOrderNumber = opts.pon === 'other' ? uid(env, 'P') : o.pon;
    const older = o.versions.filter((v) => v !== o.doc.buyerOrderVersion);
    if (version === 'older' && !older.length) return undefined;
    body.buyerOrderVersion = version === 'new' ? nextVersion(o) : version === 'current' ? o.doc.buyerOrderVersion : older[0];
    body.requestedCompletionDate = `2017-0${1 + (o.versions.length % 9)}-11T17:20+01:00`;
    if (opts.drop) delete body.buyerTechnicalContact;
    if (opts.member) body[opts.member[0]] = structuredClone(opts.member[1]);
    const what = `with ${version} version ${body.buyerOrderVersion}, ${opts.pon ?? 'same'} PON${opts.drop ? ', without buyerTechnicalContact' : ''}${opts.member ? `, ${opts.member[0]} ${describe(opts.member[1])}` : ''}`;
    return [putAction(tenant, o, body, what, opts)];
  });

function patchFor(kind: PatchKind, o: EOrder, env: Env): Record<string, any> | undefined {
  const older = o.versions.filter((v) => v !== o.doc.buyerOrderVersion);
  switch (kind) {
    case 'contact name': return { buyerOrderContact: { name: `Explorer ${uid(env, 'n')}` } };
    case 'drop contact': return { buyerTechnicalContact: null };
    case 'new version': return { buyerOrderVersion: nextVersion(o) };
    case 'older version': return older.length ? { buyerOrderVersion: older[0] } : undefined;
    case 'orderStatus': return { orderStatus: o.status === 'COMPLETED' ? 'IN_PROGRESS' : 'COMPLETED' };
    // An array is replaced whole (RFC 7386): the order keeps its last item alone, whatever was at its place before
    // (a reference it makes to an item left out names an item the order has had, which a PATCH may).
    case 'items': {
      const items: any[] = o.doc.orderItems ?? [];
      return items.length > 1 ? { orderItems: [structuredClone(items[items.length - 1])] } : undefined;
    }
  }
}

/** `concurrent`: sent with other writes of the order, so a conflict (409) that changes nothing is an allowed answer. */
function patchAction(tenant: Tenant, o: EOrder, patch: Record<string, any>, concurrent: boolean): Action<EthernetState> {
  const send = (env: Env) => observe(env, currentStep(env), tenant, (c) => c.patch(path(o), patch, { headers: MERGE_PATCH }));
  if (o.tenant !== tenant) return otherTenantAction(tenant, o, 'PATCH', send);
  return {
    label: label(tenant, `PATCH order #${o.n}: ${JSON.stringify(patch)}`),
    tenant,
    send,
    judge(s, obs, j) {
      const m = same(s, o);
      const ex = obs!.ex;
      if ('orderStatus' in patch) return void (refused(j, 'ETH-PATCH-MERGE', obs!, FINAL.includes(m.status) ? [400, 409] : [400], 'a PATCH of orderStatus'), (m.docRule = 'ETH-PATCH-MERGE'));
      if (FINAL.includes(m.status)) return void (refused(j, 'ETH-FINAL-STATES', obs!, [409], `PATCH of a ${m.status} order`), (m.docRule = 'ETH-FINAL-STATES'));
      if ((m.drift || concurrent) && ex.status === 409) return;
      const version = 'buyerOrderVersion' in patch ? versionKind(m, patch.buyerOrderVersion) : undefined;
      if (version === 'older' && !ok(ex)) return;
      if (ex.status !== 200) return j.fail('ETH-PATCH-MERGE', `a valid merge patch answered ${ex.status}`, { expected: 'status 200', actual: brief(ex), exchange: ex });
      m.absent = [...new Set([...m.absent, ...Object.keys(patch).filter((k) => patch[k] === null)])].filter((k) => !(k in patch) || patch[k] === null);
      m.doc = mergePatch(m.doc, patch);
      m.docRule = m.statusRule = 'ETH-PATCH-MERGE';
      if (patch.buyerOrderVersion && !m.versions.includes(patch.buyerOrderVersion)) m.versions.push(patch.buyerOrderVersion);
      judgeOrder(j, m, obs!, 'the PATCH answer');
    },
  };
}

export const patchStep = (t: Who, i: number, kind: PatchKind, concurrent = false): StepSpec<EthernetState> =>
  onOrder(`PATCH (${kind})`, i, (o, _s, env) => {
    const patch = patchFor(kind, o, env);
    return patch && [patchAction(who(t, o), o, patch, concurrent)];
  });

// ---- the buyer's transitions -----------------------------------------------------------------------------

function transitionAction(tenant: Tenant, o: EOrder, verb: Verb): Action<EthernetState> {
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
      else if (m.drift) allowed = undefined; // the Seller may have moved it on: the answer tells where it was
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
      m.drift = false;
      // A final order's document stays as it is; its status is the transition's rule until a read shows it final
      // ("the order then reads CANCELLED"), and from then on nothing leaves it (judgeOrder).
      if (FINAL.includes(to)) m.docRule = 'ETH-FINAL-STATES';
      if (ex.body?.orderStatus !== to) j.fail(rule, `${verb} answered orderStatus ${ex.body?.orderStatus}`, { expected: to, actual: ex.body?.orderStatus, exchange: ex });
    },
  };
}

export const transitionStep = (t: Who, i: number, verb: Verb): StepSpec<EthernetState> => onOrder(verb, i, (o) => [transitionAction(who(t, o), o, verb)]);

// ---- the clock, and writes at the same moment ------------------------------------------------------------

/** Moves the server's clock: open orders may move on (the Seller's to decide); final ones must stay as they are. */
export const clockStep = (seconds: number): StepSpec<EthernetState> => ({
  name: `clock +${seconds} s`,
  make: () => [
    {
      label: `the clock moves ${seconds} s`,
      async send(env) {
        await advance(env, currentStep(env), seconds);
        return undefined;
      },
      judge(s) {
        for (const o of s.orders) if (!FINAL.includes(o.status)) o.drift = true;
      },
    },
  ],
});

/**
 * Writes sent at the same moment, then reads of the orders they touched: some serial order of the writes must
 * explain every answer and what the reads show afterwards (the end state), or the rule of the best order's first
 * mismatch fails (core.ts explainSerially, as for every API's writes at once).
 */
function raceAction(writes: Action<EthernetState>[], reads: Action<EthernetState>[]): Action<EthernetState> {
  let sent: { env: Env; observed: Array<Obs | undefined>; answered: number[]; after: Array<Obs | undefined> } | undefined;
  return {
    label: `${writes.map((w) => w.label).join('  ||  ')}; then ${reads.map((r) => r.label).join(', ')}`,
    async send(env) {
      const { observed, answered } = await sendAtOnce(env, writes);
      // The reads after the writes change nothing: all at once.
      sent = { env, observed, answered, after: await Promise.all(reads.map((r) => r.send(env))) };
      return undefined;
    },
    judge(s, _obs, j) {
      const { env, observed, answered, after } = sent!;
      const explained = explainSerially(env, s, writes, observed, answered, { actions: reads, observed: after });
      s.orders = explained.s.orders;
      for (const w of explained.warnings) j.fail(w.rule, w.message, w.detail);
    },
  };
}

/** The steps' actions (each makes exactly one, about order i) sent at once, then the owner's read of order i. */
export const together = (name: string, i: number, steps: StepSpec<EthernetState>[]): StepSpec<EthernetState> => ({
  name,
  make(s, env) {
    const o = pick(s, i);
    const writes = steps.flatMap((st) => st.make(s, env) ?? []);
    if (!o || writes.length !== steps.length) return undefined;
    return [raceAction(writes, [readAction(o.tenant, o, 'id')])];
  },
});

/** The same create sent `n` times at once (one PON): one order, the others refused 409; then the owner's list. */
export const identicalCreates = (tenant: Tenant, n: number): StepSpec<EthernetState> => ({
  name: `${n} identical creates at once`,
  make(_s, env) {
    const body = createBody(env, tenant);
    const writes = Array.from({ length: n }, (_, k) => createAction(tenant, body, `create ${body.buyerPurchaseOrderNumber} (copy ${k + 1} of ${n})`));
    return [raceAction(writes, [])];
  },
});

// ---- explore's generators --------------------------------------------------------------------------------

export type Write = 'put' | 'patch' | Verb;
/** A write of order i by its owner, for races (a PATCH may then be refused as a conflict). */
export const writeStep = (w: Write, i: number): StepSpec<EthernetState> =>
  w === 'put' ? putStep('owner', i) : w === 'patch' ? patchStep('owner', i, 'contact name', true) : transitionStep('owner', i, w);

const tenants = fc.constantFrom<Tenant>(0, 1);
const verbs = fc.constantFrom<Verb>('cancel', 'hold', 'hold', 'release', 'release');
const writes = fc.constantFrom<Write>('put', 'patch', 'cancel', 'hold', 'release');

const generators = (clock: boolean): fc.Arbitrary<StepSpec<EthernetState>>[] => [
  fc.record({ t: tenants, kind: fc.constantFrom<CreateKind>('plain', 'minimal', 'same body', 'used pon'), i: fc.nat() }).map(({ t, kind, i }) => createStep(t, kind, i)),
  fc.record({ t: tenants, i: fc.nat() }).map(({ t, i }) => createStep(t, 'plain', i)),
  fc.record({ t: tenants, i: fc.nat(), by: fc.constantFrom<ReadBy>('id', '?id', '?pon') }).map(({ t, i, by }) => readStep(t, i, by)),
  tenants.map(listStep),
  fc.record({ t: tenants, i: fc.nat(), version: fc.constantFrom<PutVersion>('new', 'new', 'current', 'older'), pon: fc.constantFrom<'same' | 'other'>('same', 'same', 'other'), drop: fc.boolean() }).map(({ t, i, ...o }) => putStep(t, i, o)),
  fc.record({ t: tenants, i: fc.nat(), kind: fc.constantFrom<PatchKind>('contact name', 'drop contact', 'new version', 'older version', 'orderStatus', 'items') }).map(({ t, i, kind }) => patchStep(t, i, kind)),
  fc.record({ t: tenants, i: fc.nat(), verb: verbs }).map(({ t, i, verb }) => transitionStep(t, i, verb)),
  fc.record({ t: tenants, i: fc.nat(), verb: verbs }).map(({ t, i, verb }) => transitionStep(t, i, verb)),
  fc.record({ i: fc.nat(), a: writes, b: writes }).map(({ i, a, b }) => together(`${a} || ${b}`, i, [writeStep(a, i), writeStep(b, i)])),
  tenants.map((t) => identicalCreates(t, 2)),
  ...(clock ? [fc.constantFrom(60, 3600, 86400).map(clockStep)] : []),
];

export const ethernetModel: ExploreModel<EthernetState> = {
  api: 'ethernet',
  maxSteps: 12,
  steps: ({ clock }) => generators(clock),
  async init(env) {
    for (const key of ['buyerIdA', 'buyerIdB', 'sellerId']) {
      if (typeof env.profile[key] !== 'string') throw new Error(`the profile's ethernet section needs "${key}"`);
    }
    return { orders: [] };
  },
  async cleanup() {},
};
