/**
 * Consumer side of the activation pact: a service provider's client places an order, reads it, and follows the
 * order event feed (from the start, after a known event, and with an event the server never issued). The access
 * and service come from the provider state, so that a vendor verifies the pact with its own test accesses.
 */
import assert from 'node:assert/strict';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { ActivationClientError, createActivationClient } from '../../../generated/activation/client.js';
import { activationStates } from '../states.js';
import { basicAuthHeader, clearPact, settle, consumerName, PACT_DIR, providerName, SECRET, USER } from '../support.js';

const { like, regex, fromProviderState, eachLike, equal } = MatchersV3;

const ORDERS = '/api/2.3.1/orders/';
const EVENTS = '/api/2.3.1/orderevents/';
const EXAMPLE_ORDER_ID = 'ec4bc754-6a30-11e2-a585-4fc569183061';
const EXAMPLE_EVENT = '2a6d6432-e59d-11e3-9a52-3c970e806452';

/** The accesses each interaction asks for (the reference server's demo accesses; a vendor answers with its own). */
export const ACTIVATION_PLACES = {
  place: { accessId: 'STTA0011', service: 'BB-100-10' },
  read: { accessId: 'STTA0012', service: 'BB-100-10' },
};

/** An order path: chosen by the server, so matched by its form. */
const orderPath = (example = `${ORDERS}${EXAMPLE_ORDER_ID}`) => regex('^/api/2\\.3\\.1/orders/[^/]+$', example);

/** One event as the consumer reads it: the event id is opaque, the order inside it is a finished one. */
const event = () => ({
  event: like(EXAMPLE_EVENT),
  order: {
    path: orderPath(),
    accessId: like('STTA0001'),
    service: like('BB-100-10'),
    operation: regex('^(ACTIVATE|DEACTIVATE)$', 'ACTIVATE'),
    state: regex('^(DONE_SUCCESS|DONE_FAILED)$', 'DONE_SUCCESS'),
    message: like(''),
  },
});

export function activationConsumerTests(): void {
  describe('activation consumer (ordercert-activation-client)', () => {
    before(() => clearPact('activation'));
    const pact = new PactV4({ consumer: consumerName('activation'), provider: providerName('activation'), dir: PACT_DIR, logLevel: 'warn' });
    const client = (url: string) => createActivationClient({ baseUrl: url, user: USER, secret: SECRET });

    it('places an activation order', async () => {
      const place = ACTIVATION_PLACES.place;
      await pact
        .addInteraction()
        .given(activationStates.serviceOrderable.name, place)
        .uponReceiving('an order to activate a service')
        .withRequest('POST', ORDERS, (b) =>
          b.headers({ Authorization: basicAuthHeader(), 'Content-Type': 'application/json' }).jsonBody({
            accessId: fromProviderState('${accessId}', place.accessId),
            service: fromProviderState('${service}', place.service),
            operation: 'ACTIVATE',
            forcedTakeover: false,
            spReference: 'pact-4711',
          }),
        )
        .willRespondWith(201, (b) =>
          b
            // The order's URL: any base (an absolute URL, or a path with the API's mount prefix) before the spec's path.
            .headers({ Location: regex('^.*/api/2\\.3\\.1/orders/[^/]+$', `${ORDERS}${EXAMPLE_ORDER_ID}`) })
            .jsonBody({
              path: orderPath(),
              accessId: like(place.accessId),
              service: like(place.service),
              operation: equal('ACTIVATE'),
              state: equal('RECEIVED'),
              message: equal(''),
            }),
        )
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const order = await c.ok(
            c.POST('/api/2.3.1/orders/', {
              body: { accessId: place.accessId, service: place.service, operation: 'ACTIVATE', forcedTakeover: false, spReference: 'pact-4711' },
            }),
          );
          assert.equal(order.state, 'RECEIVED');
          assert.match(order.path ?? '', /^\/api\/2\.3\.1\/orders\/.+/);
        }));
    });

    it('reads a finished order', async () => {
      const place = ACTIVATION_PLACES.read;
      await pact
        .addInteraction()
        .given(activationStates.finishedOrder.name, place)
        .uponReceiving('a request for a finished order')
        .withRequest('GET', fromProviderState(`${ORDERS.slice(0, -1)}/\${orderId}`, `${ORDERS}${EXAMPLE_ORDER_ID}`), (b) =>
          b.headers({ Authorization: basicAuthHeader() }),
        )
        .willRespondWith(200, (b) =>
          b.jsonBody({
            path: orderPath(),
            accessId: like(place.accessId),
            service: like(place.service),
            operation: equal('ACTIVATE'),
            state: equal('DONE_SUCCESS'),
            message: like(''),
          }),
        )
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const order = await c.ok(c.GET('/api/2.3.1/orders/{orderId}', { params: { path: { orderId: EXAMPLE_ORDER_ID } } }));
          assert.equal(order.state, 'DONE_SUCCESS');
        }));
    });

    it('reads the whole event feed', async () => {
      await pact
        .addInteraction()
        .given(activationStates.feedWithEvents.name, { count: 2 })
        .uponReceiving('a request for every event')
        .withRequest('GET', EVENTS, (b) => b.headers({ Authorization: basicAuthHeader() }))
        .willRespondWith(200, (b) => b.jsonBody(eachLike(event(), 2)))
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const events = await c.ok(c.GET('/api/2.3.1/orderevents/'));
          assert.ok(events.length >= 2);
          assert.ok(events.every((e) => e.order.state === 'DONE_SUCCESS' || e.order.state === 'DONE_FAILED'));
        }));
    });

    it('reads the events after a known event', async () => {
      await pact
        .addInteraction()
        .given(activationStates.feedWithEvents.name, { count: 2 })
        .uponReceiving('a request for the events after a given event')
        .withRequest('GET', EVENTS, (b) =>
          b.headers({ Authorization: basicAuthHeader() }).query({ since: fromProviderState('${firstEvent}', EXAMPLE_EVENT) }),
        )
        .willRespondWith(200, (b) => b.jsonBody(eachLike(event(), 1)))
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const events = await c.ok(c.GET('/api/2.3.1/orderevents/', { params: { query: { since: EXAMPLE_EVENT } } }));
          assert.ok(events.length >= 1);
        }));
    });

    it('gets a 400 with a cause for an event the server never issued', async () => {
      const unknown = 'pact-no-such-event';
      await pact
        .addInteraction()
        .given(activationStates.feedWithEvents.name, { count: 2 })
        .uponReceiving('a request for the events after an unknown event')
        .withRequest('GET', EVENTS, (b) => b.headers({ Authorization: basicAuthHeader() }).query({ since: unknown }))
        .willRespondWith(400, (b) => b.jsonBody({ cause: like('Unknown event in since') }))
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const failure = await c.ok(c.GET('/api/2.3.1/orderevents/', { params: { query: { since: unknown } } })).then(
            () => undefined,
            (err: unknown) => err,
          );
          assert.ok(failure instanceof ActivationClientError, `expected an ActivationClientError, got ${String(failure)}`);
          assert.equal(failure.status, 400);
          assert.ok(failure.body.cause.length > 0);
        }));
    });
  });
}
