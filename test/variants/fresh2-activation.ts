/**
 * A second round of broken copies of the activation reference server, each a realistic bug of a kind no registered
 * variant names (test/variants/activation.ts, power.ts, sweep-activation.ts, fresh-activation.ts): written to measure
 * the suite's power on bugs it was not told about.
 */
import type { Knex } from 'knex';
import type { ApiContext, ApiModule } from '../../src/shared/api.js';
import { activationApi, type ActivationOptions } from '../../src/activation/api.js';
import type { AccessCatalogue } from '../../src/activation/catalogue.js';
import { ActivationDomain, type EventView, type OrderInput, type OrderRow, type OrderView } from '../../src/activation/domain.js';
import type { Variant } from './variant.js';
import { bad, variant } from './fresh-activation.js';

type DomainClass = new (db: Knex, clock: ApiContext['clock'], options: ConstructorParameters<typeof ActivationDomain>[2]) => ActivationDomain;
type Created = { status: 200 | 201; order: OrderView };
type Provision = ActivationDomain['provision'];

const withDomain = (Domain: DomainClass): ActivationOptions => ({
  domain: (ctx: ApiContext, catalogue: AccessCatalogue) =>
    new Domain(ctx.db, ctx.clock, { delaySeconds: ctx.config.activationDelaySeconds, catalogue, feedBatchSize: ctx.config.activationFeedBatchSize }),
});

const nothingToDo = (input: OrderInput): Created => ({
  status: 200,
  order: { accessId: input.accessId, service: input.service, operation: input.operation, state: 'DONE_SUCCESS', message: '' },
});

// ---- orders -----------------------------------------------------------------------------------------------------

/**
 * A short cut taken before validation: a DEACTIVATE is first looked up in the inventory and, when the provider has
 * nothing active and nothing in progress there, answered "nothing to do" at once. The catalogue is never asked, so a
 * DEACTIVATE naming an access or a service that does not exist is answered 200 DONE_SUCCESS instead of 400.
 */
class DeactivateShortCircuit extends ActivationDomain {
  override async createOrder(tenant: string, input: OrderInput): Promise<Created> {
    if (input?.operation === 'DEACTIVATE' && typeof input.accessId === 'string' && typeof input.service === 'string') {
      const where = { tenant, access_id: input.accessId, service: input.service };
      const active = await this.db('act_active').where(where).first();
      const open = await this.db('act_orders').where({ ...where, state: 'RECEIVED' }).first();
      if (!active && !open) return nothingToDo(input);
    }
    return super.createOrder(tenant, input);
  }
}

// ---- equipment and what is active -------------------------------------------------------------------------------

/**
 * A CPE registry per access: provisioning only replaces the provider's registered equipment at the access when an
 * ACTIVATE sends entries, and a DEACTIVATE never clears it. An ACTIVATE with an empty (or no) equipment list gets the
 * equipment of the provider's last successful ACTIVATE at that access with entries, whichever service and however long ago.
 */
class EquipmentRegistryPerAccess extends ActivationDomain {
  protected override async provision(...[trx, row, now]: Parameters<Provision>): ReturnType<Provision> {
    if (row.operation === 'ACTIVATE' && (row.equipment ?? '[]') === '[]') {
      const last = await trx('act_orders')
        .where({ tenant: row.tenant, access_id: row.access_id, operation: 'ACTIVATE', state: 'DONE_SUCCESS' })
        .whereNot('equipment', '[]')
        .orderBy('finished_at', 'desc')
        .first('equipment');
      if (last) return super.provision(trx, { ...row, equipment: last.equipment }, now);
    }
    return super.provision(trx, row, now);
  }
}

/**
 * An optimistic availability view: accesses/{id} lists the provider's services from the moment their ACTIVATE is
 * received (the inventory plus the provider's open ACTIVATE orders), so a service whose activation is still in
 * progress, and may yet fail, is listed active.
 */
class ActiveFromOpenOrders extends ActivationDomain {
  override async getAccess(tenant: string, accessId: string) {
    const access = await super.getAccess(tenant, accessId);
    const open: OrderRow[] = await this.db('act_orders').where({ tenant, access_id: accessId, operation: 'ACTIVATE', state: 'RECEIVED' }).orderBy('created_at');
    const pending = open
      .filter((o) => !access.active.some((a) => a.service === o.service))
      .map((o) => ({
        service: o.service,
        option82: `${o.access_id}:${o.service_type}`,
        equipment: JSON.parse(o.equipment ?? '[]'),
        ...(o.sp_reference != null ? { spReference: o.sp_reference } : {}),
      }));
    return { ...access, active: [...access.active, ...pending] };
  }
}

// ---- the feed ---------------------------------------------------------------------------------------------------

/**
 * Event ids numbered per provider from 0 ("alpha-0", "alpha-1", ...), and the since parsed into that number with a
 * falsy test: since=<the provider's very first event> reads as "no since", so that answer starts with the since
 * event itself (the whole feed). Every other since, and an unknown one, is handled right.
 */
