/** Broken copies of the activation reference server, each breaking one documented rule. */
import type { Knex } from 'knex';
import type { ApiContext } from '../../src/shared/api.js';
import { cartApi } from '../../src/cart/api.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import { activationApi, type ActivationOptions } from '../../src/activation/api.js';
import type { AccessCatalogue } from '../../src/activation/catalogue.js';
import { ActivationDomain, orderPath, type EventView, type OrderRow, type OrderView } from '../../src/activation/domain.js';
import { ApiError } from '../../src/shared/errors.js';
import type { Variant } from './variant.js';

type DomainClass = new (db: Knex, clock: ApiContext['clock'], options: ConstructorParameters<typeof ActivationDomain>[2]) => ActivationDomain;

const withDomain = (Domain: DomainClass): ActivationOptions => ({
  domain: (ctx: ApiContext, catalogue: AccessCatalogue) =>
    new Domain(ctx.db, ctx.clock, { delaySeconds: ctx.config.activationDelaySeconds, catalogue }),
});

const variant = (name: string, breaks: string, description: string, options: ActivationOptions): Variant => ({
  name,
  api: 'activation',
  breaks,
  description,
  apis: () => [cartApi(), activationApi(options), ethernetApi()],
});

/** ?since=E includes E itself. */
/** An accessId the KO does not have is answered as an access with nothing at it (200), not as an error. */
class UnknownAccessEmpty extends ActivationDomain {
  override async getAccess(tenant: string, accessId: string) {
    if (!this.options.catalogue.get(accessId)) return { accessId, services: [], active: [] } as unknown as Awaited<ReturnType<ActivationDomain['getAccess']>>;
    return super.getAccess(tenant, accessId);
  }
}

class SinceInclusive extends ActivationDomain {
  override async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    if (since === undefined) return super.feed(tenant);
    const row = await this.db('act_events').where({ tenant, event_id: since }).first('position');
    if (!row) throw new ApiError(400, 'BAD_REQUEST', `Unknown event '${since}'`);
    return this.eventsAfter(tenant, Number(row.position) - 1);
  }
}

/** The feed is built from the orders table: the latest finished order per access and service. */
class Projection extends ActivationDomain {
  override async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    const rows: OrderRow[] = await this.db('act_orders').where({ tenant }).whereIn('state', ['DONE_SUCCESS', 'DONE_FAILED']).orderBy('finished_at').orderBy('id');
    const latest = new Map<string, OrderRow>();
    for (const r of rows) {
      latest.delete(`${r.access_id}/${r.service}`);
      latest.set(`${r.access_id}/${r.service}`, r);
    }
    let list: EventView[] = [...latest.values()].map((r) => ({ event: r.id, order: { ...(this.toView(r) as Required<OrderView>), path: orderPath(r.id) } }));
    if (since !== undefined) {
      const at = list.findIndex((e) => e.event === since);
      if (at < 0) throw new ApiError(400, 'BAD_REQUEST', `Unknown event '${since}'`);
      list = list.slice(at + 1);
    }
    return (async function* () {
      yield* list;
    })();
  }
}

/** Events sorted by their (random) id instead of the order they were committed in. */
class OrderedByEventId extends ActivationDomain {
  override async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    let query = this.db('act_events').where({ tenant }).orderBy('event_id');
    if (since !== undefined) {
      const row = await this.db('act_events').where({ tenant, event_id: since }).first('position');
      if (!row) throw new ApiError(400, 'BAD_REQUEST', `Unknown event '${since}'`);
      query = query.andWhere('event_id', '>', since);
    }
    const rows = await query;
    const views = rows.map((r: any) => this.eventView(r));
    return (async function* () {
      yield* views;
    })();
  }
}

/** An unknown since reads as "nothing new". */
class UnknownSinceEmpty extends ActivationDomain {
  override async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    if (since !== undefined && !(await this.db('act_events').where({ tenant, event_id: since }).first('position'))) {
      return (async function* () {})();
    }
    return super.feed(tenant, since);
  }
}

/** A finished order is reported DONE_FAILED once a minute has passed on the clock ("revoked"). */
class DoneOrderChanges extends ActivationDomain {
  override async getOrder(tenant: string, id: string): Promise<OrderView> {
    const view = await super.getOrder(tenant, id);
    const row: OrderRow = await this.db('act_orders').where({ id }).first();
    if (row.finished_at && this.clock.now().getTime() - Date.parse(row.finished_at) > 60_000) {
      return { ...view, state: view.state === 'DONE_SUCCESS' ? 'DONE_FAILED' : 'DONE_SUCCESS', message: 'revoked' };
    }
    return view;
  }
}

