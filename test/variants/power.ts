/**
 * Broken servers for the suite's blind spots (issue 12): each makes a mistake a vendor plausibly makes and that
 * only an adversarial set-up, a write in the tenancy matrix, a limit at its edge, a state revisited, a restart or
 * a warning under the seed's status can show. Each breaks one rule; the kill table runs them in the default mode.
 */
import express, { type Request, type Response, type NextFunction } from 'express';
import { activationApi } from '../../src/activation/api.js';
import { ActivationDomain, type EventView, type OrderRow as ActivationOrderRow, type OrderView as ActivationOrderView } from '../../src/activation/domain.js';
import type { ApiContext, ApiModule } from '../../src/shared/api.js';
import { cartApi } from '../../src/cart/api.js';
import { CartDomain, type BookingRequest, type BookingView, type ConfirmRequest, type DomainContext, type ExtendRequest, type OrderRow, type OrderView, type Status } from '../../src/cart/domain.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import { EthernetDomain, type Action, type DomainOptions } from '../../src/ethernet/domain.js';
import { ORDERS } from '../../src/ethernet/store.js';
import { ApiError } from '../../src/shared/errors.js';
import { withEdge } from '../tolerance/edge.js';
import type { Variant } from './variant.js';

// ---- cart -------------------------------------------------------------------------------------------------

/** Extends from now instead of from the old expiry: a short extension shortens the hold. */
class ExtendFromNow extends CartDomain {
  private now = new Date();
  override async extendOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: ExtendRequest): Promise<OrderView> {
    this.now = ctx.clock.now();
    return super.extendOrder(ctx, tenant, supplierId, orderId, req);
  }
  protected override extendedExpiry(_order: OrderRow, req: ExtendRequest): string {
    return new Date(this.now.getTime() + req.holdExpirationMinutes * 60_000).toISOString();
  }
}

/** Recognises a retried create by its product, option, availability, units and order only. */
class RetryByUnits extends CartDomain {
  protected override fingerprint(supplierId: string, req: BookingRequest, orderId: string | null): string {
    return JSON.stringify({ supplierId, productId: req.productId, optionId: req.optionId, availabilityId: req.availabilityId, units: req.unitItems.map((u) => u.unitId), orderId });
  }
}

/** Confirms a booking found by uuid, whoever holds it. */
class ConfirmAnyResellersBooking extends CartDomain {
  override async confirmBooking(ctx: DomainContext, tenant: string, supplierId: string, uuid: string, req: ConfirmRequest): Promise<BookingView> {
    const row = await ctx.db('cart_bookings').where({ uuid, supplier_id: supplierId }).first();
    return super.confirmBooking(ctx, row?.tenant ?? tenant, supplierId, uuid, req);
  }
}

/** A booking confirm judges the hold as of its creation: bookings of an expired order can still be confirmed. */
class ConfirmExpiredBooking extends CartDomain {
  override async confirmBooking(ctx: DomainContext, tenant: string, supplierId: string, uuid: string, req: ConfirmRequest): Promise<BookingView> {
    const row = await ctx.db('cart_bookings').where({ tenant, uuid, supplier_id: supplierId }).first();
    const then = row ? new Date(row.utc_created_at) : ctx.clock.now();
    return super.confirmBooking({ ...ctx, clock: { now: () => then } }, tenant, supplierId, uuid, req);
  }
}

/** Any order past its expiry reads EXPIRED, even a cancelled one. */
class CancelledExpiresLater extends CartDomain {
  override effectiveOrderStatus(row: OrderRow, now: Date): Status {
    if (row.status === 'CANCELLED' && Date.parse(row.utc_expires_at) <= now.getTime()) return 'EXPIRED';
    return super.effectiveOrderStatus(row, now);
  }
}

