/**
 * Broken copies of the activation reference server along the dimensions the behaviour-model sweep covers: the same
 * intent in another body, lookups that forget whose state they read, a failed order's event, outcomes that change an
 * hour or a day later, two writes at the same moment, and limits at their edges. Each breaks one documented rule.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { ApiContext } from '../../src/shared/api.js';
import { cartApi } from '../../src/cart/api.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import { activationApi } from '../../src/activation/api.js';
import type { AccessCatalogue } from '../../src/activation/catalogue.js';
import { ActivationDomain, type EventView, type OrderInput, type OrderRow, type OrderView } from '../../src/activation/domain.js';
import { ApiError } from '../../src/shared/errors.js';
import type { Variant } from './variant.js';

type DomainClass = new (db: Knex, clock: ApiContext['clock'], options: ConstructorParameters<typeof ActivationDomain>[2]) => ActivationDomain;
type Created = { status: 200 | 201; order: OrderView };

const variant = (name: string, breaks: string, description: string, Domain: DomainClass, extra: Partial<Variant> = {}): Variant => ({
  name,
  api: 'activation',
  breaks,
  description,
  ...extra,
  apis: () => [
    cartApi(),
    activationApi({ domain: (ctx: ApiContext, catalogue: AccessCatalogue) => new Domain(ctx.db, ctx.clock, { delaySeconds: ctx.config.activationDelaySeconds, catalogue }) }),
    ethernetApi(),
  ],
});

const HOUR = 3600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Places a new RECEIVED order without the reference server's checks (what the broken lookups fall through to). */
async function placeNew(domain: ActivationDomain, db: Knex | Knex.Transaction, tenant: string, input: OrderInput): Promise<Created> {
  const access = domain.options.catalogue.get(input.accessId)!;
  const row = (domain as any).receivedRow(tenant, input, domain.options.catalogue.serviceType(input.service)!, domain.options.delaySeconds * (access.slowerBy ?? 1));
  await db('act_orders').insert(row);
  return { status: 201, order: domain.toView(row) };
}

// ---- the same intent in another body --------------------------------------------------------------------------

/** The order in progress is found only by an identical request: an spReference that differs makes a second order. */
class InProgressByReference extends ActivationDomain {
  override async createOrder(tenant: string, input: OrderInput): Promise<Created> {
    this.validate(input);
    const open: OrderRow[] = await this.db('act_orders').where({ tenant, access_id: input.accessId, service: input.service, state: 'RECEIVED' });
    if (open.length && !open.some((r) => (r.sp_reference ?? null) === (input.spReference ?? null))) return placeNew(this, this.db, tenant, input);
    return super.createOrder(tenant, input);
  }
}

/** The order in progress is keyed by operation and equipment too: a retry with other equipment, or a DEACTIVATE, makes a second order. */
class InProgressByEquipment extends ActivationDomain {
  override async createOrder(tenant: string, input: OrderInput): Promise<Created> {
    this.validate(input);
    const key = (op: string, equipment: string | null) => `${op} ${equipment ?? '[]'}`;
    const wanted = key(input.operation, input.operation === 'ACTIVATE' ? JSON.stringify(input.equipment ?? []) : null);
    const open: OrderRow[] = await this.db('act_orders').where({ tenant, access_id: input.accessId, service: input.service, state: 'RECEIVED' });
    if (open.length && !open.some((r) => key(r.operation, r.equipment) === wanted)) return placeNew(this, this.db, tenant, input);
    return super.createOrder(tenant, input);
  }
}

// ---- lookups that forget whose state they read ----------------------------------------------------------------

/** "The order in progress" is looked up by access and service alone: another provider's order in progress is answered. */
class InProgressAnyProvider extends ActivationDomain {
  override async createOrder(tenant: string, input: OrderInput): Promise<Created> {
    this.validate(input);
    const open: OrderRow | undefined = await this.db('act_orders').where({ access_id: input.accessId, service: input.service, state: 'RECEIVED' }).orderBy('created_at').first();
    if (open) return { status: 200, order: this.toView(open) };
    return super.createOrder(tenant, input);
  }
}

