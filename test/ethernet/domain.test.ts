/** The ethernet domain module on a real SQLite file and a real PostgreSQL database. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { migrate, openDb } from '../../src/shared/db.js';
import { TestClock } from '../../src/shared/clock.js';
import { ApiError } from '../../src/shared/errors.js';
import { EthernetDomain, mergePatch } from '../../src/ethernet/domain.js';
import { semanticProblems } from '../../src/ethernet/semantic.js';
import { ethernetMigrations, ITEMS, ORDERS, VERSIONS } from '../../src/ethernet/store.js';
import { ethernetErrorBody } from '../../src/ethernet/api.js';
import { CREATE_EXAMPLE, PUT_EXAMPLE } from '../../conformance/ethernet/examples.js';
import { createDatabase } from '../helpers/pg.js';
import * as v from '../../generated/ethernet/validators.js';

const order = (pon: string, buyer = 'alpha') => ({ ...structuredClone(CREATE_EXAMPLE), buyerId: buyer, buyerPurchaseOrderNumber: pon });
const supplemental = (pon: string, buyer = 'alpha') => ({ ...structuredClone(PUT_EXAMPLE), buyerId: buyer, buyerPurchaseOrderNumber: pon });

async function rejects(promise: Promise<unknown>, status: number, code: string) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.status, status, err.message);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

async function counts(db: Knex) {
  const n = async (t: string) => Number((await db(t).count({ n: '*' }))[0].n);
  return { orders: await n(ORDERS), versions: await n(VERSIONS), items: await n(ITEMS) };
}

describe('ethernet: merge patch and semantic checks', () => {
  it('applies RFC 7386 merge patches (the RFC appendix examples)', () => {
    const cases: Array<[unknown, unknown, unknown]> = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [['a', 'b'], ['c', 'd'], ['c', 'd']],
      [{ a: 'b' }, ['c'], ['c']],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: 'b', c: null }, { a: 'b' }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, result] of cases) assert.deepEqual(mergePatch(target, patch), result);
  });

  it('finds dangling ordered references, duplicate item references and upside-down S-VLAN ranges, each by its code', () => {
    const doc = order('P1') as any;
    assert.deepEqual(semanticProblems(doc, []), []);
    doc.orderItems[0].orderItemDetail.uniReference.orderItemReference = '09';
    doc.orderItems[0].orderItemDetail.enniReference = { objectType: 'orderedEnniReference', orderItemReference: '08' };
    doc.orderItems[0].orderItemDetail.enniSvlanId = 10;
    doc.orderItems[0].orderItemDetail.enniSvlanIdLast = 9;
    doc.orderItems.push(structuredClone(doc.orderItems[1]));
    const codes = semanticProblems(doc, []).map((p) => p.code).sort();
    assert.deepEqual(codes, ['DANGLING_REF', 'DANGLING_REF', 'DUP_ITEM_REF', 'SVLAN_RANGE']);
    assert.deepEqual(semanticProblems(doc, ['09', '08']).map((p) => p.code).sort(), ['DUP_ITEM_REF', 'SVLAN_RANGE']);
  });

  it('renders errors in the spec error shape, codes at most 12 characters and descriptions at most 150', () => {
    const long = new ApiError(400, 'INVALID_REQUEST', `${'x'.repeat(200)}; second problem`);
    const body = ethernetErrorBody(long);
    assert.ok(v.response_createOrder_400(body), JSON.stringify(v.response_createOrder_400.errors));
    assert.equal(body.orderMessages.length, 2);
    assert.equal(body.orderMessages[0].errorCode, 'INVALID');
    for (const code of ['UNSUPPORTED_MEDIA_TYPE', 'METHOD_NOT_ALLOWED', 'SOMETHING_MUCH_TOO_LONG']) {
      assert.ok(v.response_createOrder_400(ethernetErrorBody(new ApiError(400, code, 'm'))));
    }
  });
});

const backends: Array<[string, () => Promise<string>]> = [
  ['sqlite', async () => `sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-eth-')), 'domain.sqlite')}`],
  ['postgres', createDatabase],
];

for (const [backend, makeUrl] of backends) {
  describe(`ethernet domain on ${backend}`, function () {
    this.timeout(60_000);
    let db: Knex;
    let clock: TestClock;
    let domain: EthernetDomain;
    before(async () => {
      db = openDb(await makeUrl());
      await migrate(db, ethernetMigrations);
    });
    beforeEach(() => {
      clock = new TestClock();
      domain = new EthernetDomain({ db, clock, basePath: '/ethernet' });
    });
    after(async () => {
      await db?.destroy();
    });

    it('creates an order IN_PROGRESS whose answer is a valid order carrying the posted members', async () => {
      const created = await domain.create('alpha', order('C1'));
      assert.ok(v.response_createOrder_201(created), JSON.stringify(v.response_createOrder_201.errors));
      assert.equal(created.orderStatus, 'IN_PROGRESS');
      assert.equal(created.link.href, `/ethernet/orders/${created.id}`);
      // Each item as posted, with the Seller's orderItemStatus (the order's status) beside it.
      assert.deepEqual(created.orderItems, CREATE_EXAMPLE.orderItems.map((item: any) => ({ ...item, orderItemStatus: 'IN_PROGRESS' })));
      assert.deepEqual(created.link, { objectType: 'link', href: `/ethernet/orders/${created.id}`, rel: 'self', method: 'get', type: 'application/json' });
      assert.deepEqual(await domain.get('alpha', created.id), created);
      assert.deepEqual(await domain.find('alpha', { pon: 'C1' }), created);
      await rejects(domain.get('beta', created.id), 404, 'NOT_FOUND');
      await rejects(domain.find('beta', { pon: 'C1' }), 404, 'NOT_FOUND');
    });

    it('refuses a second order with one PON, another buyer\'s buyerId, and semantic problems, storing nothing', async () => {
      await domain.create('alpha', order('C2'));
      const before = await counts(db);
      await rejects(domain.create('alpha', order('C2')), 409, 'PON_IN_USE');
      await rejects(domain.create('alpha', order('C3', 'beta')), 403, 'WRONG_BUYER');
      const dangling = order('C4') as any;
      dangling.orderItems[0].orderItemDetail.uniReference.orderItemReference = '77';
      await rejects(domain.create('alpha', dangling), 400, 'DANGLING_REF');
      assert.deepEqual(await counts(db), before);
      // The same PON is free for another buyer.
      await domain.create('beta', order('C2', 'beta'));
    });

    it('keeps every version: create, the seed\'s PUT example (referring to item 02 of version 1) and a patch', async () => {
      const created = await domain.create('alpha', order('V1'));
      const put = await domain.replace('alpha', created.id, supplemental('V1'));
      assert.ok(v.response_updateOrder_200(put), JSON.stringify(v.response_updateOrder_200.errors));
      assert.equal(put.buyerOrderVersion, '2');
      assert.equal(put.orderItems.length, 1);
      const patched = await domain.patch('alpha', created.id, { notes: 'patched', buyerOrderVersion: '3' });
      assert.equal(patched.notes, 'patched');
      const history = await domain.history('alpha', created.id);
      assert.deepEqual(history.map((h) => [h.revision, h.buyerOrderVersion, h.change]), [[1, '1', 'CREATE'], [2, '2', 'PUT'], [3, '3', 'PATCH']]);
      assert.deepEqual(history[0].document, order('V1'));
      assert.deepEqual(history[1].document, supplemental('V1'));
      const items = await db(ITEMS).where({ order_id: created.id }).orderBy(['revision', 'position']);
      assert.deepEqual(items.map((i: any) => [Number(i.revision), i.order_item_reference, i.detail_type]), [
        [1, '01', 'accessEplProductOrder'],
        [1, '02', 'uniProductOrder'],
        [2, '01', 'accessEplProductOrder'],
        [3, '01', 'accessEplProductOrder'],
      ]);
    });

    it('refuses a PUT with a used version or another PON, and a patch of read-only members or to an invalid order, changing nothing', async () => {
      const created = await domain.create('alpha', order('R1'));
      await domain.replace('alpha', created.id, supplemental('R1'));
      const before = await counts(db);
      const current = await domain.get('alpha', created.id);
      await rejects(domain.replace('alpha', created.id, supplemental('R1')), 409, 'SAME_VERSION');
      await rejects(domain.replace('alpha', created.id, { ...supplemental('R1'), buyerOrderVersion: '1' }), 409, 'SAME_VERSION');
      await rejects(domain.replace('alpha', created.id, { ...supplemental('R2'), buyerOrderVersion: '5' }), 400, 'PON_MISMATCH');
      await rejects(domain.replace('alpha', created.id, { ...supplemental('R1', 'beta'), buyerOrderVersion: '5' }), 403, 'WRONG_BUYER');
      await rejects(domain.patch('alpha', created.id, { orderStatus: 'COMPLETED' }), 400, 'READ_ONLY');
      await rejects(domain.patch('alpha', created.id, { buyerId: 'beta' }), 400, 'READ_ONLY');
      await rejects(domain.patch('alpha', created.id, { orderItems: [] }), 400, 'INVALID');
      await rejects(domain.patch('alpha', created.id, { buyerOrderVersion: '1' }), 409, 'SAME_VERSION');
      await rejects(domain.replace('beta', created.id, supplemental('R1', 'beta')), 404, 'NOT_FOUND');
      assert.deepEqual(await counts(db), before);
      assert.deepEqual(await domain.get('alpha', created.id), current);
      // Unchanged read-only members may be sent back as they are.
      const same = await domain.patch('alpha', created.id, { id: created.id, orderStatus: 'IN_PROGRESS', notes: 'ok' });
      assert.equal(same.notes, 'ok');
    });

    it('follows the state machine: hold/release/cancel where allowed, 409 BAD_STATE elsewhere, nothing leaves CANCELLED', async () => {
      const { id } = await domain.create('alpha', order('S1'));
      await rejects(domain.transition('alpha', id, 'release'), 409, 'BAD_STATE');
      assert.equal((await domain.transition('alpha', id, 'hold')).orderStatus, 'HELD');
      await rejects(domain.transition('alpha', id, 'hold'), 409, 'BAD_STATE');
      assert.equal((await domain.transition('alpha', id, 'release')).orderStatus, 'IN_PROGRESS');
      assert.equal((await domain.transition('alpha', id, 'hold')).orderStatus, 'HELD');
      assert.equal((await domain.transition('alpha', id, 'cancel')).orderStatus, 'CANCELLED');
      for (const action of ['hold', 'release', 'cancel'] as const) await rejects(domain.transition('alpha', id, action), 409, 'BAD_STATE');
      await rejects(domain.replace('alpha', id, supplemental('S1')), 409, 'BAD_STATE');
      await rejects(domain.patch('alpha', id, { notes: 'late' }), 409, 'BAD_STATE');
      await rejects(domain.transition('beta', id, 'cancel'), 404, 'NOT_FOUND');
      assert.equal((await domain.get('alpha', id)).orderStatus, 'CANCELLED');
    });

    it('concurrent creates with one PON make one order; concurrent PUTs with one new version make one version', async () => {
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => domain.create('alpha', order('RACE'))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as ApiError).code, 'PON_IN_USE');
      const { id } = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<any>).value;
      const puts = await Promise.allSettled(Array.from({ length: 4 }, () => domain.replace('alpha', id, supplemental('RACE'))));
      assert.equal(puts.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of puts) if (r.status === 'rejected') assert.equal((r.reason as ApiError).code, 'SAME_VERSION');
      assert.equal((await domain.history('alpha', id)).length, 2);
    });

    it('lists only the buyer\'s orders, newest first, with available and returned', async () => {
      const a = await domain.create('alpha', order('L1'));
      clock.advance(1);
      const b = await domain.create('alpha', order('L2'));
      await domain.create('beta', order('L3', 'beta'));
      const list = await domain.list('alpha', 0, 2);
      assert.ok(v.response_listOrders_200(list), JSON.stringify(v.response_listOrders_200.errors));
      assert.deepEqual(list.items.map((o) => o.id), [b.id, a.id]);
      assert.equal(list.returned, 2);
      const all = await domain.list('alpha', 0, 200);
      assert.equal(all.available, all.items.length);
      assert.ok(all.items.every((o) => o.buyerId === 'alpha'));
      assert.equal((await domain.list('alpha', 1, 1)).items[0].id, a.id);
    });

    it('the fulfilment simulator completes orders IN_PROGRESS for the step, by the clock; a HELD order waits', async () => {
      const first = await domain.create('alpha', order('F1'));
      const held = await domain.create('alpha', order('F2'));
      await domain.transition('alpha', held.id, 'hold');
      clock.advance(5);
      await domain.simulateStep(10);
      assert.equal((await domain.get('alpha', first.id)).orderStatus, 'IN_PROGRESS');
      clock.advance(6);
      await domain.simulateStep(10);
      assert.equal((await domain.get('alpha', first.id)).orderStatus, 'COMPLETED');
      assert.equal((await domain.get('alpha', held.id)).orderStatus, 'HELD');
      await domain.transition('alpha', held.id, 'release');
      clock.advance(9);
      await domain.simulateStep(10);
      assert.equal((await domain.get('alpha', held.id)).orderStatus, 'IN_PROGRESS');
      clock.advance(2);
      await domain.simulateStep(10);
      assert.equal((await domain.get('alpha', held.id)).orderStatus, 'COMPLETED');
    });
  });
}
