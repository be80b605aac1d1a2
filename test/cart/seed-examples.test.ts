/**
 * The seed's only literal example is the capability header `X-Capabilities: redeam/cart`; its request and
 * response bodies are described in words, and the reference gives their fields. This test proves the spec
 * documents the header and that the spec's own examples, and bodies built from the documented fields,
 * validate against the generated validators.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import YAML from 'yaml';
import * as v from '../../generated/cart/validators.js';

const spec = YAML.parse(fs.readFileSync(new URL('../../specs/cart/openapi.yaml', import.meta.url), 'utf8'));
const check = (fn: any, value: unknown, what: string) => assert.ok(fn(value), `${what}: ${JSON.stringify(fn.errors)}`);

describe('cart: the seed examples validate against the spec', () => {
  it('documents the X-Capabilities: redeam/cart header on create booking', () => {
    const header = spec.components.parameters.Capabilities;
    assert.equal(header.name, 'X-Capabilities');
    assert.equal(header.in, 'header');
    assert.equal(header.example, 'redeam/cart');
    assert.ok(spec.paths['/suppliers/{supplierId}/bookings'].post.parameters.some((p: any) => p.$ref === '#/components/parameters/Capabilities'));
  });

  it("the spec's examples are valid", () => {
    check(v.request_createBooking, spec.paths['/suppliers/{supplierId}/bookings'].post.requestBody.content['application/json'].examples.inOrder.value, 'create example');
    check(v.response_createBooking_201, spec.components.examples.BookingOnHold.value, 'booking example');
    check(v.response_getOrder_200, spec.components.examples.OrderOnHold.value, 'order example');
    check(v.response_confirmOrder_409, spec.components.responses.Conflict.content['application/json'].example, 'error example');
  });

  it('the bodies the seed describes (extend with reason and minutes, confirm with contact, cancel with reason) are valid', () => {
    check(v.request_extendOrder, { reason: 'CUSTOMER_REQUESTED', holdExpirationMinutes: 15 }, 'extend');
    check(v.request_confirmOrder, { contact: { fullName: 'A B', emailAddress: 'a@example.com', phoneNumber: '+1 555', locales: ['en'], country: 'US' } }, 'confirm');
    check(v.request_cancelOrder, { reason: 'CUSTOMER', reasonDetails: 'changed plans' }, 'cancel');
    assert.equal(v.request_extendOrder({ holdExpirationMinutes: 15 }), false, 'extend without a reason is invalid');
    assert.equal(v.request_extendOrder({ reason: 'OTHER' }), false, 'extend without minutes is invalid');
    assert.equal(v.request_confirmOrder({}), false, 'confirm without contact is invalid');
    assert.equal(v.request_cancelOrder({}), false, 'cancel without a reason is invalid');
  });

  it('every status of the seed and reference is in the enum', () => {
    assert.deepEqual(spec.components.schemas.Status.enum, ['ON_HOLD', 'EXPIRED', 'PENDING', 'REJECTED', 'CONFIRMED', 'CANCELLED']);
  });
});
