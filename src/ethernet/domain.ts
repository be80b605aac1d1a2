/**
 * The ethernet order domain: create, read, list, replace (supplemental PUT), merge-patch, and the buyer's
 * state transitions (cancel, hold, release), plus the fulfilment simulator's step. No HTTP here: errors are
 * ApiErrors in the API's codes (each at most 12 characters, as the error shape requires).
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../shared/clock.js';
import { ApiError } from '../shared/errors.js';
import { validateOrderCreateUpdate as request_createOrder } from './validators.js';
import { OrderStore, type Change, type OrderRecord } from './store.js';
import { SEMANTIC_CHECKS, semanticProblems, type Problem, type SemanticCheck } from './semantic.js';

export type OrderStatus = 'ACKNOWLEDGED' | 'IN_PROGRESS' | 'PENDING' | 'HELD' | 'REJECTED' | 'CANCELLED' | 'PARTIAL' | 'FAILED' | 'COMPLETED';
export const OPEN_STATES: OrderStatus[] = ['ACKNOWLEDGED', 'IN_PROGRESS', 'PENDING', 'HELD'];
export const FINAL_STATES: OrderStatus[] = ['REJECTED', 'CANCELLED', 'PARTIAL', 'FAILED', 'COMPLETED'];
export const INITIAL_STATUS: OrderStatus = 'IN_PROGRESS';

export type Action = 'cancel' | 'hold' | 'release';
export type TransitionTable = Record<Action, { from: OrderStatus[]; to: OrderStatus }>;

/** The buyer's transitions, from the MEF order state diagram. Nothing leaves a final state. */
export const TRANSITIONS: TransitionTable = {
  cancel: { from: ['ACKNOWLEDGED', 'IN_PROGRESS', 'PENDING', 'HELD'], to: 'CANCELLED' },
  hold: { from: ['IN_PROGRESS'], to: 'HELD' },
  release: { from: ['HELD'], to: 'IN_PROGRESS' },
};

/** Members the Seller owns: never stored from a request (the first three are not patchable to another value either). */
const SELLER_OWNED = ['id', 'link', 'orderStatus', 'status', 'expectedCompletionDate', 'completionDate'] as const;
const NOT_PATCHABLE = ['id', 'link', 'orderStatus', 'buyerId', 'buyerPurchaseOrderNumber'] as const;

