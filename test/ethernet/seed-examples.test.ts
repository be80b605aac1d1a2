/** Every request and response example of seed 002 against the ethernet spec, and the rule catalogue's quotes. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadRules } from '../../conformance/framework/catalogue.js';
import * as v from '../../generated/ethernet/validators.js';
import { CREATE_EXAMPLE, PUT_EXAMPLE } from '../../conformance/ethernet/examples.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SHARED = path.resolve(ROOT, process.env.ORDERCERT_SHARED ?? '../shared');
const SEED = fs.readFileSync(path.join(SHARED, 'seeds/002_e9501ffeaccc0a3d.txt'), 'utf8');

/** The JSON examples of the seed, in document order, each with the heading of its section. */
function seedExamples(): Array<{ section: string; body: any }> {
  const out: Array<{ section: string; body: any }> = [];
  const re = /^### (.+)$|``` JSON\n([\s\S]*?)\n```/gm;
  let section = '';
  for (const m of SEED.matchAll(re)) {
    if (m[1]) section = m[1].trim();
    else out.push({ section, body: JSON.parse(m[2]) });
  }
  return out;
}

const errorsOf = (f: { errors?: unknown }) => JSON.stringify(f.errors, null, 1);

describe('ethernet: seed 002 examples', () => {
  const examples = seedExamples();
  const find = (section: string, i = 0) => examples.filter((e) => e.section === section)[i]?.body;

  it('finds the nine JSON examples of the seed', () => {
    assert.deepEqual(
      examples.map((e) => e.section),
      ['List all Orders', 'Get an Order', 'Create an Order', 'Create an Order', 'Update an Order', 'Update an Order', 'Cancel an order', 'Hold an order', 'Release a held order'],
    );
  });

  it('the list example validates as a listOrders 200 answer', () => {
    assert.ok(v.response_listOrders_200(find('List all Orders')), errorsOf(v.response_listOrders_200));
  });

  it('the get example validates as a listOrders 200 answer (?id= / ?pon=) and a getOrder 200 answer', () => {
    assert.ok(v.response_listOrders_200(find('Get an Order')), errorsOf(v.response_listOrders_200));
    assert.ok(v.response_getOrder_200(find('Get an Order')), errorsOf(v.response_getOrder_200));
  });

  it('the create request and response validate', () => {
    assert.ok(v.request_createOrder(find('Create an Order', 0)), errorsOf(v.request_createOrder));
    assert.ok(v.response_createOrder_201(find('Create an Order', 1)), errorsOf(v.response_createOrder_201));
  });

  it('the update (PUT) request and response validate', () => {
    assert.ok(v.request_updateOrder(find('Update an Order', 0)), errorsOf(v.request_updateOrder));
    assert.ok(v.response_updateOrder_200(find('Update an Order', 1)), errorsOf(v.response_updateOrder_200));
  });

  it('the cancel, hold and release responses validate as their 201 (and 200) answers', () => {
    const pairs: Array<[string, any, any, string]> = [
      ['Cancel an order', v.response_cancelOrder_201, v.response_cancelOrder_200, 'CANCELLED'],
      ['Hold an order', v.response_holdOrder_201, v.response_holdOrder_200, 'HELD'],
      ['Release a held order', v.response_releaseOrder_201, v.response_releaseOrder_200, 'IN_PROGRESS'],
    ];
    for (const [section, v201, v200, status] of pairs) {
      const body = find(section);
      assert.equal(body.orderStatus, status);
      assert.ok(v201(body), `${section}: ${errorsOf(v201)}`);
      assert.ok(v200(body), `${section}: ${errorsOf(v200)}`);
    }
  });

  it('the conformance suite carries exact copies of the create and PUT request examples', () => {
    assert.deepEqual(CREATE_EXAMPLE, find('Create an Order', 0));
    assert.deepEqual(PUT_EXAMPLE, find('Update an Order', 0));
  });

  it('the schema still rejects what it must: wrong enum, long errorCode, 21 items, a date with no time', () => {
    const create = structuredClone(find('Create an Order', 0));
    assert.equal(v.request_createOrder({ ...create, orderType: 'EVPL' }), false);
    assert.equal(v.request_createOrder({ ...create, orderDate: '2016-10-01' }), false);
    assert.equal(v.request_createOrder({ ...create, buyerOrderVersion: '123' }), false);
    const many = Array.from({ length: 21 }, (_, i) => ({ ...create.orderItems[1], orderItemReference: String(i) }));
    assert.equal(v.request_createOrder({ ...create, orderItems: many }), false);
    const badDetail = structuredClone(create);
    badDetail.orderItems[0].orderItemDetail.objectType = 'somethingElse';
    assert.equal(v.request_createOrder(badDetail), false);
    const badRef = structuredClone(create);
    badRef.orderItems[0].orderItemDetail.uniReference = { objectType: 'existingUniReference' };
    assert.equal(v.request_createOrder(badRef), false);
    const error = { objectType: 'errorResponse', orderMessages: [{ objectType: 'orderMessage', errorCode: 'THIRTEEN_CHAR', errorSeverity: 'ERROR' }] };
    assert.equal(v.response_getOrder_404(error), false);
    assert.equal(v.response_createOrder_201({ ...find('Create an Order', 1), orderStatus: undefined }), false);
  });

  it('the seed\'s paths and query parameters are in the spec', () => {
    const spec = YAML.parse(fs.readFileSync(path.join(ROOT, 'specs/ethernet/openapi.yaml'), 'utf8'));
    for (const m of SEED.matchAll(/^\| .+ \| (GET|POST|PUT|PATCH) (\S+) \|$/gm)) {
      assert.ok(spec.paths[m[2]]?.[m[1].toLowerCase()], `${m[1]} ${m[2]} is not in the spec`);
    }
    const names = spec.paths['/orders'].get.parameters.map((p: any) => p.name);
    for (const name of ['buyerId', 'id', 'pon']) assert.ok(names.includes(name));
  });

  it('every quote of the rule catalogue is word for word in its source', () => {
    const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
    const rules = loadRules('ethernet') // `source` is the local copy the quote comes from;
    assert.ok(rules.length > 0);
    for (const r of rules) {
      assert.match(r.id, /^ETH-/);
      const file = r.source.startsWith('reference/') ? path.join(SHARED, r.source) : path.join(SHARED, 'seeds', r.source);
      assert.ok(squash(fs.readFileSync(file, 'utf8')).includes(squash(r.quote)), `${r.id}: quote not found in ${r.source}`);
    }
  });
});
