/**
 * Ethernet limits at their edge: every documented length and range of an order's own members, and the number of
 * items, taken from the spec (orderFields in specs/ethernet/openapi.yaml): the limit is accepted, one over it is
 * refused and creates nothing. An over-limit request's answer is judged on its status first (skipSchema), so a
 * server that accepts it fails the limit rule, not the schema rule.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Check, CheckContext } from '../framework/check.js';
import { packageRoot } from '../framework/package-root.js';
import { coherentItems, createOrder, expectNotCreated, expectRefused, INVALID_ORDER, orderBody, type Order } from './support.js';

interface Limit {
  member: string;
  /** A value at the limit and one just past it. */
  atLimit: string | number;
  overLimit: string | number;
}

/** buyerId and sellerId are fixed by the tenant and the profile; the purchase order number's length has its own rule (ETH-PON-LENGTH). */
const FIXED = new Set(['buyerId', 'sellerId', 'objectType', 'buyerPurchaseOrderNumber']);

function documentedLimits(t: CheckContext): Limit[] {
  const spec = YAML.parse(fs.readFileSync(path.join(packageRoot(import.meta.url), 'specs', 'ethernet', 'openapi.yaml'), 'utf8'));
  const props: Record<string, any> = spec.components.schemas.orderFields.properties;
  const limits: Limit[] = [];
  for (const [member, schema] of Object.entries(props)) {
    if (FIXED.has(member)) continue;
    if (schema.type === 'string' && typeof schema.maxLength === 'number') {
      const unique = t.uid('L').toUpperCase();
      const fill = (n: number) => (unique + 'X'.repeat(n)).slice(0, n);
      limits.push({ member, atLimit: fill(schema.maxLength), overLimit: fill(schema.maxLength + 1) });
    }
    if (schema.type === 'integer' && typeof schema.maximum === 'number') limits.push({ member, atLimit: schema.maximum, overLimit: schema.maximum + 1 });
  }
  return limits;
}

function bodyWith(t: CheckContext, member: string, value: string | number): Order {
  const body = orderBody(t);
  body[member] = value;
  return body;
}

export const limitChecks: Check[] = [
  {
    id: 'order-member-limits-at-their-edge',
    rule: 'ETH-FIELD-LIMITS',
    title: "each order member's documented length or maximum is accepted, and one over it answers 400 and creates nothing",
    async run(t: CheckContext) {
      const limits = documentedLimits(t);
      t.expect(limits.length > 0, 'the spec names no limits of order members (a suite bug)');
      for (const limit of limits) {
        const at = bodyWith(t, limit.member, limit.atLimit);
        const accepted = await t.alpha.post('/orders', at, { skipSchema: true });
        t.expectStatus(accepted, 201, `an order whose ${limit.member} is at its limit (${String(limit.atLimit).length > 20 ? `${String(limit.atLimit).length} characters` : limit.atLimit})`);
        const over = bodyWith(t, limit.member, limit.overLimit);
        const refused = await t.alpha.post('/orders', over, { skipSchema: true });
        expectRefused(t, refused, INVALID_ORDER, `an order whose ${limit.member} is one over its limit (${typeof limit.overLimit === 'number' ? limit.overLimit : `${limit.overLimit.length} characters`})`);
        await expectNotCreated(t, over.buyerPurchaseOrderNumber, `an order whose ${limit.member} is over its limit`);
      }
      t.note(`limits probed: ${limits.map((l) => l.member).join(', ')}`);
    },
  },
  {
    id: 'twenty-items-accepted-twenty-one-refused',
    rule: 'ETH-ORDER-ITEMS-LIMIT',
    title: 'an order of 20 items is accepted; one of 21 answers 400 and is not created',
    async run(t: CheckContext) {
      const twenty = orderBody(t);
      twenty.orderItems = coherentItems(twenty, 10);
      const accepted = await t.alpha.post('/orders', twenty, { skipSchema: true });
      t.expectStatus(accepted, 201, 'an order of 20 items');
      const more = orderBody(t);
      more.orderItems = coherentItems(more, 10, 1);
      const refused = await t.alpha.post('/orders', more, { skipSchema: true });
      expectRefused(t, refused, INVALID_ORDER, 'an order of 21 items');
      await expectNotCreated(t, more.buyerPurchaseOrderNumber, 'an order of 21 items');
    },
  },
  {
    id: 'list-limit-at-its-edge',
    rule: 'ETH-FIELD-LIMITS',
    title: 'GET /orders with limit 200 answers 200; limit 201 answers 400',
    async run(t: CheckContext) {
      await createOrder(t, orderBody(t));
      const at = await t.alpha.get('/orders', { query: { limit: 200 } });
      t.expectStatus(at, 200, 'GET /orders?limit=200');
      t.expect((at.body?.items ?? []).length <= 200, 'more than 200 orders in one page', { actual: at.body?.items?.length, exchange: at });
      const over = await t.alpha.get('/orders', { query: { limit: 201 }, skipSchema: true });
      expectRefused(t, over, [400], 'GET /orders?limit=201');
    },
  },
];