export interface DomainOptions {
  db: Knex;
  clock: Clock;
  /** Where the API is mounted, for the orders' links (e.g. `/ethernet`). */
  basePath: string;
  transitions?: TransitionTable;
  semanticChecks?: SemanticCheck[];
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? structuredClone(target as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const invalid = (problems: Problem[]) => new ApiError(400, problems[0].code, problems[0].message, { messages: problems });

function schemaProblems(document: unknown): Problem[] {
  if (request_createOrder(document)) return [];
  return (request_createOrder.errors ?? []).slice(0, 10).map((e) => ({
    code: 'INVALID',
    message: `${e.instancePath || '(order)'} ${e.message ?? 'is invalid'}`,
  }));
}

const strip = (body: Record<string, any>) => {
  const doc = structuredClone(body);
  for (const key of SELLER_OWNED) delete doc[key];
  // An item's status is the Seller's too: answers give the order's.
  if (Array.isArray(doc.orderItems)) for (const item of doc.orderItems) if (item && typeof item === 'object') delete item.orderItemStatus;
  return doc;
};

/** A link as the source's link schema has it (objectType, href, rel), which the seed's href-only links also satisfy. */
const selfLink = (href: string) => ({ objectType: 'link', href, rel: 'self', method: 'get', type: 'application/json' });

export class EthernetDomain {
  readonly store: OrderStore;
  readonly transitions: TransitionTable;

  constructor(readonly options: DomainOptions) {
    this.store = new OrderStore(options.db);
    this.transitions = options.transitions ?? TRANSITIONS;
  }

  protected get db() {
    return this.options.db;
  }

  protected now(): string {
    return this.options.clock.now().toISOString();
  }

  newOrderId(): string {
    return `ORD-${crypto.randomBytes(6).toString('hex').toUpperCase()}`;
  }

  /** The order as the API answers it. */
  render(order: OrderRecord): Record<string, any> {
    const { objectType: _ignored, orderItems, ...rest } = order.document;
    return {
      objectType: 'order',
      id: order.id,
      link: selfLink(`${this.options.basePath}/orders/${encodeURIComponent(order.id)}`),
      ...rest,
      orderStatus: order.status,
      ...(order.status === 'COMPLETED' ? { completionDate: order.statusSince } : {}),
      ...(Array.isArray(orderItems) ? { orderItems: orderItems.map((item: any) => ({ ...item, orderItemStatus: order.status })) } : { orderItems }),
    };
  }

  async create(buyer: string, body: Record<string, any>): Promise<Record<string, any>> {
    this.checkSchema(body);
    this.checkBuyer(buyer, body);
    const document = strip(body);
    this.checkSemantics(document, []);
    const at = this.now();
    const order: OrderRecord = {
      id: this.newOrderId(),
      buyerId: buyer,
      pon: document.buyerPurchaseOrderNumber,
      buyerOrderVersion: document.buyerOrderVersion,
      status: INITIAL_STATUS,
      statusSince: at,
      revision: 1,
      document,
      createdAt: at,
      updatedAt: at,
    };
    try {
      await this.db.transaction(async (trx) => {
        if (await this.store.find(trx, buyer, { pon: order.pon })) throw ponInUse(order.pon);
        await this.store.insert(trx, order);
      });
    } catch (err: any) {
      if (err instanceof ApiError) throw err;
      // Two creates with one PON at once: the unique index decides.
      if (/unique|duplicate/i.test(String(err?.message))) throw ponInUse(order.pon);
      throw err;
    }
    return this.render(order);
  }

  async get(buyer: string, id: string): Promise<Record<string, any>> {
    return this.render(await this.load(this.db, buyer, { id }));
  }

  /** One order by id and/or purchase order number (both must match when both are given). */
  async find(buyer: string, by: { id?: string; pon?: string }): Promise<Record<string, any>> {
    return this.render(await this.load(this.db, buyer, by));
  }

  async list(buyer: string, offset: number, limit: number) {
    const { total, orders } = await this.db.transaction((trx) => this.listRecords(buyer, offset, limit, trx), this.listSnapshot());
    return {
      objectType: 'orderList',
      link: selfLink(`${this.options.basePath}/orders?buyerId=${encodeURIComponent(buyer)}`),
      available: total,
      returned: orders.length,
      items: orders.map((o) => this.render(o)),
    };
  }

  /** The count and the page from one snapshot: orders created meanwhile never make `available` below `returned`. */
  protected listSnapshot(): Knex.TransactionConfig | undefined {
    return this.db.client.config.client === 'pg' ? { isolationLevel: 'repeatable read' } : undefined;
  }

  protected listRecords(buyer: string, offset: number, limit: number, trx: Knex = this.db) {
    return this.store.list(trx, { buyer_id: buyer }, offset, limit);
  }

  /** A supplemental order: full replacement, same PON, a buyerOrderVersion the order has not had. */
  async replace(buyer: string, id: string, body: Record<string, any>): Promise<Record<string, any>> {
    return this.db.transaction(async (trx) => {
      const order = await this.load(trx, buyer, { id }, true);
      this.checkSchema(body);
      this.checkBuyer(buyer, body);
      this.checkOpen(order, 'changed');
      const document = strip(body);
      this.checkSamePon(order, document);
      await this.checkNewVersion(trx, order, document.buyerOrderVersion);
      this.checkSemantics(document, await this.store.itemRefsEverOrdered(trx, order.id));
      return this.render(await this.storeVersion(trx, order, document, 'PUT'));
    });
  }

  /** A JSON merge patch over the current document; the result is checked like a full order. */
  async patch(buyer: string, id: string, patch: Record<string, any>): Promise<Record<string, any>> {
    return this.db.transaction(async (trx) => {
      const order = await this.load(trx, buyer, { id }, true);
      if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new ApiError(400, 'INVALID', 'A merge patch of an order is a JSON object');
      this.checkOpen(order, 'changed');
      const current = this.render(order);
      const rest: Record<string, any> = { ...patch };
      for (const key of NOT_PATCHABLE) {
        if (!(key in rest)) continue;
        if (JSON.stringify(rest[key]) !== JSON.stringify(current[key])) {
          throw new ApiError(400, 'READ_ONLY', `${key} cannot be changed by a PATCH`);
        }
        delete rest[key];
      }
      const document = strip(mergePatch(order.document, rest) as Record<string, any>);
      const problems = schemaProblems(document);
      if (problems.length) throw invalid(problems);
      if (document.buyerOrderVersion !== order.buyerOrderVersion) await this.checkNewVersion(trx, order, document.buyerOrderVersion);
      this.checkSemantics(document, await this.store.itemRefsEverOrdered(trx, order.id));
      return this.render(await this.storeVersion(trx, order, document, 'PATCH'));
    });
  }

  async transition(buyer: string, id: string, action: Action): Promise<Record<string, any>> {
    return this.db.transaction(async (trx) => {
      const order = await this.load(trx, buyer, { id }, true);
      const rule = this.transitions[action];
      if (!rule.from.includes(order.status as OrderStatus)) {
        throw new ApiError(409, 'BAD_STATE', `An order in ${order.status} cannot be ${PAST[action]}; allowed from ${rule.from.join(', ')}`, {
          status: order.status,
        });
      }
      const at = this.now();
      await this.store.setStatus(trx, order.id, order.status, rule.to, at);
      return this.render({ ...order, status: rule.to, statusSince: at, updatedAt: at });
    });
  }

  /** Fulfilment simulator step: IN_PROGRESS orders that have been so for `stepSeconds` become COMPLETED. */
  async simulateStep(stepSeconds: number): Promise<number> {
    const now = this.options.clock.now();
    const before = new Date(now.getTime() - stepSeconds * 1000).toISOString();
    const ids = await this.store.inStatusSince(this.db, 'IN_PROGRESS', before);
    let moved = 0;
    for (const id of ids) moved += await this.store.setStatus(this.db, id, 'IN_PROGRESS', 'COMPLETED', now.toISOString());
    return moved;
  }

  /** Every version of an order, oldest first (for audits and tests). */
  async history(buyer: string, id: string) {
    const order = await this.load(this.db, buyer, { id });
    return this.store.versions(this.db, order.id);
  }

  protected async load(trx: Knex, buyer: string, by: { id?: string; pon?: string }, lock = false): Promise<OrderRecord> {
    const order = await this.store.find(trx, buyer, by, lock);
    if (!order) {
      const what = [by.id !== undefined ? `id "${by.id}"` : '', by.pon !== undefined ? `purchase order number "${by.pon}"` : ''].filter(Boolean).join(' and ');
      throw new ApiError(404, 'NOT_FOUND', `No order with ${what}`);
    }
    return order;
  }

  /**
   * The order-create-update schema, checked here as well as by the request validator in front, so the domain
   * never stores an invalid order whatever is mounted before it.
   */
  protected checkSchema(body: unknown): void {
    const problems = schemaProblems(body);
    if (problems.length) throw invalid(problems);
  }

  protected checkBuyer(buyer: string, body: Record<string, any>): void {
    if (body.buyerId !== buyer) {
      throw new ApiError(403, 'WRONG_BUYER', `buyerId "${body.buyerId}" is not the authenticated buyer "${buyer}"`);
    }
  }

  protected checkOpen(order: OrderRecord, what: string): void {
    if (FINAL_STATES.includes(order.status as OrderStatus)) {
      throw new ApiError(409, 'BAD_STATE', `An order in ${order.status} (a final state) cannot be ${what}`, { status: order.status });
    }
  }

  protected checkSamePon(order: OrderRecord, document: Record<string, any>): void {
    if (document.buyerPurchaseOrderNumber !== order.pon) {
      throw new ApiError(400, 'PON_MISMATCH', `A supplemental order keeps the purchase order number "${order.pon}"; got "${document.buyerPurchaseOrderNumber}"`);
    }
  }

  protected async checkNewVersion(trx: Knex, order: OrderRecord, version: string): Promise<void> {
    const used = await this.store.versionsUsed(trx, order.id);
    if (used.includes(version)) {
      throw new ApiError(409, 'SAME_VERSION', `buyerOrderVersion "${version}" was already used by this order; a supplemental order needs a new version`);
    }
  }

  protected checkSemantics(document: Record<string, any>, knownItemRefs: string[]): void {
    const problems = semanticProblems(document, knownItemRefs, this.options.semanticChecks ?? SEMANTIC_CHECKS);
    if (problems.length) throw invalid(problems);
  }

  protected async storeVersion(trx: Knex, order: OrderRecord, document: Record<string, any>, change: Change): Promise<OrderRecord> {
    const next: OrderRecord = {
      ...order,
      document,
      buyerOrderVersion: document.buyerOrderVersion,
      revision: order.revision + 1,
      updatedAt: this.now(),
    };
    await this.store.replaceDocument(trx, next, change);
    return next;
  }
}

const PAST: Record<Action, string> = { cancel: 'cancelled', hold: 'held', release: 'released' };
const ponInUse = (pon: string) =>
  new ApiError(409, 'PON_IN_USE', `Purchase order number "${pon}" already names one of your orders; change it with PUT /orders/{id}`);
