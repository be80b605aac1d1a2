/**
 * Every kind of example ON-API 2.3.1 gives for the Service Activation pages (orders, feasibility, availability,
 * active services, order events), written here in the pages' own forms, against the spec's validators; and the
 * reference server's access list over HTTP: Last-Modified, If-Modified-Since and 304 (the feasibility page's
 * "Begränsningsmekanism"). docs/SOURCES.md records each decision these tests hold the spec to.
 */
import assert from 'node:assert/strict';
import * as v from '../../generated/activation/validators.js';
import { DEMO_CREDENTIALS } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const errorsOf = (f: { errors?: unknown }) => JSON.stringify(f.errors, null, 1);
const valid = (f: ((x: unknown) => boolean) & { errors?: unknown }, body: unknown, what: string) => assert.ok(f(body), `${what}: ${errorsOf(f)}`);

/** A feasibility entry as the feasibility page writes it: co* equipment as model names or "", connection as a date or YES/NO. */
const FEASIBLE = {
  accessId: 'KOB-0042.a',
  streetName: 'Ekvägen',
  streetNumber: '7',
  streetLittera: '',
  postalCode: '41319',
  city: 'Göteborg',
  countryCode: 'SE',
  premisesType: 'MDU_APARTMENT',
  mduApartmentNumber: '1102',
  mduDistinguisher: '88-1102',
  outlet: 'B-2-07',
  population: 'Etapp 2',
  services: [
    { service: 'BB-250-250', connection: '2025-11-03' },
    { service: 'BB-100-10', connection: 'YES' },
    { service: 'TV-BAS', connection: 'NO' },
  ],
  coFiberConverter: 'FIBERCO FX-12',
  coCpeSwitch: '',
  coCpeRouter: 'ROUTECO AX1800',
};

/** The same access as the availability page writes it: available YES, NO or a date; active services with their equipment. */
const AVAILABLE = {
  ...FEASIBLE,
  services: [
    { service: 'BB-250-250', connection: '2025-11-03', available: '2025-12-01', forcedTakeoverPossible: false },
    { service: 'BB-100-10', connection: 'YES', available: 'YES', forcedTakeoverPossible: false },
    { service: 'TV-BAS', connection: 'NO', available: 'NO', forcedTakeoverPossible: true },
  ],
  active: [
    { service: 'BB-100-10', option82: '4B4F422D30303432', equipment: [{ vendorId: 'ROUTECO_HOME' }], spReference: '' },
    { service: 'TV-BAS', option82: '4B4F422D30303433', equipment: [], spReference: 'abo-77' },
  ],
};