/** A booking joining an order keeps the hold it asked for, past the order's expiry. */
class JoinKeepsOwnHold extends CartDomain {
  override async createBooking(ctx: DomainContext, tenant: string, supplierId: string, req: BookingRequest, cartEnabled: boolean) {
    const result = await super.createBooking(ctx, tenant, supplierId, req, cartEnabled);
    if (!result.created || !cartEnabled || !req.orderId) return result;
    const hold = new Date(ctx.clock.now().getTime() + Math.min(req.holdExpirationMinutes, 120) * 60_000).toISOString();
    await ctx.db('cart_bookings').where({ tenant, uuid: req.uuid }).update({ utc_hold_expiration: hold });
    return { ...result, booking: { ...result.booking, utcHoldExpiration: hold } };
  }
}

/** The order's expiry follows the longest hold among its bookings. */
class OrderExpiryFollowsLongestHold extends CartDomain {
  override async createBooking(ctx: DomainContext, tenant: string, supplierId: string, req: BookingRequest, cartEnabled: boolean) {
    const result = await super.createBooking(ctx, tenant, supplierId, req, cartEnabled);
    if (!result.created || !cartEnabled || !req.orderId) return result;
    const asked = new Date(ctx.clock.now().getTime() + Math.min(req.holdExpirationMinutes, 120) * 60_000).toISOString();
    const order = await ctx.db('cart_orders').where({ tenant, supplier_id: supplierId, id: req.orderId }).first();
    if (order && order.utc_expires_at < asked) {
      await ctx.db('cart_orders').where({ tenant, supplier_id: supplierId, id: req.orderId }).update({ utc_expires_at: asked });
      await ctx.db('cart_bookings').where({ tenant, supplier_id: supplierId, order_id: req.orderId }).update({ utc_hold_expiration: asked });
    }
    return result;
  }
}

/** An extension writes the new expiry without naming the order: every order and booking gets it. */
class ExtendWritesEveryOrder extends CartDomain {
  override async extendOrder(ctx: DomainContext, tenant: string, supplierId: string, orderId: string, req: ExtendRequest): Promise<OrderView> {
    const view = await super.extendOrder(ctx, tenant, supplierId, orderId, req);
    await ctx.db('cart_orders').where('status', 'ON_HOLD').update({ utc_expires_at: view.utcExpiresAt });
    await ctx.db('cart_bookings').where('status', 'ON_HOLD').update({ utc_hold_expiration: view.utcExpiresAt });
    return view;
  }
}

const withCart = (domain: CartDomain) => () => [cartApi({ domain }), activationApi(), ethernetApi()];

// ---- ethernet ---------------------------------------------------------------------------------------------

/** A server that does not validate requests against its spec and checks only some limits itself. */
const unvalidated = (forget: (body: Record<string, any>) => Record<string, any>) => {
  class ForgetsALimit extends EthernetDomain {
    protected override checkSchema(body: unknown): void {
      super.checkSchema(body && typeof body === 'object' ? forget(structuredClone(body as Record<string, any>)) : body);
    }
  }
  return () => {
    process.env.ORDERCERT_VALIDATE_REQUESTS = '0';
    return [cartApi(), activationApi(), ethernetApi({ domain: (o) => new ForgetsALimit(o) })];
  };
};

/** No row is locked while an order is changed: concurrent merge patches read the same order and overwrite each other. */
class NoRowLocks extends EthernetDomain {
  protected override async load(...[trx, buyer, by]: Parameters<EthernetDomain['load']>): ReturnType<EthernetDomain['load']> {
    return super.load(trx, buyer, by, false);
  }
}

/** Counts the orders and reads the page in one transaction but not one snapshot (PostgreSQL's default isolation). */
class ListWithoutSnapshot extends EthernetDomain {
  protected override listSnapshot() {
    return undefined;
  }
}

/** Release finds the order by id alone. */
class ReleaseAnyBuyersOrder extends EthernetDomain {
  override async transition(buyer: string, id: string, action: Action): Promise<Record<string, any>> {
    if (action !== 'release') return super.transition(buyer, id, action);
    const row = await this.options.db(ORDERS).where({ id }).first();
    return super.transition(row?.buyer_id ?? buyer, id, action);
  }
}

/** Lists the caller's orders but counts every buyer's. */
class CountsEveryBuyer extends EthernetDomain {
  override async list(buyer: string, offset: number, limit: number) {
    const page = await super.list(buyer, offset, limit);
    const [{ n }] = await this.options.db(ORDERS).count({ n: '*' });
    return { ...page, available: Number(n) };
  }
}