/** A DEACTIVATE looks for the active service by access and service alone: another provider's DEACTIVATE of it is received as an order. */
class DeactivateLookupAnyProvider extends ActivationDomain {
  override async createOrder(tenant: string, input: OrderInput): Promise<Created> {
    const result = await super.createOrder(tenant, input);
    if (input.operation !== 'DEACTIVATE' || result.order.path) return result;
    const someone = await this.db('act_active').where({ access_id: input.accessId, service: input.service }).first();
    return someone ? placeNew(this, this.db, tenant, input) : result;
  }
}

// ---- a failed order's event ------------------------------------------------------------------------------------

/** The event of a failed order is written before the failure's message is known: its message is empty. */
class FailedEventNoMessage extends ActivationDomain {
  protected override async appendEvent(trx: Knex.Transaction, row: OrderRow): Promise<void> {
    return super.appendEvent(trx, row.state === 'DONE_FAILED' ? { ...row, message: '' } : row);
  }
}

/** The event of a failed order carries the message as the event formatter wraps it, not as the order has it. */
class FailedEventWrappedMessage extends ActivationDomain {
  protected override async appendEvent(trx: Knex.Transaction, row: OrderRow): Promise<void> {
    return super.appendEvent(trx, row.state === 'DONE_FAILED' ? { ...row, message: `Provisioning failed: ${row.message}` } : row);
  }
}

// ---- outcomes that change an hour or a day later ---------------------------------------------------------------

/** A retry job: an order that failed more than an hour ago is provisioned again and then reads DONE_SUCCESS. */
class FailedRetriedAfterAnHour extends ActivationDomain {
  override async finishOne(): Promise<boolean> {
    const before = new Date(this.clock.now().getTime() - HOUR).toISOString();
    await this.db('act_orders').where('state', 'DONE_FAILED').andWhere('finished_at', '<', before).update({ state: 'DONE_SUCCESS', message: '' });
    return super.finishOne();
  }
}

/** The feed keeps a day of events: older ones drop out of every answer. */
class FeedKeepsADay extends ActivationDomain {
  protected override async *eventsAfter(tenant: string, after: number): AsyncGenerator<EventView> {
    const kept = new Date(this.clock.now().getTime() - 24 * HOUR).toISOString();
    const rows = await this.db('act_events').where('tenant', tenant).andWhere('position', '>', after).andWhere('created_at', '>=', kept).orderBy('position');
    for (const r of rows) yield this.eventView(r);
  }
}

// ---- two writes at the same moment -----------------------------------------------------------------------------

/** Check-then-write outside a transaction: the in-progress lookup, a call to the inventory, then the insert. */
class InProgressCheckThenWrite extends ActivationDomain {
  override async createOrder(tenant: string, input: OrderInput): Promise<Created> {
    this.validate(input);
    const open = await this.db('act_orders').where({ tenant, access_id: input.accessId, service: input.service, state: 'RECEIVED' }).first();
    if (open || input.operation !== 'ACTIVATE') return super.createOrder(tenant, input);
    const active = await this.db('act_active').where({ access_id: input.accessId, service_type: this.options.catalogue.serviceType(input.service) }).first();
    if (active) return super.createOrder(tenant, input);
    await sleep(15); // the network inventory is asked whether the port is free
    return placeNew(this, this.db, tenant, input);
  }
}

/**
 * Event positions are handed out when the worker claims the due orders, and each order is then provisioned on its own
 * (a call to the network of varying length) and committed with its event: a later position can be visible while an
 * earlier one is not yet, and a reader following since passes over the earlier one for good.
 */
class PositionsBeforeCommit extends ActivationDomain {
  override async finishOne(): Promise<boolean> {
    const now = this.clock.now().toISOString();
    const due: OrderRow[] = await this.db('act_orders').where('state', 'RECEIVED').andWhere('due_at', '<=', now).orderBy('due_at').orderBy('id');
    if (!due.length) return false;
    const positions = new Map<string, number>();
    for (const row of due) {
      await this.db('act_event_counter').where({ id: 1 }).increment('last', 1);
      positions.set(row.id, Number((await this.db('act_event_counter').where({ id: 1 }).first('last')).last));
    }
    await Promise.all(
      due.map(async (row, i) => {
        await sleep(i === 0 ? 250 : 10 * i);
        await this.db.transaction(async (trx) => {
          const { state, message } = await this.provision(trx, row, now);
          const updated = await trx('act_orders').where({ id: row.id, state: 'RECEIVED' }).update({ state, message, finished_at: now });
          if (updated !== 1) return;
          await trx('act_events').insert({
            position: positions.get(row.id),
            event_id: crypto.randomUUID(),
            tenant: row.tenant,
            order_id: row.id,
            access_id: row.access_id,
            service: row.service,
            operation: row.operation,
            state,
            message,
            created_at: now,
          });
        });
      }),
    );
    return true;
  }
}