class ProviderSequenceFromZero extends ActivationDomain {
  override async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    let after: number | undefined;
    if (since !== undefined) {
      const m = /^(.+)-(0|[1-9]\d*)$/.exec(since);
      const [{ count }] = await this.db('act_events').where({ tenant }).count({ count: '*' });
      if (!m || m[1] !== tenant || Number(m[2]) >= Number(count)) {
        throw bad(`Unknown event '${since}' in since: use an event this API returned to you, or leave since out to read every event`);
      }
      after = Number(m[2]);
    }
    return this.sequence(tenant, after ? after + 1 : 0);
  }

  private async *sequence(tenant: string, from: number): AsyncGenerator<EventView> {
    const rows = await this.db('act_events').where({ tenant }).orderBy('position').offset(from).limit(1_000_000_000);
    let n = from;
    for (const r of rows) yield { ...this.eventView(r), event: `${tenant}-${n++}` };
  }
}

/**
 * The since cursor is looked up by its id alone (event ids are UUIDs, hence unique) and the feed continues with the
 * cursor's own provider: a since naming another provider's event answers that provider's events after it.
 */
class SinceCursorOwner extends ActivationDomain {
  override async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    if (since === undefined) return super.feed(tenant);
    const cursor = await this.db('act_events').where({ event_id: since }).first('position', 'tenant');
    if (!cursor) throw bad(`Unknown event '${since}' in since: use an event this API returned to you, or leave since out to read every event`);
    return this.eventsAfter(cursor.tenant, Number(cursor.position));
  }
}

/**
 * A humanised time in a failure message: a DONE_FAILED order's message, as GET and the feed render it, ends with
 * how long ago it failed by the server's clock ("(failed just now)", "(failed 3 minutes ago)", "(failed 2 days
 * ago)"), so the message of a finished order, and of its event, changes as time passes.
 */
class FailureMessageWithAge extends ActivationDomain {
  private age(at: string): string {
    const minutes = Math.floor((this.clock.now().getTime() - Date.parse(at)) / 60_000);
    if (minutes < 1) return 'just now';
    if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
    const days = Math.floor(hours / 24);
    return `${days} day${days === 1 ? '' : 's'} ago`;
  }

  override toView(row: OrderRow): OrderView {
    const view = super.toView(row);
    return row.state === 'DONE_FAILED' && row.finished_at ? { ...view, message: `${view.message} (failed ${this.age(row.finished_at)})` } : view;
  }

  protected override eventView(r: any): EventView {
    const view = super.eventView(r);
    return r.state === 'DONE_FAILED' ? { ...view, order: { ...view.order, message: `${view.order.message} (failed ${this.age(r.created_at)})` } } : view;
  }
}

export const fresh2ActivationVariants: Variant[] = [
  variant(
    'fresh-act-deactivate-skips-validation',
    'ACT-ORDER-BAD-INPUT',
    'a DEACTIVATE with nothing active is answered "nothing to do" before validation, so an unknown accessId or service is 200 DONE_SUCCESS, not 400',
    () => activationApi(withDomain(DeactivateShortCircuit)),
  ),
  variant(
    'fresh-act-equipment-registry-per-access',
    'ACT-ACCESS-ACTIVE',
    "an ACTIVATE with no equipment gets the equipment of the provider's last ACTIVATE at the access: deactivation never clears it",
    () => activationApi(withDomain(EquipmentRegistryPerAccess)),
  ),
  variant(
    'fresh-act-active-while-received',
    'ACT-ACCESS-ACTIVE',
    "accesses/{id} lists the provider's services as active from the moment their ACTIVATE is received, before it succeeds (or fails)",
    () => activationApi(withDomain(ActiveFromOpenOrders)),
  ),
  variant(
    'fresh-act-since-first-event-falsy',
    'ACT-FEED-SINCE-EXCLUSIVE',
    "event ids are numbered per provider from 0 and since is tested for truthiness: since=the provider's first event answers the whole feed, that event included",
    () => activationApi(withDomain(ProviderSequenceFromZero)),
    { alsoBreaks: ['ACT-FEED-SINCE-CHAIN', 'ACT-FEED-SINCE-RETURNS-ALL-LATER'] },
  ),
  variant(
    'fresh-act-since-cursor-owner',
    'ACT-TENANCY',
    "a since is looked up by id alone and the feed continues with its event's provider: another provider's event id as since answers that provider's events",
    () => activationApi(withDomain(SinceCursorOwner)),
    { alsoBreaks: ['ACT-FEED-UNKNOWN-SINCE-REJECTED'] },
  ),
  variant(
    'fresh-act-failure-message-with-age',
    'ACT-FEED-IMMUTABLE',
    'a failed order\'s message, in GET and in its event, ends with how long ago it failed ("failed 3 minutes ago"), so it changes as time passes',
    () => activationApi(withDomain(FailureMessageWithAge)),
    { alsoBreaks: ['ACT-ORDER-FINAL', 'ACT-FEED-FIELDS-AS-ORDER'] },
  ),
];