/** A patch may move an order to HELD (as if it were a hold). */
class PatchMayHold extends EthernetDomain {
  override async patch(buyer: string, id: string, patch: Record<string, any>): Promise<Record<string, any>> {
    if (patch?.orderStatus !== 'HELD') return super.patch(buyer, id, patch);
    const { orderStatus: _held, ...rest } = patch;
    await this.transition(buyer, id, 'hold');
    return Object.keys(rest).length ? super.patch(buyer, id, rest) : this.get(buyer, id);
  }
}

/** A supplemental order (PUT) starts the order over: a HELD order is IN_PROGRESS again. */
class PutReleases extends EthernetDomain {
  override async replace(buyer: string, id: string, body: Record<string, any>): Promise<Record<string, any>> {
    const replaced = await super.replace(buyer, id, body);
    if (replaced.orderStatus !== 'HELD') return replaced;
    await this.options.db(ORDERS).where({ id }).update({ status: 'IN_PROGRESS' });
    return this.get(buyer, id);
  }
}

const withEthernet = (make: (o: DomainOptions) => EthernetDomain) => () => [cartApi(), activationApi(), ethernetApi({ domain: make })];

/** The reference's ethernet API, with cancel, hold and release answering 200 instead of the source's 201. */
/** The transitions named by `actions` answer 200 where the source shows 201 (the source's repository answers 200). */
function transitionsAnswer200(actions = /\/(cancel|hold|release)$/): ApiModule {
  const api = ethernetApi();
  return {
    ...api,
    routes(ctx: ApiContext) {
      const router = express.Router();
      router.use((req: Request, res: Response, next: NextFunction) => {
        if (req.method === 'POST' && actions.test(req.path)) {
          const status = res.status.bind(res);
          res.status = (code: number) => status(code === 201 ? 200 : code);
        }
        next();
      });
      router.use(api.routes(ctx));
      return router;
    },
  };
}

// ---- activation -------------------------------------------------------------------------------------------

/** Event ids count from the process's start: after a restart the numbering begins again. */
class IdsFromBoot extends ActivationDomain {
  private boot?: Promise<number>;
  private base() {
    this.boot ??= this.db('act_event_counter').where({ id: 1 }).first('last').then((r: any) => Number(r?.last ?? 0));
    return this.boot;
  }
  override async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    const base = await this.base();
    if (since === undefined) return this.relabel(super.feed(tenant), base);
    const position = Number(/^ev-(-?\d+)$/.exec(since)?.[1] ?? NaN) + base;
    const row = Number.isFinite(position) ? await this.db('act_events').where({ tenant, position }).first('event_id') : undefined;
    if (!row) throw new ApiError(400, 'BAD_REQUEST', `Unknown event '${since}'`);
    return this.relabel(super.feed(tenant, row.event_id), base);
  }
  private async *relabel(events: Promise<AsyncIterable<EventView>>, base: number): AsyncGenerator<EventView> {
    for await (const e of await events) {
      const row = await this.db('act_events').where({ event_id: e.event }).first('position');
      yield { ...e, event: `ev-${Number(row.position) - base}` };
    }
  }
}

/** Hands out event ids from a table kept in memory: a since from before a restart is unknown after it. */
class SinceInMemory extends ActivationDomain {
  private readonly outward = new Map<string, string>();
  private readonly inward = new Map<string, string>();
  override async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    if (since !== undefined && !this.inward.has(since)) throw new ApiError(400, 'BAD_REQUEST', `Unknown event '${since}'`);
    return this.relabel(await super.feed(tenant, since === undefined ? undefined : this.inward.get(since)));
  }
  private async *relabel(events: AsyncIterable<EventView>): AsyncGenerator<EventView> {
    for await (const e of events) {
      let id = this.outward.get(e.event);
      if (!id) {
        id = `m-${this.outward.size + 1}-${Math.random().toString(36).slice(2, 8)}`;
        this.outward.set(e.event, id);
        this.inward.set(id, e.event);
      }
      yield { ...e, event: id };
    }
  }
}