describe('activation: the forms of ON-API 2.3.1 examples against the spec', () => {
  it('a feasibility list (GET accesses/) with text co* fields and dated, YES and NO connections validates', () => {
    valid(v.response_listAccesses_200, [FEASIBLE, { ...FEASIBLE, accessId: 'KOB-0043', premisesType: 'RESIDENTIAL_HOUSE', mduApartmentNumber: '', mduDistinguisher: '' }], 'feasibility');
  });

  it('an availability answer (GET accesses/{id}) with available YES/NO/date and equipment as { vendorId } validates', () => {
    valid(v.response_getAccess_200, AVAILABLE, 'availability');
  });

  it('the active services list (GET services/) validates', () => {
    valid(v.response_listServices_200, [{ service: 'BB-100-10', accessId: 'KOB-0042.a', spReference: 'q8F2mZk0' }, { service: 'TV-BAS', accessId: 'KOB-0042.a', spReference: 'q8F2mZk0' }], 'services');
  });

  it('an ACTIVATE with forcedTakeover, equipment and an empty spReference, and a bare DEACTIVATE, validate as requests', () => {
    valid(v.request_createOrder, { accessId: 'KOB0042', service: 'BB-100-10', operation: 'ACTIVATE', forcedTakeover: false, equipment: [{ vendorId: 'ROUTECO_HOME', macAddress: '0a:1b:2c:3d:4e:5f' }], spReference: '' }, 'ACTIVATE');
    valid(v.request_createOrder, { accessId: 'KOB0042', service: 'BB-100-10', operation: 'DEACTIVATE' }, 'DEACTIVATE');
  });

  it('the order answers validate: 201 RECEIVED, 200 in progress, 200 DONE_SUCCESS without path, 400 with a cause, GET', () => {
    const received = { path: '/api/2.3.1/orders/6f1c2a9e-0b7d-4c55-9a61-2d3e4f5a6b7c', accessId: 'KOB0042', service: 'BB-100-10', operation: 'ACTIVATE', state: 'RECEIVED', message: '' };
    valid(v.response_createOrder_201, received, '201');
    valid(v.response_createOrder_200, received, '200 in progress');
    valid(v.response_createOrder_200, { accessId: 'KOB0042', service: 'BB-100-10', operation: 'ACTIVATE', state: 'DONE_SUCCESS', message: '' }, '200 nothing to do');
    valid(v.response_createOrder_400, { cause: "Unknown service: 'TV-GULD'" }, '400');
    valid(v.response_getOrder_200, { ...received, state: 'DONE_FAILED', message: 'Porten svarar inte.' }, 'GET');
  });

  it('the order events answer validates', () => {
    valid(
      v.response_listOrderEvents_200,
      [{ event: 'e-000017', order: { path: '/api/2.3.1/orders/6f1c2a9e-0b7d-4c55-9a61-2d3e4f5a6b7c', accessId: 'KOB0042', service: 'BB-100-10', operation: 'DEACTIVATE', state: 'DONE_SUCCESS', message: '' } }],
      'events',
    );
  });

  it('still refuses what the pages forbid: null, booleans for availability, a date before 1970, a four-digit postal code, macAddress missing from an order', () => {
    assert.equal(v.response_listAccesses_200([{ ...FEASIBLE, coCpeSwitch: null }]), false);
    assert.equal(v.response_listAccesses_200([{ ...FEASIBLE, postalCode: '9999' }]), false);
    assert.equal(v.response_listAccesses_200([{ ...FEASIBLE, services: [{ service: 'BB-100-10', connection: '1969-12-31' }] }]), false);
    assert.equal(v.response_listAccesses_200([{ ...FEASIBLE, mduApartmentNumber: '12' }]), false);
    assert.equal(v.response_getAccess_200({ ...AVAILABLE, services: [{ ...AVAILABLE.services[1], available: true }] }), false);
    assert.equal(v.response_getAccess_200({ ...AVAILABLE, active: [{ service: 'BB-100-10', equipment: [] }] }), false, 'option82 is required');
    assert.equal(v.request_createOrder({ accessId: 'KOB0042', service: 'BB-100-10', operation: 'ACTIVATE', forcedTakeover: false, equipment: [{ vendorId: 'X' }] }), false);
  });
});

describe('activation: the reference server answers the access resources in the ON-API forms', () => {
  let server: TestServer;
  const [{ user, secret }] = DEMO_CREDENTIALS;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.apis.activation}/api/2.3.1/${path}`, { headers: { Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`, ...headers } });

  before(async () => {
    server = await startTestServer({ backend: 'sqlite' });
  });
  after(async () => {
    await server?.stop();
  });

  it('accesses/ answers Last-Modified; sent back as If-Modified-Since it answers 304 without a body; an older date gets the list', async () => {
    const first = await get('accesses/');
    assert.equal(first.status, 200);
    const lastModified = first.headers.get('last-modified');
    assert.ok(lastModified && !Number.isNaN(Date.parse(lastModified)), `Last-Modified: ${lastModified}`);
    const list = await first.json();
    valid(v.response_listAccesses_200, list, 'the reference list');
    assert.ok(list.every((a: any) => typeof a.coCpeSwitch === 'string' && typeof a.coFiberConverter === 'string'));

    const same = await get('accesses/', { 'If-Modified-Since': lastModified });
    assert.equal(same.status, 304);
    assert.equal(await same.text(), '');

    const older = await get('accesses/', { 'If-Modified-Since': new Date(Date.parse(lastModified) - 1000).toUTCString() });
    assert.equal(older.status, 200);
    assert.equal(older.headers.get('last-modified'), lastModified);
    assert.deepEqual(await older.json(), list, 'every access changed after the date, each whole');

    const unreadable = await get('accesses/', { 'If-Modified-Since': 'last tuesday' });
    assert.equal(unreadable.status, 200, 'a date that is not an HTTP-date asks for the whole list');
  });

  it('accesses/{id} answers available as YES, NO or a date, and validates', async () => {
    const res = await get('accesses/STTA0003');
    assert.equal(res.status, 200);
    const body = await res.json();
    valid(v.response_getAccess_200, body, 'the reference availability');
    const bb1000 = body.services.find((s: any) => s.service === 'BB-1000-1000');
    assert.equal(bb1000.connection, 'NO');
    assert.equal(bb1000.available, 'NO', 'not yet connected: available is connection');
    assert.ok(body.services.filter((s: any) => s.connection === 'YES').every((s: any) => s.available === 'YES' || s.available === 'NO'));
  });
});
