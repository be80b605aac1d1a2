/**
 * Service activation: orders that turn services on and off at an access, the provisioning that
 * finishes them, and the immutable feed of order events. No HTTP here; errors are ApiErrors.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../shared/clock.js';
import { isPostgres } from '../shared/db.js';
import { ApiError } from '../shared/errors.js';
import type { AccessCatalogue, AccessRecord } from './catalogue.js';

export const API_ROOT = '/api/2.3.1';
export type Operation = 'ACTIVATE' | 'DEACTIVATE';
export type OrderState = 'RECEIVED' | 'DONE_SUCCESS' | 'DONE_FAILED';

export interface Equipment {
  vendorId: string;
  macAddress: string;
}

export interface OrderInput {
  accessId: string;
  service: string;
  operation: Operation;
  forcedTakeover?: boolean;
  equipment?: Equipment[];
  spReference?: string;
}

export interface OrderView {
  path?: string;
  accessId: string;
  service: string;
  operation: Operation;
  state: OrderState;
  message: string;
}

export interface EventView {
  event: string;
  order: Required<OrderView>;
}

export interface OrderRow {
  id: string;
  tenant: string;
  access_id: string;
  service: string;
  service_type: string;
  operation: Operation;
  state: OrderState;
  message: string;
  forced_takeover: boolean | number | null;
  equipment: string | null;
  sp_reference: string | null;
  created_at: string;
  due_at: string;
  finished_at: string | null;
}

export interface DomainOptions {
  /** Seconds from RECEIVED until provisioning finishes an order (measured on the clock). */
  delaySeconds: number;
  catalogue: AccessCatalogue;
  /** Events per query while streaming the feed. */
  feedBatchSize?: number;
}

const MAC = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
const ACCESS_ID = /^[A-Za-z0-9.-]{1,32}$/;
export const orderPath = (id: string) => `${API_ROOT}/orders/${id}`;
const bad = (cause: string) => new ApiError(400, 'BAD_REQUEST', cause);

export class ActivationDomain {
  constructor(
    readonly db: Knex,
    readonly clock: Clock,
    readonly options: DomainOptions,
  ) {}

  protected get pg(): boolean {
    return isPostgres(this.db);
  }