/** `since` compares the time of the events, to the second: events that finished in the same second as it are left out. */
class SinceBySecond extends ActivationDomain {
  override async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    if (since === undefined) return super.feed(tenant);
    const row = await this.db('act_events').where({ tenant, event_id: since }).first('created_at');
    if (!row) throw new ApiError(400, 'BAD_REQUEST', `Unknown event '${since}'`);
    const second = String(row.created_at).slice(0, 19);
    const rows = await this.db('act_events').where('tenant', tenant).orderBy('position');
    const later = rows.filter((r: any) => String(r.created_at).slice(0, 19) > second);
    return (async function* (view: (r: any) => EventView) {
      for (const r of later) yield view(r);
    })((r) => this.eventView(r));
  }
}

/** Reading a failed order a minute after it failed retries it in vain, and every retry is a new event. */
class FailedRetriedOnRead extends ActivationDomain {
  override async getOrder(tenant: string, id: string): Promise<ActivationOrderView> {
    const view = await super.getOrder(tenant, id);
    const row: ActivationOrderRow | undefined = await this.db('act_orders').where({ id, tenant }).first();
    if (row?.state === 'DONE_FAILED' && row.finished_at && Date.parse(row.finished_at) + 60_000 <= this.clock.now().getTime()) {
      await this.db.transaction((trx) => this.appendEvent(trx, row));
    }
    return view;
  }
}

/** The feed is sorted by when each event's order was created, not by when it finished. */
class FeedByOrderCreation extends ActivationDomain {
  protected override async *eventsAfter(tenant: string, after: number): AsyncGenerator<EventView> {
    const rows = await this.db('act_events as e')
      .join('act_orders as o', 'o.id', 'e.order_id')
      .where('e.tenant', tenant)
      .andWhere('e.position', '>', after)
      .orderBy([{ column: 'o.created_at' }, { column: 'e.position' }])
      .select('e.*');
    for (const r of rows) yield this.eventView(r);
  }
}

/** `since` is a keyset on (order creation, position): events of orders created before the since event's order are left out. */
class SinceByOrderCreation extends ActivationDomain {
  override async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    if (since === undefined) return super.feed(tenant);
    const at = await this.db('act_events as e').join('act_orders as o', 'o.id', 'e.order_id').where({ 'e.tenant': tenant, 'e.event_id': since }).first('o.created_at', 'e.position');
    if (!at) throw new ApiError(400, 'BAD_REQUEST', `Unknown event '${since}'`);
    const rows = await this.db('act_events as e')
      .join('act_orders as o', 'o.id', 'e.order_id')
      .where('e.tenant', tenant)
      .andWhere((q) => q.where('o.created_at', '>', at.created_at).orWhere((r) => r.where('o.created_at', at.created_at).andWhere('e.position', '>', at.position)))
      .orderBy('e.position')
      .select('e.*');
    return (async function* (view: (r: any) => EventView) {
      for (const r of rows) yield view(r);
    })((r) => this.eventView(r));
  }
}

/** No request validation, and the domain checks spReference after cutting it to its limit: 256 characters are accepted. */
class SpReferenceOverLimit extends ActivationDomain {
  protected override validate(input: Parameters<ActivationDomain['validate']>[0]) {
    return super.validate({ ...input, spReference: typeof input.spReference === 'string' ? input.spReference.slice(0, 255) : input.spReference });
  }
}

type Provision = ActivationDomain['provision'];

/** Provisioning hands the service type to whichever order finishes last: a claim by another provider is overwritten. */
class ClaimLastWins extends ActivationDomain {
  protected override async provision(...[trx, row, now]: Parameters<Provision>): ReturnType<Provision> {
    const slot = { access_id: row.access_id, service_type: row.service_type };
    const active = row.operation === 'ACTIVATE' ? await trx('act_active').where(slot).first() : undefined;
    if (!active || active.tenant === row.tenant) return super.provision(trx, row, now);
    await trx('act_active').where(slot).update({ tenant: row.tenant, service: row.service, equipment: row.equipment ?? '[]', sp_reference: row.sp_reference, activated_at: now });
    return { state: 'DONE_SUCCESS', message: '' };
  }
}

