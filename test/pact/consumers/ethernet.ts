/**
 * Consumer side of the ethernet pact: a Buyer's client creates an order, reads it by id and by purchase order
 * number, lists its orders, sends a supplemental order (PUT), patches it, holds, releases and cancels it, and is
 * refused a transition out of a final state. The buyerId and the Seller's order ids come from the provider state.
 */
import assert from 'node:assert/strict';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { createEthernetClient, EthernetClientError } from '../../../generated/ethernet/client.js';
import type { components } from '../../../generated/ethernet/types.js';
import { ethernetStates } from '../states.js';
import { basicAuthHeader, clearPact, settle, consumerName, PACT_DIR, providerName, SECRET, USER } from '../support.js';

const { like, regex, fromProviderState, eachLike, equal, integer, matchStatus, reify } = MatchersV3;

type OrderCreateUpdate = components['schemas']['orderCreateUpdate'];

const EXAMPLE_ID = 'ORD-0123456789AB';
const ORDER_STATUS = '^(ACKNOWLEDGED|IN_PROGRESS|CANCELLED|COMPLETED|REJECTED|PENDING|HELD|FAILED|PARTIAL)$';

/** The purchase order number of each interaction (the Buyer chooses it, so it is literal). */
export const ETHERNET_PONS = {
  create: 'PACT-NEW',
  get: 'PACT-GET',
  pon: 'PACT-PON',
  list: 'PACT-LIST',
  put: 'PACT-PUT',
  patch: 'PACT-PATCH',
  hold: 'PACT-HOLD',
  release: 'PACT-RELEASE',
  cancel: 'PACT-CANCEL',
  forbidden: 'PACT-FINAL',
} as const;

/**
 * The order-create-update the Buyer sends: a UNI order with one item. `buyerId` is the caller; given as a
 * matcher it is taken from the provider state. The provider states create their orders from this body too.
 */
export function ethernetOrderBody(pon: string, buyerId: unknown = USER, version = '1', notes?: string) {
  return {
    objectType: 'order-create-update',
    buyerId,
    sellerId: 'ordercert-seller',
    buyerPurchaseOrderNumber: pon,
    buyerOrderVersion: version,
    orderDate: '2030-01-10T09:00+01:00',
    orderActivity: 'INSTALL',
    desiredResponses: 'CONFIRMATION_ONLY',
    requestedCompletionDate: '2030-02-10T17:00+01:00',
    billingInfo: { objectType: 'billingInformation', existingBillingAccountNumber: '12345678' },
    buyerOrderContact: { objectType: 'contact', name: 'Pact Buyer', telephoneNumber: '+1720-666-1234' },
    orderType: 'UNI',
    ...(notes ? { notes } : {}),
    orderItems: [
      {
        objectType: 'orderItem',
        orderItemReference: '01',
        action: 'INSTALL',
        quantity: 1,
        orderItemDetail: { objectType: 'uniProductOrder', buyerUniId: 'UNI-1', productSpecification: { objectType: 'productSpecRef', name: 'UNI 10G', code: 'UNI10G' }, physicalLayer: '10GBASE_SR' },
      },
    ],
  } satisfies Record<string, unknown>;
}

const buyerFromState = () => fromProviderState('${buyerId}', USER);
const orderPath = (rest = '') => fromProviderState(`/orders/\${id}${rest}`, `/orders/${EXAMPLE_ID}${rest}`);
/** The body the client sends: the pact body with the example values in place of the matchers. */
const plain = (body: unknown) => reify(body) as unknown as OrderCreateUpdate;

/**
 * An order as the Seller answers it: every member the spec requires, the Buyer's fields matched by type (an order a
 * provider state made need not be byte for byte the consumer's), the Seller's id by type, and what the interaction is
 * about pinned: the purchase order number, the status, and any `pins`.
 */