// ---- limits at their edges -------------------------------------------------------------------------------------

/** The equipment list is checked with "fewer than 16": the documented maximum of 16 entries is refused. */
class EquipmentMaxRefused extends ActivationDomain {
  protected override validate(input: OrderInput) {
    if ((input.equipment?.length ?? 0) >= 16) throw new ApiError(400, 'BAD_REQUEST', 'at most 16 equipment entries');
    return super.validate(input);
  }
}

/** spReference is stored in a column one character short: 255 characters, the documented maximum, are refused. */
class SpReferenceMaxRefused extends ActivationDomain {
  protected override validate(input: OrderInput) {
    if (typeof input.spReference === 'string' && input.spReference.length >= 255) throw new ApiError(400, 'BAD_REQUEST', 'spReference must be a string of at most 255 characters');
    return super.validate(input);
  }
}

export const sweepActivationVariants: Variant[] = [
  variant('sweep-act-in-progress-by-reference', 'ACT-ORDER-IN-PROGRESS', 'an order of the service in progress is found only when spReference is the same: a retry with another one is a second order', InProgressByReference),
  variant('sweep-act-in-progress-by-equipment', 'ACT-ORDER-IN-PROGRESS', 'an order of the service in progress is found only with the same operation and equipment', InProgressByEquipment),
  variant('sweep-act-in-progress-any-provider', 'ACT-TENANCY', "the order in progress is looked up without the provider: another provider's order is answered", InProgressAnyProvider),
  variant('sweep-act-deactivate-lookup-any-provider', 'ACT-ORDER-NOTHING-TO-DO', "a DEACTIVATE finds the active service without the provider: another provider's DEACTIVATE of it is received", DeactivateLookupAnyProvider),
  variant('sweep-act-failed-event-no-message', 'ACT-FEED-FIELDS-AS-ORDER', "a failed order's event has an empty message", FailedEventNoMessage),
  variant('sweep-act-failed-event-wrapped-message', 'ACT-FEED-FIELDS-AS-ORDER', "a failed order's event carries its message wrapped in other words", FailedEventWrappedMessage),
  variant('sweep-act-failed-retried-after-an-hour', 'ACT-ORDER-FINAL', 'an order that failed more than an hour ago is retried and then reads DONE_SUCCESS', FailedRetriedAfterAnHour),
  variant('sweep-act-feed-keeps-a-day', 'ACT-FEED-IMMUTABLE', 'events older than a day drop out of the feed', FeedKeepsADay, { alsoBreaks: ['ACT-FEED-NO-SINCE-ALL'] }),
  variant('sweep-act-in-progress-check-then-write', 'ACT-ORDER-IN-PROGRESS', 'two identical ACTIVATEs at the same moment both make an order (check-then-write outside a transaction)', InProgressCheckThenWrite),
  variant('sweep-act-positions-before-commit', 'ACT-FEED-IMMUTABLE', 'event positions are taken when orders are claimed, before their events commit, which commit in any order', PositionsBeforeCommit, {
    alsoBreaks: ['ACT-FEED-SINCE-CHAIN', 'ACT-FEED-SINCE-RETURNS-ALL-LATER', 'ACT-FEED-EVERY-FINISHED-ORDER', 'ACT-FEED-ASCENDING'],
  }),
  variant('sweep-act-equipment-max-refused', 'ACT-ORDER-CREATED', 'an ACTIVATE with 16 equipment entries, the documented maximum, is refused', EquipmentMaxRefused),
  variant('sweep-act-sp-reference-max-refused', 'ACT-ORDER-CREATED', 'an ACTIVATE with an spReference of 255 characters, the documented maximum, is refused', SpReferenceMaxRefused),
];
