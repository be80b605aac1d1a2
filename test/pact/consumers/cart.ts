/**
 * Consumer side of the cart pact: what a reseller's client does with an order, recorded through the generated
 * typed client against Pact's mock server. Catalogue values (supplier, product, option, availability, unit) come
 * from the provider state, so that a vendor verifies the pact with its own test catalogue.
 */
import assert from 'node:assert/strict';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { CartClientError, createCartClient } from '../../../generated/cart/client.js';
import { cartStates, type ParamsOf } from '../states.js';
import { basicAuthHeader, clearPact, settle, consumerName, PACT_DIR, providerName, rfc3339, SECRET, USER } from '../support.js';

const { like, regex, fromProviderState, eachLike, equal } = MatchersV3;

/** Example catalogue values: the reference server's demo catalogue. */
const EXAMPLE = { supplierId: 'demo-supplier', productId: 'demo-tour', optionId: 'DEFAULT', availabilityId: 'slot-open', unitId: 'adult' };
const supplierPath = (rest: string) => fromProviderState(`/suppliers/\${supplierId}${rest}`, `/suppliers/${EXAMPLE.supplierId}${rest}`);

const CONTACT = { fullName: 'Pact Consumer', emailAddress: 'pact@example.com' };

/** The ids of each interaction (the reseller chooses them, so they are literal). */
export const CART_IDS = {
  create: { orderId: 'PACT-NEW', bookingUuid: '7c0e6f3a-1d2b-4c5d-8e9f-000000000001' },
  read: { orderId: 'PACT-READ', bookingUuid: '7c0e6f3a-1d2b-4c5d-8e9f-000000000002' },
  extend: { orderId: 'PACT-EXTEND', bookingUuid: '7c0e6f3a-1d2b-4c5d-8e9f-000000000003' },
  confirm: { orderId: 'PACT-CONFIRM', bookingUuid: '7c0e6f3a-1d2b-4c5d-8e9f-000000000004' },
  cancel: { orderId: 'PACT-CANCEL', bookingUuid: '7c0e6f3a-1d2b-4c5d-8e9f-000000000005' },
  blocked: { orderId: 'PACT-BLOCKED', bookingUuid: '7c0e6f3a-1d2b-4c5d-8e9f-000000000006' },
} satisfies Record<string, ParamsOf<typeof cartStates.orderOnHold>>;

/**
 * A booking as the spec describes it (every required member, so that the pact's example is a valid answer):
 * what the reseller chose is pinned, what the server chooses (references, times, the catalogue's names) is
 * matched by type or by form.
 */
function booking(uuid: string, orderId: string, status: 'ON_HOLD' | 'CONFIRMED' | 'CANCELLED') {
  const confirmed = status === 'CONFIRMED';
  return {
    uuid: equal(uuid),
    resellerReference: like('pact'),
    supplierReference: like('CRT-7D3A9F21'),
    status: equal(status),
    cancellable: equal(status !== 'CANCELLED'),
    utcHoldExpiration: rfc3339(),
    utcConfirmedAt: confirmed ? rfc3339() : null,
    productId: like(EXAMPLE.productId),
    optionId: like(EXAMPLE.optionId),
    availabilityId: like(EXAMPLE.availabilityId),
    unitItems: eachLike({ unitId: like(EXAMPLE.unitId) }),
    contact: confirmed ? { fullName: equal(CONTACT.fullName), emailAddress: equal(CONTACT.emailAddress) } : null,
    orderId: equal(orderId),
  };
}

function order(ids: { orderId: string; bookingUuid: string }, status: 'ON_HOLD' | 'CONFIRMED' | 'CANCELLED') {
  return { id: equal(ids.orderId), status: equal(status), utcExpiresAt: rfc3339(), bookings: [booking(ids.bookingUuid, ids.orderId, status)] };
}

const jsonHeaders = () => ({ Authorization: basicAuthHeader(), 'Content-Type': 'application/json' });

