/**
 * Broken copies of the activation reference server, each a realistic bug of a kind no earlier variant names: written to
 * measure the suite's power on bugs it was not told about.
 */
import type { Knex } from 'knex';
import type { ApiContext, ApiModule } from '../../src/shared/api.js';
import { cartApi } from '../../src/cart/api.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import { activationApi } from '../../src/activation/api.js';
import type { AccessCatalogue } from '../../src/activation/catalogue.js';
import { ActivationDomain, type EventView, type OrderInput, type OrderRow, type OrderView } from '../../src/activation/domain.js';
import { ApiError } from '../../src/shared/errors.js';
import { withEdge } from '../tolerance/edge.js';
import type { Variant } from './variant.js';

type DomainClass = new (db: Knex, clock: ApiContext['clock'], options: ConstructorParameters<typeof ActivationDomain>[2]) => ActivationDomain;
type Created = { status: 200 | 201; order: OrderView };
type Provision = ActivationDomain['provision'];

/** The reference activation API with `Domain` as its domain (configured as the reference one is). */
const activationWith = (Domain: DomainClass): ApiModule =>
  activationApi({ domain: (ctx: ApiContext, catalogue: AccessCatalogue) => new Domain(ctx.db, ctx.clock, { delaySeconds: ctx.config.activationDelaySeconds, catalogue }) });

/** A broken activation server as a kill-table row (the other two APIs as the reference has them). */
export const variant = (name: string, breaks: string, description: string, activation: () => ApiModule, extra: Partial<Variant> = {}): Variant => ({
  name,
  api: 'activation',
  breaks,
  description,
  ...extra,
  apis: () => [cartApi(), activation(), ethernetApi()],
});

export const bad = (cause: string) => new ApiError(400, 'BAD_REQUEST', cause);

// ---- the feed ---------------------------------------------------------------------------------------------------

/**
 * Paging corner: the feed is read from the database in pages of 100, and the next page is asked for with a shared
 * "from cursor" helper that is inclusive (`position >= cursor`), so the last event of every full page is answered
 * again as the first of the next. Any answer longer than a page repeats events.
 */
class FeedPageRepeatsBoundary extends ActivationDomain {
  protected override async *eventsAfter(tenant: string, after: number): AsyncGenerator<EventView> {
    const size = 100;
    let op = '>';
    for (;;) {
      const rows = await this.db('act_events').where('tenant', tenant).andWhere('position', op, after).orderBy('position').limit(size);
      for (const r of rows) yield this.eventView(r);
      if (rows.length < size) return;
      after = Number(rows[rows.length - 1].position);
      op = '>='; // "continue from the cursor"
    }
  }
}

/**
 * Wrong status for an empty result: the feed answers 204 No Content (no body) when there is nothing after since (or
 * no event at all), as a framework's "empty collection" default does, instead of 200 [].
 */
const emptyFeed204 = withEdge(activationApi(), (req, res, next) => {
  if (req.method !== 'GET' || !/\/orderevents\/?$/.test(req.path)) return next();
  const write = res.write.bind(res) as (...a: any[]) => boolean;
  const end = res.end.bind(res) as (...a: any[]) => any;
  let started = false;
  let empty = false;
  res.write = ((chunk: any, ...rest: any[]) => {
    if (!started && String(chunk) === '[]') {
      empty = true;
      return true;
    }
    started = true;
    return write(chunk, ...rest);
  }) as any;
  res.end = ((...args: any[]) => {
    if (empty && !started && res.statusCode === 200) {
      res.status(204);
      res.removeHeader('Content-Type');
      return end();
    }
    return end(...args);
  }) as any;
  next();
});

// ---- orders -----------------------------------------------------------------------------------------------------

/**
 * A state forgotten: "an order of this service still open" is looked up as any order that is not DONE_SUCCESS, so
 * a DONE_FAILED order counts as in progress for good: every later order of that service at the access (ACTIVATE
 * or DEACTIVATE) is answered 200 with the old failed order instead of being received.
 */
class FailedOrderCountsAsOpen extends ActivationDomain {
  override async createOrder(tenant: string, input: OrderInput): Promise<Created> {
    this.validate(input);
    const open: OrderRow | undefined = await this.db('act_orders')
      .where({ tenant, access_id: input.accessId, service: input.service })
      .whereNot('state', 'DONE_SUCCESS')
      .orderBy('created_at')
      .first();
    if (open) return { status: 200, order: this.toView(open) };
    return super.createOrder(tenant, input);
  }
}

/**
 * A derived value from the wrong row: the "nothing to do" answer is built from the provider's active service of the
 * type when there is one, so a DEACTIVATE of an inactive service while another service of its type is active answers
 * 200 DONE_SUCCESS naming that other (still active) service.
 */
class NothingToDoNamesActiveService extends ActivationDomain {
  override async createOrder(tenant: string, input: OrderInput): Promise<Created> {
    const result = await super.createOrder(tenant, input);
    if (result.status !== 200 || result.order.path) return result;
    const serviceType = this.options.catalogue.serviceType(input.service);
    const active = await this.db('act_active').where({ tenant, access_id: input.accessId, service_type: serviceType }).first();
    return active ? { ...result, order: { ...result.order, service: active.service } } : result;
  }
}

/**
 * A regular expression without anchors: the server does its own request validation (no OpenAPI validator in front),
 * keeps every documented limit, but tests macAddress with the MAC pattern unanchored, so anything that merely contains
 * a MAC address ("00:11:22:33:44:55:66:77", "mac=00:11:22:33:44:55") is accepted and stored.
 */
