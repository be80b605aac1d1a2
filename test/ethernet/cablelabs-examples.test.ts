/**
 * The forms of CableLabs' Order API repository (its JSON Schemas and example data, beyond seed 002), written here as
 * fixtures of our own, against the ethernet spec's validators; and the reference server's answers in those forms
 * where the seed allows them. docs/SOURCES.md records each decision these tests hold the spec to.
 */
import assert from 'node:assert/strict';
import * as v from '../../generated/ethernet/validators.js';
import { DEMO_CREDENTIALS } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const errorsOf = (f: { errors?: unknown }) => JSON.stringify(f.errors, null, 1);
const valid = (f: ((x: unknown) => boolean) & { errors?: unknown }, body: unknown, what: string) => assert.ok(f(body), `${what}: ${errorsOf(f)}`);

const contact = (name: string) => ({ objectType: 'contact', name, telephoneNumber: '+1405-555-0142' });
const rate = (amount: number) => ({ objectType: 'informationRateQuantity', amount, units: 'Mbps' });
const fullLink = (href: string, title: string) => ({ objectType: 'link', href, rel: 'self', title, method: 'get', type: 'application/json' });

/**
 * A create-update as the repository's example data writes it: items with orderItemStatus, the UNI's productSpecRef
 * without objectType (name, code and a resourceReference), an access EPL item without productSpecification.
 */
function createUpdate(buyerId: string, pon: string): Record<string, any> {
  return {
    objectType: 'order-create-update',
    buyerId,
    sellerId: 'Prairie Fiber',
    buyerPurchaseOrderNumber: pon,
    buyerOrderVersion: '1',
    orderDate: '2017-03-14T09:30-06:00',
    orderActivity: 'INSTALL',
    desiredResponses: 'CONFIRMATION_AND_ENGINEERING_DESIGN',
    requestedCompletionDate: '2017-04-28',
    billingInfo: { objectType: 'billingInformation', existingBillingAccountNumber: '900200300' },
    buyerOrderContact: contact('Ada Park'),
    orderType: 'ACCESS_EPL',
    orderItems: [
      {
        objectType: 'orderItem',
        orderItemReference: 'A1',
        action: 'INSTALL',
        quantity: 1,
        orderItemStatus: 'IN_PROGRESS',
        orderItemDetail: {
          objectType: 'accessEplProductOrder',
          buyerOvcId: 'EVC-77-b',
          enniReference: { objectType: 'existingEnniReference', sellerEnniId: 'ENNI-9-x' },
          enniIngressBandwidthProfile: { objectType: 'bandwidthProfile', committedInformationRate: rate(500) },
          uniReference: { objectType: 'orderedUniReference', orderItemReference: 'A2' },
          uniSiteContact: contact('Lee Moss'),
        },
      },
      {
        objectType: 'orderItem',
        orderItemReference: 'A2',
        action: 'INSTALL',
        quantity: 1,
        orderItemStatus: 'IN_PROGRESS',
        orderItemDetail: {
          objectType: 'uniProductOrder',
          buyerUniId: 'UNI-77',
          productSpecification: {
            name: 'UNI 1G',
            code: 'UNI1G',
            productSpecification: { objectType: 'resourceReference', id: 'ps-0091', type: 'PRODUCT_SPEC', link: fullLink('http://catalog/ps-0091', 'Product specification') },
          },
          physicalLayer: '1000BASE_LX',
          serviceSiteInformation: {
            objectType: 'serviceSiteInformation',
            siteCompanyName: 'Depot Nine',
            siteAddressType: 'FORMATTED_ADDRESS',
            siteAddress: { objectType: 'formattedAddress', addressLine1: '400 W Main St', city: 'Norman', stateOrProvince: 'OK', postcode: '73069' },
          },
          primarySiteContact: contact('Kim Ruiz'),
        },
      },
    ],
  };
}

/** An order as the repository's full example writes it: the Seller's members, the extra ones the order schema defines, an EPL productSpecification as a name. */
function fullOrder(): Record<string, any> {
  const order = createUpdate('Ridgeline', 'PO-7781');
  order.objectType = 'order';
  order.orderItems[0].orderItemDetail.productSpecification = 'accessEpl-Gold';
  order.orderItems[1].orderItemDetail.productSpecification.objectType = 'productSpecRef';
  return {
    ...order,
    id: 'ORD-PF-0007781',
    link: { href: 'http://orders/ORD-PF-0007781' },
    orderStatus: 'IN_PROGRESS',
    projectId: 'PRJ-PF-20170314',
    expectedCompletionDate: '2017-05-02T17:00-06:00',
    restorationPriority: 'TSP-E3',
    serviceabilityResponse: { objectType: 'resourceReference', id: 'srr-pf-0042', type: 'SERVICEABILITY_RESPONSE', link: fullLink('http://serviceability/srr-pf-0042', 'Retrieve the Serviceability Response') },
  };
}

