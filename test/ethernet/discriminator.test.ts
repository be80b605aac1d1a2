/**
 * Request validation follows each oneOf's declared discriminator: for every choice of every discriminated oneOf in
 * the three specs, an order whose chosen branch breaks one member answers 400 whose first message names that
 * member by its path (not another branch's objectType).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { CREATE_EXAMPLE } from '../../conformance/ethernet/examples.js';
import { DEMO_CREDENTIALS } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const specOf = (api: string) => YAML.parse(fs.readFileSync(path.join(ROOT, 'specs', api, 'openapi.yaml'), 'utf8'));

interface Choice {
  /** `<schema>.<property>` holding the discriminated oneOf. */
  owner: string;
  discriminator: string;
  branches: string[];
}

/** Every property of a component schema that is a oneOf with a discriminator. */
function discriminatedChoices(spec: any): Choice[] {
  const found: Choice[] = [];
  for (const [name, schema] of Object.entries<any>(spec.components?.schemas ?? {})) {
    for (const [prop, sub] of Object.entries<any>(schema.properties ?? {})) {
      if (sub?.oneOf && sub.discriminator) {
        found.push({ owner: `${name}.${prop}`, discriminator: sub.discriminator.propertyName, branches: sub.oneOf.map((b: any) => String(b.$ref).split('/').pop()) });
      }
    }
  }
  return found;
}

/** Where each choice sits in the create example (a JSON pointer below the body). */
const PLACES: Record<string, string> = {
  'orderItem.orderItemDetail': '/orderItems/1/orderItemDetail',
  'accessEplProductOrder.enniReference': '/orderItems/0/orderItemDetail/enniReference',
  'accessEplProductOrder.uniReference': '/orderItems/0/orderItemDetail/uniReference',
  'billingInformation.billingAddress': '/billingInfo/billingAddress',
  'serviceSiteInformation.siteAddress': '/orderItems/1/orderItemDetail/serviceSiteInformation/siteAddress',
};

/** A branch instance whose required members are valid and whose first bounded member is one past its bound. */
function brokenInstance(spec: any, branch: string, tag: string): { value: Record<string, unknown>; member: string } {
  const schema = spec.components.schemas[branch];
  const props = Object.entries<any>(schema.properties ?? {}).filter(([k]) => k !== tag);
  const bounded = props.find(([, p]) => p.maxLength !== undefined || p.minimum !== undefined);
  assert.ok(bounded, `${branch} has no member with a bound to break`);
  const [member, p] = bounded;
  const value: Record<string, unknown> = { [tag]: branch };
  for (const [k, s] of props.filter(([k]) => (schema.required ?? []).includes(k))) {
    value[k] = s.type === 'string' ? 'A'.repeat(Math.max(1, s.minLength ?? 1)) : s.type === 'boolean' ? true : (s.minimum ?? 0);
  }
  value[member] = p.maxLength !== undefined ? 'x'.repeat(p.maxLength + 1) : p.minimum - 1;
  return { value, member };
}

function setAt(doc: any, pointer: string, value: unknown) {
  const parts = pointer.split('/').slice(1);
  let at = doc;
  for (const part of parts.slice(0, -1)) at = at[part] ??= {};
  at[parts[parts.length - 1]] = value;
}

describe('ethernet: a 400 names the broken member of the chosen oneOf branch first', function () {
  const spec = specOf('ethernet');
  const choices = discriminatedChoices(spec);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ backend: 'sqlite' });
  });
  after(async () => {
    await server?.stop();
  });

  it('knows where every discriminated oneOf of the three specs sits (none in cart and activation)', () => {
    assert.deepEqual(discriminatedChoices(specOf('cart')), []);
    assert.deepEqual(discriminatedChoices(specOf('activation')), []);
    assert.deepEqual(choices.map((c) => c.owner).sort(), Object.keys(PLACES).sort());
  });

  for (const choice of choices) {
    for (const branch of choice.branches) {
      it(`${choice.owner} as ${branch}`, async () => {
        const place = PLACES[choice.owner];
        const { value, member } = brokenInstance(spec, branch, choice.discriminator);
        const order = structuredClone(CREATE_EXAMPLE);
        order.buyerId = DEMO_CREDENTIALS[0].user;
        order.sellerId = 'ordercert-seller';
        order.buyerPurchaseOrderNumber = `PO-${Math.random().toString(36).slice(2, 10)}`;
        setAt(order, place, value);
        const { user, secret } = DEMO_CREDENTIALS[0];
        const res = await fetch(`${server.apis.ethernet}/orders`, {
          method: 'POST',
          headers: { Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(order),
        });
        const body: any = await res.json();
        assert.equal(res.status, 400, JSON.stringify(body));
        const first = String(body.orderMessages?.[0]?.errorDescription ?? '');
        assert.ok(first.startsWith(`/body${place}/${member} `), `first message: ${first}\nall: ${JSON.stringify(body.orderMessages)}`);
      });
    }
  }
});