  /** Serialises work on one access across transactions and processes (PostgreSQL; SQLite serialises anyway). */
  protected async lockAccess(trx: Knex.Transaction, accessId: string): Promise<void> {
    if (this.pg) await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`act:${accessId}`]);
  }

  toView(row: OrderRow): OrderView {
    return { path: orderPath(row.id), accessId: row.access_id, service: row.service, operation: row.operation, state: row.state, message: row.message };
  }

  /** Field rules the schema cannot express (and a second line of defence for the ones it can). */
  protected validate(input: OrderInput): AccessRecord {
    if (typeof input.accessId !== 'string' || !ACCESS_ID.test(input.accessId)) throw bad('accessId must be 1 to 32 characters of A-Z, a-z, 0-9, "-" and "."');
    if (typeof input.service !== 'string' || input.service.length === 0) throw bad('service is required');
    if (input.operation !== 'ACTIVATE' && input.operation !== 'DEACTIVATE') throw bad('operation must be ACTIVATE or DEACTIVATE');
    if (input.operation === 'ACTIVATE' && typeof input.forcedTakeover !== 'boolean') throw bad('forcedTakeover is required for ACTIVATE');
    if (input.spReference !== undefined && (typeof input.spReference !== 'string' || input.spReference.length > 255)) throw bad('spReference must be a string of at most 255 characters');
    for (const e of input.equipment ?? []) {
      if (!e || typeof e.vendorId !== 'string' || !e.vendorId || typeof e.macAddress !== 'string' || !MAC.test(e.macAddress)) {
        throw bad('equipment entries need a vendorId and a macAddress like 00:00:00:00:00:00');
      }
    }
    const access = this.options.catalogue.get(input.accessId);
    if (!access) throw bad(`Unknown accessId '${input.accessId}'`);
    const offered = access.services.find((s) => s.service === input.service);
    if (!offered || offered.connection !== 'YES' || !this.options.catalogue.serviceType(input.service)) {
      throw bad(`Service '${input.service}' is not offered at access '${input.accessId}'`);
    }
    return access;
  }

  /**
   * Places an order. 201 with a new RECEIVED order; 200 with the order already in progress for the
   * same service; 200 DONE_SUCCESS without path when nothing needs doing; 400 for everything refused.
   */
  async createOrder(tenant: string, input: OrderInput): Promise<{ status: 200 | 201; order: OrderView }> {
    const access = this.validate(input);
    const delaySeconds = this.options.delaySeconds * (access.slowerBy ?? 1);
    const serviceType = this.options.catalogue.serviceType(input.service)!;
    return this.db.transaction(async (trx) => {
      await this.lockAccess(trx, input.accessId);
      const inProgress: OrderRow | undefined = await trx('act_orders')
        .where({ tenant, access_id: input.accessId, service: input.service, state: 'RECEIVED' })
        .orderBy('created_at')
        .first();
      if (inProgress) return { status: 200 as const, order: this.toView(inProgress) };
      const active = await trx('act_active').where({ access_id: input.accessId, service_type: serviceType }).first();
      const noop = (): { status: 200; order: OrderView } => ({
        status: 200,
        order: { accessId: input.accessId, service: input.service, operation: input.operation, state: 'DONE_SUCCESS', message: '' },
      });
      if (input.operation === 'ACTIVATE') {
        if (active && active.tenant !== tenant) throw bad('ServiceType is already claimed by other Service Provider.');
        if (active && active.service === input.service) return noop();
        if (active) throw bad(`Another Service of ServiceType '${serviceType}' is already active.`);
      } else if (!active || active.tenant !== tenant || active.service !== input.service) {
        return noop();
      }
      const row = this.receivedRow(tenant, input, serviceType, delaySeconds);
      await trx('act_orders').insert(row);
      await this.afterCreate(trx, row);
      return { status: 201 as const, order: this.toView(row) };
    });
  }

  /** A new RECEIVED order row, due `delaySeconds` from now on the domain's clock. */
  protected receivedRow(tenant: string, input: OrderInput, serviceType: string, delaySeconds: number): OrderRow {
    const now = this.clock.now();
    return {
      id: crypto.randomUUID(),
      tenant,
      access_id: input.accessId,
      service: input.service,
      service_type: serviceType,
      operation: input.operation,
      state: 'RECEIVED',
      message: '',
      forced_takeover: input.operation === 'ACTIVATE' ? !!input.forcedTakeover : null,
      equipment: input.operation === 'ACTIVATE' ? JSON.stringify(input.equipment ?? []) : null,
      sp_reference: input.spReference ?? null,
      created_at: now.toISOString(),
      due_at: new Date(now.getTime() + delaySeconds * 1000).toISOString(),
      finished_at: null,
    };
  }

  /** A hook after an order row is written (nothing in the reference server). */
  protected async afterCreate(_trx: Knex.Transaction, _row: OrderRow): Promise<void> {}

  async getOrder(tenant: string, id: string): Promise<OrderView> {
    const row: OrderRow | undefined = await this.db('act_orders').where({ id, tenant }).first();
    if (!row) throw new ApiError(404, 'NOT_FOUND', `Order '${id}' not found`);
    return this.toView(row);
  }

  /**
   * Provisioning: finishes one due RECEIVED order, in one transaction that also writes its event.
   * Claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, so two workers never take the same order.
   * Returns false when no order is due.
   */
  async finishOne(): Promise<boolean> {
    const now = this.clock.now().toISOString();
    return this.db.transaction(async (trx) => {
      let query = trx('act_orders').where('state', 'RECEIVED').andWhere('due_at', '<=', now).orderBy('due_at').orderBy('id').first();
      if (this.pg) query = query.forUpdate().skipLocked();
      const row: OrderRow | undefined = await query;
      if (!row) return false;
      await this.lockAccess(trx, row.access_id);
      const { state, message } = await this.provision(trx, row, now);
      const updated = await trx('act_orders').where({ id: row.id, state: 'RECEIVED' }).update({ state, message, finished_at: now });
      if (updated !== 1) return true;
      await this.appendEvent(trx, { ...row, state, message, finished_at: now });
      return true;
    });
  }

  /** Carries out an order on the network (here: the act_active table) and says how it ended. */
  protected async provision(trx: Knex.Transaction, row: OrderRow, now: string): Promise<{ state: OrderState; message: string }> {
    const access = this.options.catalogue.get(row.access_id);
    if (!access) return { state: 'DONE_FAILED', message: `Unknown accessId '${row.access_id}'` };
    if (access.failsWith) return { state: 'DONE_FAILED', message: access.failsWith };
    const slot = { access_id: row.access_id, service_type: row.service_type };
    const active = await trx('act_active').where(slot).first();
    if (row.operation === 'DEACTIVATE') {
      if (active && active.tenant === row.tenant && active.service === row.service) await trx('act_active').where(slot).delete();
      return { state: 'DONE_SUCCESS', message: '' };
    }
    if (active && active.tenant !== row.tenant) return { state: 'DONE_FAILED', message: 'ServiceType is already claimed by other Service Provider.' };
    if (active && active.service !== row.service) return { state: 'DONE_FAILED', message: `Another Service of ServiceType '${row.service_type}' is already active.` };
    const values = { equipment: row.equipment ?? '[]', sp_reference: row.sp_reference, activated_at: now };
    if (active) await trx('act_active').where(slot).update(values);
    else await trx('act_active').insert({ ...slot, ...values, tenant: row.tenant, service: row.service, option82: `${row.access_id}:${row.service_type}` });
    return { state: 'DONE_SUCCESS', message: '' };
  }

  /**
   * Appends an event in the caller's transaction. The counter row is locked by the UPDATE until the
   * transaction commits, so positions are handed out in commit order: no reader can see position
   * N+1 while N is still invisible.
   */
  protected async appendEvent(trx: Knex.Transaction, row: OrderRow): Promise<void> {
    await trx('act_event_counter').where({ id: 1 }).increment('last', 1);
    const counter = await trx('act_event_counter').where({ id: 1 }).first('last');
    await trx('act_events').insert({
      position: Number(counter.last),
      event_id: crypto.randomUUID(),
      tenant: row.tenant,
      order_id: row.id,
      access_id: row.access_id,
      service: row.service,
      operation: row.operation,
      state: row.state,
      message: row.message,
      created_at: row.finished_at ?? this.clock.now().toISOString(),
    });
  }

  /**
   * The calling provider's events after `since` (exclusive), oldest first, as an async stream read
   * in keyset batches. An unknown `since` is refused before anything is streamed.
   */
  async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    let after = 0;
    if (since !== undefined) {
      const row = await this.db('act_events').where({ tenant, event_id: since }).first('position');
      if (!row) throw bad(`Unknown event '${since}' in since: use an event this API returned to you, or leave since out to read every event`);
      after = Number(row.position);
    }
    return this.eventsAfter(tenant, after);
  }

  protected async *eventsAfter(tenant: string, after: number): AsyncGenerator<EventView> {
    const size = this.options.feedBatchSize ?? 1000;
    for (;;) {
      const rows = await this.db('act_events').where('tenant', tenant).andWhere('position', '>', after).orderBy('position').limit(size);
      for (const r of rows) yield this.eventView(r);
      if (rows.length < size) return;
      after = Number(rows[rows.length - 1].position);
    }
  }

  protected eventView(r: any): EventView {
    return {
      event: r.event_id,
      order: { path: orderPath(r.order_id), accessId: r.access_id, service: r.service, operation: r.operation, state: r.state, message: r.message },
    };
  }

  // --- feasibility and availability ---

  /** Every access, or only those changed after `since` (If-Modified-Since); each one whole. */
  listAccesses(since?: Date) {
    const accesses = since ? this.options.catalogue.changedSince(since) : this.options.catalogue.list();
    return accesses.map(({ failsWith: _f, slowerBy: _s, ...a }) => a);
  }

  /** The Last-Modified of the access list. */
  accessesModifiedAt(): Date {
    return this.options.catalogue.modifiedAt();
  }

  async getAccess(tenant: string, accessId: string) {
    const access = this.options.catalogue.get(accessId);
    if (!access) throw new ApiError(404, 'NOT_FOUND', `Access '${accessId}' not found`);
    const rows = await this.db('act_active').where({ access_id: accessId });
    const { failsWith: _f, slowerBy: _s, ...rest } = access;
    return {
      ...rest,
      services: access.services.map((s) => {
        const type = this.options.catalogue.serviceType(s.service);
        const other = rows.some((r: any) => r.service_type === type && r.tenant !== tenant);
        // Before the first connection `available` is `connection` (NO or its date); taken by another provider: NO.
        const available = s.connection !== 'YES' ? s.connection : other ? 'NO' : 'YES';
        return { ...s, available, forcedTakeoverPossible: false };
      }),
      active: rows
        .filter((r: any) => r.tenant === tenant)
        .map((r: any) => ({
          service: r.service,
          option82: r.option82,
          equipment: JSON.parse(r.equipment ?? '[]'),
          ...(r.sp_reference != null ? { spReference: r.sp_reference } : {}),
        })),
    };
  }

  async listServices(tenant: string) {
    const rows = await this.db('act_active').where({ tenant }).orderBy(['access_id', 'service']);
    return rows.map((r: any) => ({ service: r.service, accessId: r.access_id, ...(r.sp_reference != null ? { spReference: r.sp_reference } : {}) }));
  }
}