/** An event is also written when an order is received, with state RECEIVED. */
class FeedIncludesReceived extends ActivationDomain {
  protected override async afterCreate(trx: Knex.Transaction, row: OrderRow): Promise<void> {
    await this.appendEvent(trx, row);
  }
}

/**
 * The feed lists every provider's events (the listing lost its provider filter), while a since is still looked up
 * among the caller's own events: a since chain that lands on another provider's event is then refused.
 */
class FeedListsOtherProviders extends ActivationDomain {
  override async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    let after = 0;
    if (since !== undefined) {
      const row = await this.db('act_events').where({ tenant, event_id: since }).first('position');
      if (!row) throw new ApiError(400, 'BAD_REQUEST', `Unknown event '${since}'`);
      after = Number(row.position);
    }
    const rows = await this.db('act_events').where('position', '>', after).orderBy('position');
    const views = rows.map((r: any) => this.eventView(r));
    return (async function* () {
      yield* views;
    })();
  }
}

/** Orders are found by id alone, whichever provider placed them. */
class OtherProviderVisible extends ActivationDomain {
  override async getOrder(_tenant: string, id: string): Promise<OrderView> {
    const row: OrderRow | undefined = await this.db('act_orders').where({ id }).first();
    if (!row) throw new ApiError(404, 'NOT_FOUND', `Order '${id}' not found`);
    return this.toView(row);
  }
}

/** Every answer to an order is 201, also "nothing to do" (no path) and "already in progress". */
class Always201 extends ActivationDomain {
  override async createOrder(tenant: string, input: Parameters<ActivationDomain['createOrder']>[1]) {
    const { order } = await super.createOrder(tenant, input);
    return { status: 201 as const, order };
  }
}

type OrderInput = Parameters<ActivationDomain['createOrder']>[1];

/** A DEACTIVATE with nothing to deactivate crashes (500) instead of answering "nothing to do". */
class NothingToDeactivateCrashes extends ActivationDomain {
  override async createOrder(tenant: string, input: OrderInput) {
    const result = await super.createOrder(tenant, input);
    if (input.operation === 'DEACTIVATE' && !result.order.path) throw new ApiError(500, 'INTERNAL', 'Cannot read properties of undefined');
    return result;
  }
}

/** Every DEACTIVATE is answered "nothing to do", and an active service stays active. */
class DeactivateIgnored extends ActivationDomain {
  override async createOrder(tenant: string, input: OrderInput) {
    if (input.operation !== 'DEACTIVATE') return super.createOrder(tenant, input);
    this.validate(input);
    const order: OrderView = { accessId: input.accessId, service: input.service, operation: 'DEACTIVATE', state: 'DONE_SUCCESS', message: '' };
    return { status: 200 as const, order };
  }
}

/** A DEACTIVATE of an inactive service is received as a new order (201) instead of "nothing to do". */
class DeactivateInactiveOrdered extends ActivationDomain {
  /** Which "nothing to do" DEACTIVATEs are received as orders instead. */
  protected async ordersAnyway(_tenant: string, _input: OrderInput): Promise<boolean> {
    return true;
  }

  override async createOrder(tenant: string, input: OrderInput) {
    const result = await super.createOrder(tenant, input);
    if (input.operation !== 'DEACTIVATE' || result.order.path || !(await this.ordersAnyway(tenant, input))) return result;
    const row = this.receivedRow(tenant, input, this.options.catalogue.serviceType(input.service)!, this.options.delaySeconds);
    await this.db('act_orders').insert(row);
    return { status: 201 as const, order: this.toView(row) };
  }
}

/** Looks for an active service by type, not by service: a DEACTIVATE of an inactive service whose type has another active one is received. */
class DeactivateByType extends DeactivateInactiveOrdered {
  protected override async ordersAnyway(tenant: string, input: OrderInput): Promise<boolean> {
    const serviceType = this.options.catalogue.serviceType(input.service);
    return !!(await this.db('act_active').where({ tenant, access_id: input.accessId, service_type: serviceType }).first());
  }
}

/** An access's services are checked by name only: one listed with connection "NO" can be ordered. */
class ConnectionIgnored extends ActivationDomain {
  protected override validate(input: OrderInput) {
    try {
      return super.validate(input);
    } catch (err) {
      const access = this.options.catalogue.get(String(input.accessId));
      if (err instanceof ApiError && /is not offered/.test(err.message) && access?.services.some((s) => s.service === input.service)) return access;
      throw err;
    }
  }
}