describe('ethernet: the forms of CableLabs\' Order API repository against the spec', () => {
  it('the example data\'s create-update (productSpecRef without objectType, items with orderItemStatus, a date-only requestedCompletionDate) validates as POST and PUT', () => {
    const body = createUpdate('Ridgeline', 'PO-7781');
    valid(v.request_createOrder, body, 'create');
    valid(v.request_updateOrder, { ...body, buyerOrderVersion: '2' }, 'PUT');
  });

  it('the full order (extra order members, a link of every member and a title longer than the schema\'s 25) validates as every order answer', () => {
    const order = fullOrder();
    for (const f of [v.response_getOrder_200, v.response_createOrder_201, v.response_updateOrder_200, v.response_patchOrder_200, v.response_holdOrder_201, v.response_listOrders_200]) valid(f, order, 'order');
    valid(v.response_getOrder_200, { ...order, orderStatus: 'COMPLETED', completionDate: '2017-05-01', link: fullLink('http://orders/ORD-PF-0007781', 'Retrieve the Order') }, 'completed');
  });

  it('a list in the seed\'s members with the schema\'s objectType validates; one with only the schema\'s `orders` array does not (the seed names it `items`)', () => {
    const order = fullOrder();
    valid(v.response_listOrders_200, { objectType: 'orderList', link: fullLink('http://orders?buyerId=Ridgeline', 'Orders'), available: 1, returned: 1, items: [order] }, 'list');
    valid(v.response_listOrders_200, { objectType: 'orderList', available: 1, returned: 1, items: [order], orders: [order] }, 'list with both');
    assert.equal(v.response_listOrders_200({ objectType: 'orderList', available: 1, returned: 1, orders: [order] }), false);
  });

  it('the schemas\' other objects validate: addressReference, a fielded address, a geographic point as text, a disconnect by sellerServiceOrEndpointId, references to another order', () => {
    const body = createUpdate('Ridgeline', 'PO-7782');
    body.billingInfo = { ...body.billingInfo, billingAddressType: 'ADDRESS_REFERENCE', billingAddress: { objectType: 'addressReference', referenceType: 'SITE', reference: 'site-4411' } };
    const site = body.orderItems[1].orderItemDetail.serviceSiteInformation;
    valid(v.request_createOrder, body, 'addressReference');
    site.siteAddress = { objectType: 'fieldedAddress', streetNr: '400', streetNrSuffix: 'B', streetName: 'Main', streetType: 'Street', streetSuffix: 'W', subUnitType: 'SUITE', subUnitNr: '12', levelType: 'FLOOR', levelNr: '3', buildingName: 'Depot Nine', locality: 'Downtown', city: 'Norman', stateOrProvince: 'OK', postcode: '73069', country: 'US' };
    valid(v.request_createOrder, body, 'fieldedAddress');
    site.siteAddress = { objectType: 'geographicPoint', latitude: '35.2226', longitude: '-97.4395' };
    valid(v.request_createOrder, body, 'geographicPoint');
    body.orderItems.push({ objectType: 'orderItem', orderItemReference: 'A3', action: 'DELETE', quantity: 1, orderItemDetail: { objectType: 'disconnectOrderItemDetail', sellerServiceOrEndpointId: 'OVC-31', sellerNetworkIdentifier: 'NET-4' } });
    valid(v.request_createOrder, body, 'disconnect');
    body.orderItems[0].orderItemDetail.uniReference = { objectType: 'orderedUniReference', buyerPurchaseOrderNumber: 'PO-7700', orderItemReference: '02' };
    valid(v.request_createOrder, body, 'a reference to another order');
  });

  it('an error entry in the schema\'s defined members (objectType orderError, code, severity, messageInformation, field) validates beside the required errorCode and errorSeverity', () => {
    const entry = { objectType: 'orderError', errorCode: 'INVALID', errorSeverity: 'ERROR', code: 'INVALID', severity: 'ERROR', messageInformation: 'orderDate is not a date', field: 'orderDate', correctionRequired: true };
    valid(v.response_createOrder_400, { objectType: 'errorResponse', orderMessages: [entry] }, 'error');
  });

  it('keeps the source\'s limits where the seed is silent: projectId 16, productSpecRef name 25 and code 15, a site\'s names 25, resourceReference with type and link', () => {
    const body = createUpdate('Ridgeline', 'PO-7783');
    assert.equal(v.request_createOrder({ ...body, projectId: 'P'.repeat(17) }), false);
    const spec = body.orderItems[1].orderItemDetail.productSpecification;
    assert.equal(v.request_createOrder(withAt(body, (b) => (b.orderItems[1].orderItemDetail.productSpecification = { ...spec, name: 'N'.repeat(26) }))), false);
    assert.equal(v.request_createOrder(withAt(body, (b) => (b.orderItems[1].orderItemDetail.productSpecification = { ...spec, code: 'C'.repeat(16) }))), false);
    assert.equal(v.request_createOrder(withAt(body, (b) => (b.orderItems[1].orderItemDetail.serviceSiteInformation.customerName = 'W'.repeat(26)))), false);
    assert.equal(v.request_createOrder(withAt(body, (b) => (b.serviceabilityResponse = { objectType: 'resourceReference', id: 'srr-1' }))), false);
    assert.equal(v.request_createOrder(withAt(body, (b) => (b.orderDate = '2017-03-14'))), false, 'orderDate is a date-time');
  });
});

