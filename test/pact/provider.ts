/**
 * Provider side: the reference server started in-process on a fresh SQLite file with the test clock, and the
 * provider-state handlers that set each state up through the APIs' domain modules (never raw SQL), as the
 * tenant the pacts were recorded with.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Verifier, type VerifierOptions } from '@pact-foundation/pact';
import { referenceApis } from '../../src/apis.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { ApiModule } from '../../src/shared/api.js';
import { TestClock } from '../../src/shared/clock.js';
import { readConfig } from '../../src/shared/config.js';
import { CartDomain } from '../../src/cart/domain.js';
import { DEMO_SUPPLIER } from '../../src/cart/catalogue.js';
import { ActivationDomain } from '../../src/activation/domain.js';
import { demoCatalogue } from '../../src/activation/catalogue.js';
import { EthernetDomain } from '../../src/ethernet/domain.js';
import { ethernetOrderBody } from './consumers/ethernet.js';
import { activationStates, cartStates, ethernetStates, type CartCatalogue, type StateDef } from './states.js';
import { pactFile, providerName, USER, type ApiName } from './support.js';

export interface ReferenceProvider {
  url: string;
  running: RunningServer;
  clock: TestClock;
  /** Each API's base URL (what the spec's paths are appended to). */
  baseUrl(api: ApiName): string;
  close(): Promise<void>;
}