/** Provisioning reports success for a second service of a type the provider already has, and leaves the first active. */
class SecondOfTypeSucceeds extends ActivationDomain {
  protected override async provision(...[trx, row, now]: Parameters<Provision>): ReturnType<Provision> {
    const active = row.operation === 'ACTIVATE' ? await trx('act_active').where({ access_id: row.access_id, service_type: row.service_type }).first() : undefined;
    if (active && active.tenant === row.tenant && active.service !== row.service) return { state: 'DONE_SUCCESS', message: '' };
    return super.provision(trx, row, now);
  }
}

/** Provisioning keeps the service but not the equipment its order sent. */
class EquipmentDropped extends ActivationDomain {
  protected override async provision(...[trx, row, now]: Parameters<Provision>): ReturnType<Provision> {
    return super.provision(trx, { ...row, equipment: '[]' }, now);
  }
}

/** An order that loses a race for its service type fails without saying why. */
class RaceFailureSilent extends ActivationDomain {
  protected override async provision(...[trx, row, now]: Parameters<Provision>): ReturnType<Provision> {
    const result = await super.provision(trx, row, now);
    return result.state === 'DONE_FAILED' && !this.options.catalogue.get(row.access_id)?.failsWith ? { ...result, message: '' } : result;
  }
}

/** A DEACTIVATE finds the active service by access and service alone, whichever provider has it, and ends it at once. */
class DeactivateAnyProviders extends ActivationDomain {
  override async createOrder(tenant: string, input: Parameters<ActivationDomain['createOrder']>[1]) {
    const type = this.options.catalogue.serviceType(String(input.service));
    if (input.operation === 'DEACTIVATE' && type) {
      const slot = { access_id: input.accessId, service_type: type };
      const active = await this.db('act_active').where(slot).first();
      if (active && active.tenant !== tenant && active.service === input.service) {
        await this.db('act_active').where(slot).delete();
        return { status: 200 as const, order: { accessId: input.accessId, service: input.service, operation: input.operation, state: 'DONE_SUCCESS' as const, message: '' } };
      }
    }
    return super.createOrder(tenant, input);
  }
}

const withActivation = (Domain: typeof ActivationDomain) => () => [
  cartApi(),
  activationApi({ domain: (ctx: ApiContext, catalogue) => new Domain(ctx.db, ctx.clock, { delaySeconds: ctx.config.activationDelaySeconds, catalogue }) }),
  ethernetApi(),
];

/** The cart API with `edge` in front of its routes (the other two APIs as the reference has them). */
const cartEdge = (edge: Parameters<typeof withEdge>[1]) => () => [withEdge(cartApi(), edge), activationApi(), ethernetApi()];
const cartNotFound = (res: Response, what: string) =>
  res.status(404).json([{ errorClass: 'inputValidationError', errorCode: 'core/9010', errorMessage: `${what} not found`, retryable: false }]);

const v = (name: string, api: Variant['api'], breaks: string, description: string, apis: Variant['apis']): Variant => ({ name, api, breaks, description, apis });

