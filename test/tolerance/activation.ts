/** Service Activation servers that choose differently from the reference where ON-API lets them. */
import type { Knex } from 'knex';
import { activationApi, type ActivationOptions } from '../../src/activation/api.js';
import type { AccessCatalogue } from '../../src/activation/catalogue.js';
import { ActivationDomain, type EventView } from '../../src/activation/domain.js';
import { ApiError } from '../../src/shared/errors.js';
import { cartApi } from '../../src/cart/api.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import type { ApiContext, ApiModule } from '../../src/shared/api.js';
import { withEdge, withOwnLimits } from './edge.js';
import type { ToleranceVariant } from './variant.js';
import { DEFAULT_TIMEOUT_MS } from '../../conformance/framework/runner.js';

const withActivation = (activation: ApiModule) => () => [cartApi(), activation, ethernetApi()];

type DomainClass = new (db: Knex, clock: ApiContext['clock'], options: ConstructorParameters<typeof ActivationDomain>[2]) => ActivationDomain;

/** Activation options whose domain is `Domain` (configured as the reference one is). */
export const domainOf = (Domain: DomainClass): ActivationOptions => ({
  domain: (ctx: ApiContext, catalogue: AccessCatalogue) => new Domain(ctx.db, ctx.clock, { delaySeconds: ctx.config.activationDelaySeconds, catalogue }),
});

/**
 * Event ids are opaque strings with characters that must be escaped in a query string ('/', '+', '='): the
 * stored id, base64-encoded behind a prefix. A since that is not one of them is unknown, as any other would be.
 */
class OpaqueEventIds extends ActivationDomain {
  private static readonly PREFIX = 'ev/';
  protected override eventView(r: any): EventView {
    const view = super.eventView(r);
    return { ...view, event: OpaqueEventIds.PREFIX + Buffer.from(`${view.event}?`).toString('base64') };
  }
  override async feed(tenant: string, since?: string): Promise<AsyncIterable<EventView>> {
    if (since === undefined || !since.startsWith(OpaqueEventIds.PREFIX)) return super.feed(tenant, since);
    const decoded = Buffer.from(since.slice(OpaqueEventIds.PREFIX.length), 'base64').toString();
    return super.feed(tenant, decoded.endsWith('?') ? decoded.slice(0, -1) : since);
  }
}

/** An unknown since is answered 404 (with a cause) instead of 400. */
const unknownSince404 = withEdge(activationApi(), (req, res, next) => {
  if (req.method === 'GET' && /\/orderevents\/?$/.test(req.path) && req.query.since !== undefined) {
    const status = res.status.bind(res);
    res.status = (code: number) => status(code === 400 ? 404 : code);
  }
  next();
});

/**
 * An order in progress already claims its service type at its access: another provider's ACTIVATE of the type, or
 * the same provider's ACTIVATE of another service of it, is refused (400) until that order has finished.
 */
class ClaimsAtOrderTime extends ActivationDomain {
  override async createOrder(tenant: string, input: Parameters<ActivationDomain['createOrder']>[1]) {
    const type = this.options.catalogue.serviceType(String(input.service));
    if (input.operation === 'ACTIVATE' && type) {
      const pending = await this.db('act_orders').where({ access_id: input.accessId, service_type: type, state: 'RECEIVED', operation: 'ACTIVATE' });
      if (pending.some((o: any) => o.tenant !== tenant || o.service !== input.service)) {
        throw new ApiError(400, 'BAD_REQUEST', `An order for ServiceType '${type}' is already in progress at '${input.accessId}'.`);
      }
    }
    return super.createOrder(tenant, input);
  }
}

/** The KO equipment of the feasibility example, as text: a model name or "" (none provided). */
const CO_EQUIPMENT = [
  { coFiberConverter: 'LASER_3001X_MK2', coCpeSwitch: '', coCpeRouter: 'NETGEAR WNDR4000' },
  { coFiberConverter: '', coCpeSwitch: 'ZYXEL GS1200-5', coCpeRouter: '' },
];

/**
 * The access resources exactly in the forms of ON-API's feasibility, availability and active-services pages: the
 * co* fields as model names, a service another provider holds answered with the date it becomes available, every
 * active service with spReference ("" when none) and its equipment as `{ vendorId }` alone, as the availability
 * example lists it; services/ labelled application/x-ldjson as on the active-services page.
 */