/** Starts the reference server (or the given API modules) in this process, on a fresh SQLite file, test clock on. */
export async function startReferenceProvider(apis: ApiModule[] = referenceApis(), env: Record<string, string> = { ORDERCERT_DEMO: '1' }): Promise<ReferenceProvider> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-pact-'));
  // The server's own configuration reader, as `npm start` would use it: demo tenants (unless env says otherwise),
  // test clock, a free port.
  const config = readConfig(
    { ...env, ORDERCERT_TEST_CLOCK: '1', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite://${path.join(dir, 'pact.sqlite')}` },
    [],
  );
  const running = await startServer(config, apis);
  const { port } = running.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  if (!(running.ctx.clock instanceof TestClock)) throw new Error('the pact provider needs the test clock');
  const mounts = Object.fromEntries(apis.map((a) => [a.name, a.mountPath]));
  return {
    url,
    running,
    clock: running.ctx.clock,
    baseUrl: (api) => url + mounts[api],
    async close() {
      await running.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

type StateHandlers = NonNullable<VerifierOptions['stateHandlers']>;

/** A state handler typed by its state's parameters and the values it provides. */
type Handler<S> = S extends StateDef<infer P, infer V> ? (params: P) => Promise<V> : never;
const handlers = <T extends Record<string, StateDef<any, any>>>(states: T, impl: { [K in keyof T]: Handler<T[K]> }): StateHandlers =>
  Object.fromEntries(
    Object.entries(states).map(([key, def]) => [def.name, (params?: unknown) => (impl[key] as (p: unknown) => Promise<any>)(params ?? {})]),
  );

/** Cart: bookings and orders made through CartDomain, in the demo catalogue's open availability. */
export function cartStateHandlers(provider: ReferenceProvider): StateHandlers {
  const domain = new CartDomain();
  const dc = { db: provider.running.ctx.db, clock: provider.running.ctx.clock };
  const option = DEMO_SUPPLIER.products[0].options[0];
  const catalogue: CartCatalogue = {
    supplierId: DEMO_SUPPLIER.id,
    productId: DEMO_SUPPLIER.products[0].id,
    optionId: option.id,
    availabilityId: option.availabilities.find((a) => a.capacity > 1000)!.id,
    unitId: option.units[0],
  };
  const absent = async (what: string, read: () => Promise<unknown>) => {
    const found = await read().then(
      () => true,
      () => false,
    );
    if (found) throw new Error(`provider state: ${what} already exists (the pact expects it not to)`);
  };
  const orderOnHold = async ({ orderId, bookingUuid }: { orderId: string; bookingUuid: string }) => {
    await domain.createBooking(
      dc,
      USER,
      catalogue.supplierId,
      {
        uuid: bookingUuid,
        productId: catalogue.productId,
        optionId: catalogue.optionId,
        availabilityId: catalogue.availabilityId,
        unitItems: [{ unitId: catalogue.unitId }],
        holdExpirationMinutes: 30,
        orderId,
        resellerReference: 'pact-state',
      },
      true,
    );
    return catalogue;
  };
  return handlers(cartStates, {
    noOrder: async ({ orderId, bookingUuid }) => {
      await absent(`order ${orderId}`, () => domain.getOrder(dc, USER, catalogue.supplierId, orderId));
      await absent(`booking ${bookingUuid}`, () => domain.getBooking(dc, USER, catalogue.supplierId, bookingUuid));
      return catalogue;
    },
    orderOnHold,
    orderWithConfirmedBooking: async (params) => {
      await orderOnHold(params);
      await domain.confirmBooking(dc, USER, catalogue.supplierId, params.bookingUuid, { contact: { fullName: 'Walk-in', emailAddress: 'walk-in@example.com' } });
      return catalogue;
    },
  });
}

/** Activation: orders placed through ActivationDomain; finished by moving the test clock and running provisioning. */
export function activationStateHandlers(provider: ReferenceProvider): StateHandlers {
  const { db, config } = provider.running.ctx;
  const catalogue = demoCatalogue();
  const domain = new ActivationDomain(db, provider.clock, { delaySeconds: config.activationDelaySeconds, catalogue });
  const finishDue = async () => {
    provider.clock.advance(config.activationDelaySeconds + 1);
    while (await domain.finishOne());
  };
  /** Fails unless the service can be activated there (nothing of its type active for anyone, nothing in progress). */
  const orderable = async (accessId: string, service: string) => {
    const access = await domain.getAccess(USER, accessId);
    const offered = access.services.find((s) => s.service === service);
    if (offered?.available !== 'YES' || access.active.length > 0) throw new Error(`provider state: ${service} cannot be activated at ${accessId}`);
  };
  const activate = async (accessId: string, service: string) => {
    await orderable(accessId, service);
    const { status, order } = await domain.createOrder(USER, { accessId, service, operation: 'ACTIVATE', forcedTakeover: false });
    if (status !== 201 || !order.path) throw new Error(`provider state: the order at ${accessId} was not received (${status})`);
    return order.path.split('/').pop()!;
  };
  // Accesses for the feed state, away from the ones the consumer names (STTA0011..STTA0019).
  let nextFeedAccess = 100;
  return handlers(activationStates, {
    serviceOrderable: async ({ accessId, service }) => {
      await orderable(accessId, service);
      return { accessId, service };
    },
    finishedOrder: async ({ accessId, service }) => {
      const orderId = await activate(accessId, service);
      await finishDue();
      const order = await domain.getOrder(USER, orderId);
      if (order.state !== 'DONE_SUCCESS') throw new Error(`provider state: order ${orderId} finished as ${order.state}`);
      return { accessId, service, orderId };
    },
    feedWithEvents: async ({ count }) => {
      const first = await activate(`STTA${String(nextFeedAccess++).padStart(4, '0')}`, 'BB-100-10');
      await finishDue();
      for (let i = 1; i < Number(count); i++) await activate(`STTA${String(nextFeedAccess++).padStart(4, '0')}`, 'BB-100-10');
      await finishDue();
      for await (const e of await domain.feed(USER)) if (e.order.path.endsWith(`/${first}`)) return { firstEvent: e.event };
      throw new Error('provider state: the first order has no event');
    },
  });
}

/** Ethernet: orders created and moved through EthernetDomain, from the consumer's own create body. */
export function ethernetStateHandlers(provider: ReferenceProvider): StateHandlers {
  const domain = new EthernetDomain({ db: provider.running.ctx.db, clock: provider.running.ctx.clock, basePath: '/ethernet' });
  const unused = async (pon: string) => {
    const found = await domain.find(USER, { pon }).then(
      () => true,
      () => false,
    );
    if (found) throw new Error(`provider state: the buyer already has an order with purchase order number ${pon}`);
  };
  const inProgress = async ({ pon }: { pon: string }) => {
    await unused(pon);
    const order = await domain.create(USER, ethernetOrderBody(pon));
    return { buyerId: USER, id: String(order.id) };
  };
  return handlers(ethernetStates, {
    ponUnused: async ({ pon }) => {
      await unused(pon);
      return { buyerId: USER };
    },
    orderInProgress: inProgress,
    orderHeld: async (params) => {
      const ref = await inProgress(params);
      await domain.transition(USER, ref.id, 'hold');
      return ref;
    },
    orderCancelled: async (params) => {
      const ref = await inProgress(params);
      await domain.transition(USER, ref.id, 'cancel');
      return ref;
    },
  });
}

export const STATE_HANDLERS: Record<ApiName, (p: ReferenceProvider) => StateHandlers> = {
  cart: cartStateHandlers,
  activation: activationStateHandlers,
  ethernet: ethernetStateHandlers,
};

/** Verifies an API's pact against a running provider; rejects when any interaction fails. */
export async function verifyPact(api: ApiName, provider: ReferenceProvider, pactUrls: string[] = [pactFile(api)]): Promise<unknown> {
  const stateHandlers = STATE_HANDLERS[api];
  return new Verifier({
    provider: providerName(api),
    providerBaseUrl: provider.baseUrl(api),
    pactUrls,
    stateHandlers: stateHandlers(provider),
    logLevel: 'warn',
  }).verifyProvider();
}