/** An ACTIVATE that carries equipment is refused, however valid the entries. */
class EquipmentRefused extends ActivationDomain {
  override async createOrder(tenant: string, input: OrderInput) {
    if (input.equipment?.length) throw new ApiError(400, 'BAD_REQUEST', 'equipment entries need a vendorId and a macAddress like 00:00:00:00:00:00');
    return super.createOrder(tenant, input);
  }
}

export const activationVariants: Variant[] = [
  variant('act-unknown-access-empty', 'ACT-ACCESS-ACTIVE', 'an accessId the KO does not have is answered 200 as an access with no services', withDomain(UnknownAccessEmpty)),
  variant('act-since-inclusive', 'ACT-FEED-SINCE-EXCLUSIVE', 'the feed answer includes the since event itself', withDomain(SinceInclusive)),
  variant('act-feed-projection', 'ACT-FEED-NOT-PROJECTION', 'the feed is a projection of the latest order state per access and service', withDomain(Projection)),
  variant('act-feed-by-event-id', 'ACT-FEED-ASCENDING', 'events are sorted by their random id, not by commit order', withDomain(OrderedByEventId)),
  variant('act-unknown-since-empty', 'ACT-FEED-UNKNOWN-SINCE-REJECTED', 'an unknown since is answered 200 []', withDomain(UnknownSinceEmpty)),
  variant('act-done-order-changes', 'ACT-ORDER-FINAL', 'a finished order flips state after a minute', withDomain(DoneOrderChanges)),
  variant('act-feed-includes-received', 'ACT-FEED-ONLY-DONE', 'an event with state RECEIVED is written when an order is received', withDomain(FeedIncludesReceived)),
  variant('act-feed-lists-other-providers', 'ACT-TENANCY', "the feed lists other providers' events too (a since is still looked up among the caller's own)", withDomain(FeedListsOtherProviders)),
  variant('act-other-provider-order-visible', 'ACT-TENANCY', "GET orders/{id} answers another provider's order", withDomain(OtherProviderVisible)),
  variant('act-create-no-location', 'ACT-ORDER-CREATED', 'a created order is answered without a Location header', {
    respondCreated: (res, order) => {
      res.status(201).json(order);
    },
  }),
  variant('act-nothing-to-do-201', 'ACT-ORDER-NOTHING-TO-DO', 'every answer to an order is 201, also when nothing needed doing', withDomain(Always201)),
  variant('act-nothing-to-deactivate-500', 'ACT-ORDER-NOTHING-TO-DO', 'a DEACTIVATE with nothing to deactivate is answered 500', withDomain(NothingToDeactivateCrashes)),
  variant('act-deactivate-ignored', 'ACT-ORDER-NOTHING-TO-DO', 'every DEACTIVATE is answered "nothing to do" and an active service stays active', withDomain(DeactivateIgnored)),
  variant('act-deactivate-inactive-ordered', 'ACT-ORDER-NOTHING-TO-DO', 'a DEACTIVATE of an inactive service is received as a new order', withDomain(DeactivateInactiveOrdered)),
  variant('act-deactivate-by-type', 'ACT-ORDER-NOTHING-TO-DO', 'a DEACTIVATE of an inactive service is received as an order while another service of its type is active', withDomain(DeactivateByType)),
  variant('act-connection-ignored', 'ACT-ORDER-BAD-INPUT', 'a service an access lists with connection "NO" can be ordered there', withDomain(ConnectionIgnored)),
  variant('act-equipment-refused', 'ACT-ORDER-CREATED', 'an ACTIVATE with valid equipment entries is refused 400', withDomain(EquipmentRefused)),
  variant('act-create-200', 'ACT-ORDER-CREATED', 'a created order is answered 200 instead of 201', {
    respondCreated: (res, order, location) => {
      res.status(200).location(location).json(order);
    },
  }),
  {
    ...variant(
      'act-finishes-later-than-declared',
      'ACT-ORDER-RECEIVED-POLLABLE',
      "orders finish only on a worker tick every 60 s of real time, far later than the profile's finishSeconds (5 s)",
      { workerIntervalMs: 60_000 },
    ),
    // Every other check would wait to the end of its budget for its orders too: the rule that judges finishing only.
    grep: /^ACT-ORDER-RECEIVED-POLLABLE$/,
  },
];