class OnApiAccessForms extends ActivationDomain {
  private co(accessId: string) {
    return CO_EQUIPMENT[Number(accessId.replace(/\D/g, '')) % CO_EQUIPMENT.length];
  }
  override listAccesses(since?: Date) {
    return super.listAccesses(since).map((a) => ({ ...a, ...this.co(a.accessId) }));
  }
  override async getAccess(tenant: string, accessId: string) {
    const access = await super.getAccess(tenant, accessId);
    const freeOn = new Date(this.clock.now().getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    return {
      ...access,
      ...this.co(accessId),
      services: access.services.map((s) => ({ ...s, available: s.available === 'NO' && s.connection === 'YES' ? freeOn : s.available })),
      active: access.active.map((a: any) => ({ ...a, spReference: a.spReference ?? '', equipment: a.equipment.map((e: any) => ({ vendorId: e.vendorId })) })),
    };
  }
}

const onApiAccessForms = withEdge(activationApi(domainOf(OnApiAccessForms)), (req, res, next) => {
  if (req.method === 'GET' && /\/services\/$/.test(req.path)) {
    res.json = (body: any) => res.type('application/x-ldjson').send(JSON.stringify(body));
  }
  next();
});

export const activationTolerance: ToleranceVariant[] = [
  {
    name: 'act-opaque-event-ids',
    apis: ['activation'],
    choice: "event ids are opaque strings with '/', '+' and '=' in them (base64 behind a prefix)",
    allowedBy: 'ACT-FEED-EVENT-ID-OPAQUE (clients treat event as an opaque non-empty string)',
    strict: true,
    server: withActivation(activationApi(domainOf(OpaqueEventIds))),
  },
  {
    name: 'act-unknown-since-404',
    apis: ['activation'],
    choice: 'an unknown since is answered 404 with a cause instead of 400',
    allowedBy: 'ACT-FEED-UNKNOWN-SINCE-REJECTED (an error, never 200 []; 404 is accepted)',
    strict: true,
    server: withActivation(unknownSince404),
  },
  {
    name: 'act-worker-wakes-every-12s',
    apis: ['activation'],
    choice: 'the provisioning worker reads the test clock but wakes only every 12 s of real time (profile finishSeconds 14, the default --timeout)',
    allowedBy: 'INTERPRETING.md: no check measures speed; a wait comes from the profile or --timeout',
    strict: true,
    fullyJudged: true,
    // slowFinishSeconds above finishSeconds, as the preflight demands; no restart hook in the table's runs.
    profile: { activation: { finishSeconds: 14, slowFinishSeconds: 28 }, capabilities: { restart: false } },
    timeoutMs: DEFAULT_TIMEOUT_MS,
    waitsLong: true,
    server: withActivation(activationApi({ workerIntervalMs: 12_000 })),
  },
  {
    name: 'act-no-restart-hook',
    apis: ['activation'],
    choice: 'the server offers no way to restart it; the profile declares restart false',
    allowedBy: 'INTERPRETING.md: the restart hook is optional, like the test clock',
    strict: true,
    fullyJudged: true,
    profile: { capabilities: { restart: false } },
    server: withActivation(activationApi()),
  },
  {
    name: 'act-type-claimed-while-in-progress',
    apis: ['activation'],
    choice: 'an ACTIVATE is refused (400) while another order for its service type at the access is in progress, not only once it is active',
    allowedBy: 'ACT-ORDER-TYPE-CLAIMED, ACT-ORDER-SAME-TYPE-ACTIVE (orders sent at once: refused, or received and then at most one active)',
    strict: true,
    server: withActivation(activationApi(domainOf(ClaimsAtOrderTime))),
  },
  {
    name: 'act-on-api-access-forms',
    sweep: true,
    apis: ['activation'],
    choice: 'access resources exactly in the ON-API forms: text co* fields, available YES/NO/date, equipment as { vendorId }, services/ as x-ldjson',
    allowedBy: "ON-API 2.3.1 feasibility, availability and active-services pages (their examples); docs/SOURCES.md",
    strict: true,
    grep: /^ACT-(ACCESS-|SERVICES-|SCHEMA$)/,
    server: withActivation(onApiAccessForms),
  },
  {
    name: 'act-equipment-unbounded-as-the-source',
    sweep: true,
    apis: ['activation'],
    choice: 'equipment as the source has it: any number of entries, a vendorId of any text (empty or over 64 characters)',
    allowedBy: 'ON-API 2.3.1 service activation: equipment is a list, equipment.vendorId is "text" (the spec\'s 16 entries and 1 to 64 characters are its own)',
    strict: true,
    grep: /^ACT-ORDER-/,
    server: withActivation(
      withOwnLimits(activationApi(), (schemas) => {
        delete schemas.OrderRequest.properties.equipment.maxItems;
        Object.assign(schemas.Equipment.properties.vendorId, { minLength: 0, maxLength: 100_000 });
      }),
    ),
  },
];