export function cartConsumerTests(): void {
  describe('cart consumer (ordercert-cart-client)', () => {
    before(() => clearPact('cart'));
    const pact = new PactV4({ consumer: consumerName('cart'), provider: providerName('cart'), dir: PACT_DIR, logLevel: 'warn' });
    const client = (url: string) => createCartClient({ baseUrl: url, user: USER, secret: SECRET });

    it('creates a booking that opens a new order', async () => {
      const ids = CART_IDS.create;
      await pact
        .addInteraction()
        .given(cartStates.noOrder.name, ids)
        .uponReceiving('a booking that creates an order')
        .withRequest('POST', supplierPath('/bookings'), (b) =>
          b.headers({ ...jsonHeaders(), 'X-Capabilities': 'redeam/cart' }).jsonBody({
            uuid: ids.bookingUuid,
            productId: fromProviderState('${productId}', EXAMPLE.productId),
            optionId: fromProviderState('${optionId}', EXAMPLE.optionId),
            availabilityId: fromProviderState('${availabilityId}', EXAMPLE.availabilityId),
            unitItems: [{ unitId: fromProviderState('${unitId}', EXAMPLE.unitId) }],
            holdExpirationMinutes: 30,
            orderId: ids.orderId,
            resellerReference: ids.orderId,
          }),
        )
        .willRespondWith(201, (b) => b.jsonBody({ ...booking(ids.bookingUuid, ids.orderId, 'ON_HOLD'), resellerReference: equal(ids.orderId) }))
        .executeTest(settle(async (mock) => {
          const created = await client(mock.url).ok(
            client(mock.url).POST('/suppliers/{supplierId}/bookings', {
              params: { path: { supplierId: EXAMPLE.supplierId }, header: { 'X-Capabilities': 'redeam/cart' } },
              body: {
                uuid: ids.bookingUuid,
                productId: EXAMPLE.productId,
                optionId: EXAMPLE.optionId,
                availabilityId: EXAMPLE.availabilityId,
                unitItems: [{ unitId: EXAMPLE.unitId }],
                holdExpirationMinutes: 30,
                orderId: ids.orderId,
                resellerReference: ids.orderId,
              },
            }),
          );
          assert.equal(created.status, 'ON_HOLD');
          assert.equal(created.orderId, ids.orderId);
          assert.ok(Date.parse(created.utcHoldExpiration!) > 0);
        }));
    });

    it('reads an order with its bookings', async () => {
      const ids = CART_IDS.read;
      await pact
        .addInteraction()
        .given(cartStates.orderOnHold.name, ids)
        .uponReceiving('a request for an order on hold')
        .withRequest('GET', supplierPath(`/orders/${ids.orderId}`), (b) => b.headers({ Authorization: basicAuthHeader() }))
        .willRespondWith(200, (b) => b.jsonBody(order(ids, 'ON_HOLD')))
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const got = await c.ok(c.GET('/suppliers/{supplierId}/orders/{orderId}', { params: { path: { supplierId: EXAMPLE.supplierId, orderId: ids.orderId } } }));
          assert.equal(got.status, 'ON_HOLD');
          assert.deepEqual(got.bookings.map((b) => b.uuid), [ids.bookingUuid]);
        }));
    });

    it('extends an order', async () => {
      const ids = CART_IDS.extend;
      await pact
        .addInteraction()
        .given(cartStates.orderOnHold.name, ids)
        .uponReceiving('a request to extend an order on hold')
        .withRequest('POST', supplierPath(`/orders/${ids.orderId}/extend`), (b) =>
          b.headers(jsonHeaders()).jsonBody({ reason: 'CUSTOMER_REQUESTED', holdExpirationMinutes: 30 }),
        )
        .willRespondWith(200, (b) => b.jsonBody(order(ids, 'ON_HOLD')))
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const got = await c.ok(
            c.POST('/suppliers/{supplierId}/orders/{orderId}/extend', {
              params: { path: { supplierId: EXAMPLE.supplierId, orderId: ids.orderId } },
              body: { reason: 'CUSTOMER_REQUESTED', holdExpirationMinutes: 30 },
            }),
          );
          assert.equal(got.status, 'ON_HOLD');
        }));
    });

    it('confirms an order', async () => {
      const ids = CART_IDS.confirm;
      await pact
        .addInteraction()
        .given(cartStates.orderOnHold.name, ids)
        .uponReceiving('a request to confirm an order on hold')
        .withRequest('POST', supplierPath(`/orders/${ids.orderId}/confirm`), (b) => b.headers(jsonHeaders()).jsonBody({ contact: CONTACT }))
        .willRespondWith(200, (b) => b.jsonBody(order(ids, 'CONFIRMED')))
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const got = await c.ok(
            c.POST('/suppliers/{supplierId}/orders/{orderId}/confirm', {
              params: { path: { supplierId: EXAMPLE.supplierId, orderId: ids.orderId } },
              body: { contact: CONTACT },
            }),
          );
          assert.equal(got.status, 'CONFIRMED');
          assert.equal(got.bookings[0].contact?.emailAddress, CONTACT.emailAddress);
        }));
    });

    it('cancels an order', async () => {
      const ids = CART_IDS.cancel;
      await pact
        .addInteraction()
        .given(cartStates.orderOnHold.name, ids)
        .uponReceiving('a request to cancel an order on hold')
        .withRequest('DELETE', supplierPath(`/orders/${ids.orderId}`), (b) => b.headers(jsonHeaders()).jsonBody({ reason: 'CUSTOMER' }))
        .willRespondWith(200, (b) => b.jsonBody(order(ids, 'CANCELLED')))
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const got = await c.ok(
            c.DELETE('/suppliers/{supplierId}/orders/{orderId}', {
              params: { path: { supplierId: EXAMPLE.supplierId, orderId: ids.orderId } },
              body: { reason: 'CUSTOMER' },
            }),
          );
          assert.equal(got.status, 'CANCELLED');
        }));
    });

    it('gets a 409 naming the blocking booking when an order cannot be confirmed', async () => {
      const ids = CART_IDS.blocked;
      await pact
        .addInteraction()
        .given(cartStates.orderWithConfirmedBooking.name, ids)
        .uponReceiving('a request to confirm an order whose booking blocks it')
        .withRequest('POST', supplierPath(`/orders/${ids.orderId}/confirm`), (b) => b.headers(jsonHeaders()).jsonBody({ contact: CONTACT }))
        .willRespondWith(409, (b) =>
          b.jsonBody(
            eachLike({
              errorClass: regex('^(inputValidationError|illegalOperationError|unknownError)$', 'illegalOperationError'),
              errorCode: regex('^core/9[0-9]{3}$', 'core/9006'),
              errorMessage: like('Order cannot be confirmed: a booking blocks it'),
              retryable: like(false),
              bookingUuid: equal(ids.bookingUuid),
            }),
          ),
        )
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const failure = await c
            .ok(
              c.POST('/suppliers/{supplierId}/orders/{orderId}/confirm', {
                params: { path: { supplierId: EXAMPLE.supplierId, orderId: ids.orderId } },
                body: { contact: CONTACT },
              }),
            )
            .then(
              () => undefined,
              (err: unknown) => err,
            );
          assert.ok(failure instanceof CartClientError, `expected a CartClientError, got ${String(failure)}`);
          assert.equal(failure.status, 409);
          assert.equal(failure.body[0].bookingUuid, ids.bookingUuid);
        }));
    });
  });
}