/** A copy of `body` changed by `change`. */
function withAt(body: Record<string, any>, change: (b: Record<string, any>) => void): Record<string, any> {
  const copy = structuredClone(body);
  change(copy);
  return copy;
}

describe('ethernet: the reference server answers in the source\'s shapes where the seed allows', () => {
  let server: TestServer;
  const [{ user, secret }] = DEMO_CREDENTIALS;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.apis.ethernet}${path}`, {
      method,
      headers: { Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  before(async () => {
    server = await startTestServer({ backend: 'sqlite' });
  });
  after(async () => {
    await server?.stop();
  });

  it('accepts the example data\'s create-update and answers links with objectType and rel, each item\'s status, the Seller-owned members its own', async () => {
    const pon = `PO-${Math.random().toString(36).slice(2, 9)}`;
    const body = createUpdate(user, pon);
    body.orderItems[0].orderItemStatus = 'COMPLETED';
    const created = await call('POST', '/orders', { ...body, expectedCompletionDate: '2001-01-01', completionDate: '2001-01-02', status: 'COMPLETED' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    valid(v.response_createOrder_201, created.body, 'created');
    assert.deepEqual(created.body.link, { objectType: 'link', href: `/ethernet/orders/${created.body.id}`, rel: 'self', method: 'get', type: 'application/json' });
    assert.deepEqual(created.body.orderItems.map((i: any) => i.orderItemStatus), ['IN_PROGRESS', 'IN_PROGRESS'], 'an item\'s status is the Seller\'s');
    assert.equal(created.body.expectedCompletionDate, undefined);
    assert.equal(created.body.completionDate, undefined);
    assert.equal(created.body.status, undefined);
    assert.deepEqual(created.body.orderItems[1].orderItemDetail.productSpecification, body.orderItems[1].orderItemDetail.productSpecification, 'a productSpecRef without objectType comes back as sent');

    const held = await call('POST', `/orders/${created.body.id}/hold`);
    assert.equal(held.status, 201);
    assert.deepEqual(held.body.orderItems.map((i: any) => i.orderItemStatus), ['HELD', 'HELD']);

    const list = await call('GET', `/orders?buyerId=${user}`);
    assert.equal(list.status, 200);
    valid(v.response_listOrders_200, list.body, 'list');
    assert.equal(list.body.objectType, 'orderList');
    assert.equal(list.body.link.objectType, 'link');
    assert.equal(list.body.link.rel, 'self');
  });

  it('refusals carry the schema\'s defined error members beside the required ones', async () => {
    const res = await call('GET', '/orders/ORD-NOPE');
    assert.equal(res.status, 404);
    valid(v.response_getOrder_404, res.body, '404');
    const [m] = res.body.orderMessages;
    assert.equal(m.code, m.errorCode);
    assert.equal(m.severity, 'ERROR');
    assert.equal(m.messageInformation, m.errorDescription);
  });
});