function orderAnswer(pon: string, status: string | null, pins: Record<string, unknown> = {}) {
  const body = ethernetOrderBody(pon);
  return {
    objectType: equal('order'),
    id: like(EXAMPLE_ID),
    buyerId: like(USER),
    sellerId: like(body.sellerId),
    buyerPurchaseOrderNumber: equal(pon),
    buyerOrderVersion: like(body.buyerOrderVersion),
    orderDate: like(body.orderDate),
    orderActivity: like(body.orderActivity),
    desiredResponses: like(body.desiredResponses),
    requestedCompletionDate: like(body.requestedCompletionDate),
    billingInfo: { objectType: equal('billingInformation') },
    buyerOrderContact: { objectType: equal('contact'), name: like('Pact Buyer'), telephoneNumber: like('+1720-666-1234') },
    orderType: like(body.orderType),
    orderItems: eachLike({ objectType: equal('orderItem'), orderItemReference: like('01'), action: like('INSTALL'), quantity: integer(1) }),
    orderStatus: status === null ? regex(ORDER_STATUS, 'IN_PROGRESS') : equal(status),
    ...pins,
  };
}

export function ethernetConsumerTests(): void {
  describe('ethernet consumer (ordercert-ethernet-client)', () => {
    before(() => clearPact('ethernet'));
    const pact = new PactV4({ consumer: consumerName('ethernet'), provider: providerName('ethernet'), dir: PACT_DIR, logLevel: 'warn' });
    const client = (url: string) => createEthernetClient({ baseUrl: url, user: USER, secret: SECRET });
    const auth = () => ({ Authorization: basicAuthHeader() });
    const json = () => ({ ...auth(), 'Content-Type': 'application/json' });

    it('creates an order', async () => {
      const pon = ETHERNET_PONS.create;
      const body = ethernetOrderBody(pon, buyerFromState());
      await pact
        .addInteraction()
        .given(ethernetStates.ponUnused.name, { pon })
        .uponReceiving('an order to create')
        .withRequest('POST', '/orders', (b) => b.headers(json()).jsonBody(body))
        .willRespondWith(201, (b) =>
          // Everything the Buyer sent comes back as sent.
          b.jsonBody({ ...body, buyerId: like(USER), objectType: equal('order'), id: like(EXAMPLE_ID), orderStatus: equal('IN_PROGRESS') }),
        )
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const order = await c.ok(c.POST('/orders', { body: plain(body) }));
          assert.equal(order.orderStatus, 'IN_PROGRESS');
          assert.equal(order.buyerPurchaseOrderNumber, pon);
          assert.ok(order.id);
        }));
    });

    it('gets an order by id', async () => {
      const pon = ETHERNET_PONS.get;
      await pact
        .addInteraction()
        .given(ethernetStates.orderInProgress.name, { pon })
        .uponReceiving('a request for an order by id')
        .withRequest('GET', orderPath(), (b) => b.headers(auth()))
        .willRespondWith(200, (b) => b.jsonBody(orderAnswer(pon, 'IN_PROGRESS')))
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const order = await c.ok(c.GET('/orders/{id}', { params: { path: { id: EXAMPLE_ID } } }));
          assert.equal(order.buyerPurchaseOrderNumber, pon);
        }));
    });

    it('gets an order by purchase order number', async () => {
      const pon = ETHERNET_PONS.pon;
      await pact
        .addInteraction()
        .given(ethernetStates.orderInProgress.name, { pon })
        .uponReceiving('a request for an order by purchase order number')
        .withRequest('GET', '/orders', (b) => b.headers(auth()).query({ pon }))
        .willRespondWith(200, (b) => b.jsonBody(orderAnswer(pon, 'IN_PROGRESS')))
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const answer = await c.ok(c.GET('/orders', { params: { query: { pon } } }));
          assert.ok('buyerPurchaseOrderNumber' in answer && answer.buyerPurchaseOrderNumber === pon);
        }));
    });

    it("lists the buyer's orders", async () => {
      const pon = ETHERNET_PONS.list;
      await pact
        .addInteraction()
        .given(ethernetStates.orderInProgress.name, { pon })
        .uponReceiving("a request for the buyer's orders")
        .withRequest('GET', '/orders', (b) => b.headers(auth()).query({ buyerId: buyerFromState() }))
        .willRespondWith(200, (b) =>
          b.jsonBody({
            available: integer(1),
            returned: integer(1),
            // Each listed order has the required members; which orders and in which states is the Seller's data.
            items: eachLike({ ...orderAnswer(pon, null), buyerPurchaseOrderNumber: like(pon) }),
          }),
        )
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const answer = await c.ok(c.GET('/orders', { params: { query: { buyerId: USER } } }));
          assert.ok('items' in answer && answer.items.length >= 1);
        }));
    });

    it('replaces an order with a supplemental order', async () => {
      const pon = ETHERNET_PONS.put;
      const body = ethernetOrderBody(pon, buyerFromState(), '2', 'Supplemental order: new completion date');
      await pact
        .addInteraction()
        .given(ethernetStates.orderInProgress.name, { pon })
        .uponReceiving('a supplemental order (PUT)')
        .withRequest('PUT', orderPath(), (b) => b.headers(json()).jsonBody(body))
        .willRespondWith(200, (b) =>
          b.jsonBody(orderAnswer(pon, 'IN_PROGRESS', { buyerOrderVersion: equal('2'), notes: equal(body.notes) })),
        )
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const order = await c.ok(c.PUT('/orders/{id}', { params: { path: { id: EXAMPLE_ID } }, body: plain(body) }));
          assert.equal(order.buyerOrderVersion, '2');
        }));
    });

    it('patches an order', async () => {
      const pon = ETHERNET_PONS.patch;
      const patch = { notes: 'Call the site contact before arriving' };
      await pact
        .addInteraction()
        .given(ethernetStates.orderInProgress.name, { pon })
        .uponReceiving('a merge patch of an order')
        .withRequest('PATCH', orderPath(), (b) => b.headers({ ...auth(), 'Content-Type': 'application/merge-patch+json' }).jsonBody(patch))
        .willRespondWith(200, (b) => b.jsonBody(orderAnswer(pon, 'IN_PROGRESS', { notes: equal(patch.notes) })))
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const order = await c.ok(
            c.PATCH('/orders/{id}', {
              params: { path: { id: EXAMPLE_ID } },
              headers: { 'Content-Type': 'application/merge-patch+json' },
              // The spec's orderMergePatch is `type: object` with no properties, which openapi-typescript renders as
              // Record<string, never>; `additionalProperties: true` in the spec would type it as an open object.
              body: patch as unknown as components['schemas']['orderMergePatch'],
            }),
          );
          assert.equal(order.notes, patch.notes);
        }));
    });

    // The spec lets the Seller answer a transition with 200 or 201.
    const transition = (action: 'hold' | 'release' | 'cancel', pon: string, state: string, to: string) =>
      pact
        .addInteraction()
        .given(state, { pon })
        .uponReceiving(`a request to ${action} an order`)
        .withRequest('POST', orderPath(`/${action}`), (b) => b.headers(auth()))
        .willRespondWith(matchStatus(201, [200, 201]), (b) => b.jsonBody(orderAnswer(pon, to)))
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const path = `/orders/{id}/${action}` as const;
          const order = await c.ok(c.POST(path, { params: { path: { id: EXAMPLE_ID } } }));
          assert.equal(order.orderStatus, to);
        }));

    it('holds an order', () => transition('hold', ETHERNET_PONS.hold, ethernetStates.orderInProgress.name, 'HELD'));
    it('releases a held order', () => transition('release', ETHERNET_PONS.release, ethernetStates.orderHeld.name, 'IN_PROGRESS'));
    it('cancels an order', () => transition('cancel', ETHERNET_PONS.cancel, ethernetStates.orderInProgress.name, 'CANCELLED'));

    it('gets a 409 BAD_STATE when holding a cancelled order', async () => {
      const pon = ETHERNET_PONS.forbidden;
      await pact
        .addInteraction()
        .given(ethernetStates.orderCancelled.name, { pon })
        .uponReceiving('a request to hold a cancelled order')
        .withRequest('POST', orderPath('/hold'), (b) => b.headers(auth()))
        .willRespondWith(409, (b) =>
          b.jsonBody({
            objectType: equal('errorResponse'),
            orderMessages: eachLike({
              objectType: equal('orderMessage'),
              errorCode: equal('BAD_STATE'),
              errorSeverity: regex('^(ERROR|WARNING|INFORMATION)$', 'ERROR'),
            }),
          }),
        )
        .executeTest(settle(async (mock) => {
          const c = client(mock.url);
          const failure = await c.ok(c.POST('/orders/{id}/hold', { params: { path: { id: EXAMPLE_ID } } })).then(
            () => undefined,
            (err: unknown) => err,
          );
          assert.ok(failure instanceof EthernetClientError, `expected an EthernetClientError, got ${String(failure)}`);
          assert.equal(failure.status, 409);
          assert.equal(failure.body.orderMessages[0].errorCode, 'BAD_STATE');
        }));
    });
  });
}