export const powerVariants: Variant[] = [
  // adversarial set-ups
  v('cart-extend-from-now', 'cart', 'CART-ORDER-EXTEND-NOT-EARLIER', 'an extension counts from now, so a short one shortens the hold', withCart(new ExtendFromNow())),
  v('cart-retry-by-units-only', 'cart', 'CART-CREATE-RETRY', 'a reused uuid is a retry when product, availability and units match, whatever the reference or hold', withCart(new RetryByUnits())),
  v('cart-join-keeps-own-hold', 'cart', 'CART-ORDER-EXPIRES', "a booking joining with a longer hold keeps it past the order's expiry", withCart(new JoinKeepsOwnHold())),
  v('act-feed-by-order-creation', 'activation', 'ACT-FEED-ASCENDING', 'the feed is sorted by when the orders were created, not by when they finished', withActivation(FeedByOrderCreation)),
  v('act-since-by-order-creation', 'activation', 'ACT-FEED-SINCE-RETURNS-ALL-LATER', "since leaves out events of orders created before the since event's order", withActivation(SinceByOrderCreation)),
  v('act-claim-race-last-wins', 'activation', 'ACT-ORDER-TYPE-CLAIMED', "two providers' orders for one type at once: the one finishing last takes the type over", withActivation(ClaimLastWins)),
  v('act-same-type-race-both-succeed', 'activation', 'ACT-ORDER-SAME-TYPE-ACTIVE', 'two services of one type ordered at once both end DONE_SUCCESS; only the first is active', withActivation(SecondOfTypeSucceeds)),
  v('cart-order-expiry-follows-longest-hold', 'cart', 'CART-ORDER-EXPIRY-TIME', "a joining booking's longer hold moves the order's expiry", withCart(new OrderExpiryFollowsLongestHold())),
  // SQLite runs one writing transaction at a time, so the collision shows on PostgreSQL only.
  { ...v('ethernet-list-count-and-page-apart', 'ethernet', 'ETH-LIST-BY-BUYER', 'the list counts the orders and reads its page as two reads of a changing table: orders created between them are listed but not counted', withEthernet((o) => new ListWithoutSnapshot(o))), backend: 'postgres' },
  { ...v('ethernet-patch-without-row-lock', 'ethernet', 'ETH-PATCH-MERGE', 'an order is read, merged and written back without a row lock: concurrent patches collide or are lost', withEthernet((o) => new NoRowLocks(o))), backend: 'postgres' },
  // tenancy for writes, exact counts
  v('cart-confirm-any-resellers-booking', 'cart', 'CART-TENANCY', "a booking confirm finds the booking by uuid alone, whoever's it is", withCart(new ConfirmAnyResellersBooking())),
  v('cart-extend-writes-every-order', 'cart', 'CART-TENANCY', "an extension's new expiry is written to every order on hold, any reseller's", withCart(new ExtendWritesEveryOrder())),
  v('act-deactivate-any-providers', 'activation', 'ACT-TENANCY', "a DEACTIVATE ends the service whoever has it active", withActivation(DeactivateAnyProviders)),
  v('ethernet-release-any-buyers-order', 'ethernet', 'ETH-TENANT-ISOLATION', "release finds the order by id alone, whoever's it is", withEthernet((o) => new ReleaseAnyBuyersOrder(o))),
  v('ethernet-foreign-buyerid-lists-own', 'ethernet', 'ETH-LIST-BY-BUYER', "a list for another buyer's buyerId answers the caller's own orders", () => [
    cartApi(),
    activationApi(),
    withEdge(ethernetApi(), (req, res, next) => {
      if (req.method === 'GET' && req.path === '/orders' && typeof req.query.buyerId === 'string') req.query.buyerId = res.locals.tenant;
      next();
    }),
  ]),
  v('ethernet-available-counts-every-buyer', 'ethernet', 'ETH-LIST-BY-BUYER', "the list's available counts every buyer's orders", withEthernet((o) => new CountsEveryBuyer(o))),
  // forbidden changes and limits at their edge (over-limit answers also break the response schema: the limit rule is named)
  v('ethernet-patch-may-hold', 'ethernet', 'ETH-PATCH-MERGE', 'a patch with orderStatus HELD holds the order', withEthernet((o) => new PatchMayHold(o))),
  v('ethernet-notes-over-limit', 'ethernet', 'ETH-FIELD-LIMITS', 'no request validation; the domain forgets the 300-character limit of notes', unvalidated((b) => ({ ...b, notes: typeof b.notes === 'string' ? b.notes.slice(0, 300) : b.notes }))),
  v('ethernet-21-items-accepted', 'ethernet', 'ETH-ORDER-ITEMS-LIMIT', 'no request validation; the domain forgets the limit of 20 items', unvalidated((b) => ({ ...b, orderItems: Array.isArray(b.orderItems) ? b.orderItems.slice(0, 20) : b.orderItems }))),
  v('act-spreference-over-limit', 'activation', 'ACT-ORDER-BAD-INPUT', 'no request validation; the domain forgets the 255-character limit of spReference', () => {
    process.env.ORDERCERT_VALIDATE_REQUESTS = '0';
    return withActivation(SpReferenceOverLimit)();
  }),
  // states revisited
  v('cart-confirm-expired-booking', 'cart', 'CART-ORDER-EXPIRES', 'a booking confirm judges the hold as of the booking’s creation', withCart(new ConfirmExpiredBooking())),
  v('cart-cancelled-reads-expired-later', 'cart', 'CART-ORDER-READ', 'a cancelled order reads EXPIRED once its old expiry has passed', withCart(new CancelledExpiresLater())),
  v('ethernet-put-releases-held', 'ethernet', 'ETH-PUT-REPLACES', 'a PUT of a HELD order leaves it IN_PROGRESS', withEthernet((o) => new PutReleases(o))),
  // Whether the dropped events show as a missing later event or as a gap in the since chain depends on which
  // second boundary the run's events straddle: both rules are broken.
  { ...v('act-since-by-second', 'activation', 'ACT-FEED-SINCE-RETURNS-ALL-LATER', 'since compares event times to the second: events of the same second are left out', withActivation(SinceBySecond)), alsoBreaks: ['ACT-FEED-SINCE-CHAIN'] },
  v('act-failed-order-retried-on-read', 'activation', 'ACT-FEED-EVERY-FINISHED-ORDER', 'reading a failed order a minute later appends another event for it', withActivation(FailedRetriedOnRead)),
  // surviving mutants of the reference server that a new check closes (docs/MUTATION.md)
  v('act-equipment-dropped', 'activation', 'ACT-ACCESS-ACTIVE', 'an active service is listed without the equipment its ACTIVATE sent', withActivation(EquipmentDropped)),
  v('act-race-failure-silent', 'activation', 'ACT-ORDER-FAILURE-MESSAGE', 'an order that loses a race for its service type ends DONE_FAILED with an empty message', withActivation(RaceFailureSilent)),
  v('cart-booking-read-wrong-supplier', 'cart', 'CART-BOOKING-JOINS-ORDER', 'GET of a booking looks under the wrong supplier: every booking reads 404', cartEdge((req, res, next) => (req.method === 'GET' && /\/bookings\/[^/]+$/.test(req.path) ? cartNotFound(res, 'Booking') : next()))),
  v('cart-extend-404', 'cart', 'CART-ORDER-EXTEND-REJECT-ERROR', 'every order extension is refused with 404, as if the order did not exist', cartEdge((req, res, next) => (req.method === 'POST' && /\/orders\/[^/]+\/extend$/.test(req.path) ? cartNotFound(res, 'Order') : next()))),
  v('cart-capability-untrimmed', 'cart', 'CART-BOOKING-JOINS-ORDER', 'X-Capabilities is split on commas without trimming: "a, redeam/cart" is not the cart capability', cartEdge((req, _res, next) => {
    const header = req.headers['x-capabilities'];
    if (typeof header === 'string' && !header.split(',').includes('redeam/cart')) delete req.headers['x-capabilities'];
    next();
  })),
  // persistence (needs the restart hook)
  v('act-event-ids-from-boot', 'activation', 'ACT-FEED-EVENT-UNIQUE', 'event ids count from the process start, so a restart hands out ids again', withActivation(IdsFromBoot)),
  v('act-since-in-memory', 'activation', 'ACT-FEED-SINCE-CHAIN', 'event ids live in memory: a since from before a restart is unknown after it', withActivation(SinceInMemory)),
  // a status the seed documents but the suite tolerates: a warning naming the seed's status
  v('ethernet-transitions-answer-200', 'ethernet', 'ETH-TRANSITION-201', 'cancel, hold and release answer 200, not the source’s 201', () => [cartApi(), activationApi(), transitionsAnswer200()]),
  // The seeds document a status the suite tolerates in this one place only; this server gets one of the three right
  // and the others not, so each transition must be judged on its own.
  v('ethernet-release-answers-200', 'ethernet', 'ETH-TRANSITION-201', 'release answers 200 (cancel and hold the source’s 201)', () => [cartApi(), activationApi(), transitionsAnswer200(/\/release$/)]),
];