class MacPatternUnanchored extends ActivationDomain {
  protected override validate(input: OrderInput) {
    const contains = /[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}/;
    if (input.equipment !== undefined) {
      if (!Array.isArray(input.equipment) || input.equipment.length > 16) throw bad('equipment must be a list of at most 16 entries');
      for (const e of input.equipment) {
        if (!e || typeof e.vendorId !== 'string' || !e.vendorId || e.vendorId.length > 64 || typeof e.macAddress !== 'string' || !contains.test(e.macAddress)) {
          throw bad('equipment entries need a vendorId and a macAddress like 00:00:00:00:00:00');
        }
      }
    }
    if (typeof input.service === 'string' && input.service.length > 64) throw bad('service must be at most 64 characters');
    return super.validate({ ...input, equipment: undefined });
  }
}

// ---- provisioning and what is active ----------------------------------------------------------------------------

/**
 * A partial update without rollback: provisioning an ACTIVATE writes the service into the inventory (the active
 * table) before the port is configured, and when the port then fails the order ends DONE_FAILED but the inventory
 * row stays: the service is listed active, an ACTIVATE of it is "nothing to do", and its DEACTIVATE fails like the
 * port.
 */
class FailedActivationStaysActive extends ActivationDomain {
  protected override async provision(...[trx, row, now]: Parameters<Provision>): ReturnType<Provision> {
    const access = this.options.catalogue.get(row.access_id);
    if (row.operation !== 'ACTIVATE' || !access?.failsWith) return super.provision(trx, row, now);
    const slot = { access_id: row.access_id, service_type: row.service_type };
    if (!(await trx('act_active').where(slot).first())) {
      await trx('act_active').insert({ ...slot, tenant: row.tenant, service: row.service, equipment: row.equipment ?? '[]', sp_reference: row.sp_reference, activated_at: now, option82: `${row.access_id}:${row.service_type}` });
    }
    return { state: 'DONE_FAILED', message: access.failsWith };
  }
}

/**
 * Character encoding: the inventory column that keeps an active service's spReference is latin1, and the UTF-8
 * bytes are written into it as they are: a reference with non-ASCII characters ("Sjöström") comes back from
 * accesses/{id} and services/ as mojibake ("SjÃ¶strÃ¶m"). ASCII references are unharmed.
 */
class SpReferenceMojibake extends ActivationDomain {
  protected override async provision(...[trx, row, now]: Parameters<Provision>): ReturnType<Provision> {
    const ref = row.sp_reference == null ? row.sp_reference : Buffer.from(row.sp_reference, 'utf8').toString('latin1');
    return super.provision(trx, { ...row, sp_reference: ref }, now);
  }
}

export const freshActivationVariants: Variant[] = [
  variant(
    'fresh-act-feed-page-repeats-boundary',
    'ACT-FEED-EVERY-FINISHED-ORDER',
    'the feed is read in pages of 100 and each next page starts inclusively at the last event read, so long answers repeat an event per page',
    () => activationWith(FeedPageRepeatsBoundary),
    { alsoBreaks: ['ACT-FEED-EVENT-UNIQUE', 'ACT-FEED-NO-SINCE-ALL', 'ACT-FEED-IMMUTABLE', 'ACT-FEED-SINCE-CHAIN'] },
  ),
  variant('fresh-act-empty-feed-204', 'ACT-FEED-SINCE-CHAIN', 'a feed answer with no events is 204 No Content without a body instead of 200 []', () => emptyFeed204, {
    alsoBreaks: ['ACT-FEED-EVENT-ID-OPAQUE', 'ACT-SCHEMA', 'ACT-FEED-SINCE-RETURNS-ALL-LATER', 'ACT-FEED-EVERY-FINISHED-ORDER'],
  }),
  variant(
    'fresh-act-failed-order-counts-as-open',
    'ACT-ORDER-CREATED',
    'a DONE_FAILED order counts as still open: every later order of its service at the access is answered 200 with it',
    () => activationWith(FailedOrderCountsAsOpen),
    { alsoBreaks: ['ACT-ORDER-IN-PROGRESS', 'ACT-ORDER-NOTHING-TO-DO'] },
  ),
  variant(
    'fresh-act-nothing-to-do-names-active-service',
    'ACT-ORDER-NOTHING-TO-DO',
    "a DEACTIVATE with nothing to do while another service of the type is active answers with that other service's name",
    () => activationWith(NothingToDoNamesActiveService),
  ),
  variant(
    'fresh-act-mac-pattern-unanchored',
    'ACT-ORDER-BAD-INPUT',
    'no OpenAPI request validation; the hand-written one tests macAddress with an unanchored pattern, so a value containing a MAC is accepted',
    () => {
      process.env.ORDERCERT_VALIDATE_REQUESTS = '0';
      return activationWith(MacPatternUnanchored);
    },
  ),
  variant(
    'fresh-act-failed-activation-stays-active',
    'ACT-ACCESS-ACTIVE',
    'an ACTIVATE whose provisioning fails ends DONE_FAILED but its service stays in the inventory: listed active, and "nothing to do" to activate',
    () => activationWith(FailedActivationStaysActive),
    { alsoBreaks: ['ACT-SERVICES-LIST', 'ACT-ORDER-CREATED', 'ACT-ORDER-NOTHING-TO-DO', 'ACT-ORDER-FAILURE-MESSAGE'] },
  ),
  variant(
    'fresh-act-sp-reference-mojibake',
    'ACT-ACCESS-ACTIVE',
    "an active service's spReference is stored as latin1: non-ASCII characters come back from accesses/{id} and services/ as mojibake",
    () => activationWith(SpReferenceMojibake),
    { alsoBreaks: ['ACT-SERVICES-LIST'] },
  ),
];
