/** Cart input and responses: invalid requests are refused and change nothing; answers match the spec. */
import { inBatches, invalidBodies } from '../framework/body-probes.js';
import type { Check, CheckContext } from '../framework/check.js';
import {
  bookingBody,
  bookingPath,
  bookingsPath,
  buildOrder,
  CART,
  CONFIRM,
  createBooking,
  expectError,
  expectRefusedUnchanged,
  extendBody,
  orderPath,
  SCHEMA_RULE,
} from './helpers.js';

export const inputChecks: Check[] = [
  ...([
    ['no-reason', { holdExpirationMinutes: 10 }],
    ['no-minutes', { reason: 'CUSTOMER_REQUESTED' }],
  ] as Array<[string, unknown]>).map(
    ([name, body]): Check => ({
      id: `extend-${name}-is-refused`,
      rule: 'CART-ORDER-EXTEND-INPUT',
      title: `order extend with ${name.replace('-', ' ')} answers 400 and changes nothing`,
      run: async (t: CheckContext) => {
        const { orderId } = await buildOrder(t, [30, 30]);
        await expectRefusedUnchanged(t, orderId, `extend with ${name}`, () => t.alpha.post(orderPath(t, orderId, 'extend'), body, { skipSchema: true }), [400]);
      },
    }),
  ),
  ...([
    ['no-contact', {}],
    ['contact-without-email', { contact: { fullName: 'No Mail' } }],
  ] as Array<[string, unknown]>).map(
    ([name, body]): Check => ({
      id: `confirm-${name}-is-refused`,
      rule: 'CART-ORDER-CONFIRM-CONTACT',
      title: `order confirm with ${String(name).replace(/-/g, ' ')} answers 400 and changes nothing`,
      run: async (t: CheckContext) => {
        const { orderId } = await buildOrder(t, [30, 30]);
        await expectRefusedUnchanged(t, orderId, `confirm with ${name}`, () => t.alpha.post(orderPath(t, orderId, 'confirm'), body, { skipSchema: true }), [400]);
      },
    }),
  ),
  ...([
    ['no-body', undefined],
    ['no-reason', { reasonDetails: 'no reason given' }],
  ] as Array<[string, unknown]>).map(
    ([name, body]): Check => ({
      id: `cancel-${name}-is-refused`,
      rule: 'CART-ORDER-CANCEL-REASON',
      title: `order DELETE with ${String(name).replace('-', ' ')} answers 400 and changes nothing`,
      run: async (t: CheckContext) => {
        const { orderId } = await buildOrder(t, [30, 30]);
        await expectRefusedUnchanged(t, orderId, `DELETE with ${name}`, () => t.alpha.delete(orderPath(t, orderId), body, { skipSchema: true }), [400]);
      },
    }),
  ),
  {
    id: 'invalid-create-400',
    rule: 'CART-BAD-INPUT',
    title: 'an invalid create answers 400 with the error array and creates nothing',
    run: async (t: CheckContext) => {
      const uuid = t.uuid();
      const body: any = bookingBody(t, { uuid });
      delete body.productId;
      const ex = await t.alpha.post(bookingsPath(t), body, { skipSchema: true });
      expectError(t, ex, 'create without productId', [400]);
      const wrongType = await t.alpha.post(bookingsPath(t), { ...bookingBody(t, { uuid }), unitItems: 'adult' }, { skipSchema: true });
      expectError(t, wrongType, 'create with unitItems as a string', [400]);
      const ghost = await t.alpha.get(bookingPath(t, uuid));
      t.expectStatus(ghost, 404, 'GET of the booking the invalid creates asked for');
    },
  },
  {
    id: 'unknown-catalogue-ids-are-refused',
    rule: 'CART-BAD-INPUT',
    title: "a create naming a product, option, availability or unit the supplier does not have is refused and creates nothing",
    run: async (t: CheckContext) => {
      // Each id well-formed but unknown: a server that looks only at the form (or at some of the ids) books a place
      // that does not exist. 400 (invalid input) or 404 (the named thing is not found): the spec documents both.
      const unknown = t.uid('no-such-');
      const probes: Array<[string, (body: any) => void]> = [
        ['productId', (b) => (b.productId = unknown)],
        ['optionId', (b) => (b.optionId = unknown)],
        ['availabilityId', (b) => (b.availabilityId = unknown)],
        ['unitId', (b) => (b.unitItems = [{ unitId: unknown }])],
      ];
      for (const [member, change] of probes) {
        const uuid = t.uuid();
        const body = bookingBody(t, { uuid });
        change(body);
        const ex = await t.alpha.post(bookingsPath(t), body, { skipSchema: true });
        expectError(t, ex, `create with an unknown ${member} ("${unknown}")`, [400, 404]);
        const ghost = await t.alpha.get(bookingPath(t, uuid));
        t.expectStatus(ghost, 404, `GET of the booking the create with an unknown ${member} asked for`);
      }
    },
  },
  {
    id: 'wrong-types-400',
    rule: 'CART-BAD-INPUT',
    title: 'members of the wrong JSON type (a number as text, text as a number) answer 400 and create or change nothing',
    run: async (t: CheckContext) => {
      // A validator that coerces types turns "30" into 30: the spec's types are the contract, not what can be parsed.
      const probes: Array<[string, Record<string, unknown>]> = [
        ['holdExpirationMinutes as text ("30")', { holdExpirationMinutes: '30' }],
        ['resellerReference as a number', { resellerReference: 12345 }],
      ];
      for (const [what, change] of probes) {
        const uuid = t.uuid();
        const ex = await t.alpha.post(bookingsPath(t), { ...bookingBody(t, { uuid }), ...change }, { skipSchema: true });
        expectError(t, ex, `create with ${what}`, [400]);
        const ghost = await t.alpha.get(bookingPath(t, uuid));
        t.expectStatus(ghost, 404, `GET of the booking the create with ${what} asked for`);
      }
      const { orderId } = await buildOrder(t, [30]);
      await expectRefusedUnchanged(t, orderId, 'extend with holdExpirationMinutes as text ("10")', () => t.alpha.post(orderPath(t, orderId, 'extend'), { ...extendBody(10), holdExpirationMinutes: '10' }, { skipSchema: true }), [400]);
    },
  },
  {
    id: 'malformed-json-400',
    rule: 'CART-BAD-INPUT',
    title: 'malformed JSON on an order operation answers 400 and changes nothing',
    run: async (t: CheckContext) => {
      const { orderId } = await buildOrder(t, [30]);
      await expectRefusedUnchanged(t, orderId, 'order confirm with malformed JSON', () => t.alpha.request('POST', orderPath(t, orderId, 'confirm'), { rawBody: '{"contact": {', skipSchema: true }), [400]);
    },
  },
  {
    id: 'responses-match-spec',
    rule: SCHEMA_RULE,
    title: 'bookings, orders and errors match the spec',
    // Judges shapes only: every answer below is validated against the spec by the client. Which status
    // each answer should have is other rules' business, so a wrong status here is not this rule's failure.
    run: async (t: CheckContext) => {
      const { orderId, uuids } = await buildOrder(t, [30, 30]);
      await t.alpha.get(bookingPath(t, uuids[0]));
      await t.alpha.get(orderPath(t, orderId));
      await t.alpha.post(bookingPath(t, uuids[1], 'confirm'), CONFIRM);
      await t.alpha.post(orderPath(t, orderId, 'confirm'), CONFIRM);
      await t.alpha.get(orderPath(t, t.uid('missing-')));
      const plain = t.uuid();
      await createBooking(t, { uuid: plain });
      await t.alpha.post(bookingPath(t, plain, 'extend'), extendBody(5));
      await t.anonymous.get(orderPath(t, orderId));
    },
  },
  {
    id: 'bodies-breaking-the-schema-are-refused',
    rule: 'CART-BAD-INPUT',
    title: "create, extend, confirm and cancel bodies that break the spec's schema in one place (a member left out, of another type, outside its values, a fraction for an integer) answer 400 and create or change nothing",
    async run(t: CheckContext) {
      // Each create probe gets a uuid and an order of its own, so that whatever one leaves behind is its own.
      const template = bookingBody(t, { orderId: 'template-order' });
      await inBatches(invalidBodies('cart', 'createBooking', template), 8, async ({ what, body }) => {
        const uuid = t.uuid();
        const orderId = t.uid('ord-');
        const sent: any = body && typeof body === 'object' ? { ...body } : body;
        if (sent?.uuid === template.uuid) sent.uuid = uuid;
        if (sent?.orderId === template.orderId) sent.orderId = orderId;
        const ex = await t.alpha.post(bookingsPath(t), sent, { headers: CART, skipSchema: true });
        expectError(t, ex, `a create with ${what}`, [400]);
        t.expectStatus(await t.alpha.get(bookingPath(t, uuid), { skipSchema: true }), 404, `GET of the booking the create with ${what} asked for`);
        t.expectStatus(await t.alpha.get(orderPath(t, orderId), { skipSchema: true }), 404, `GET of the order the create with ${what} named`);
      });
      const { orderId } = await buildOrder(t, [30]);
      const ops: Array<[string, string, unknown, (body: unknown) => Promise<any>]> = [
        ['extendOrder', 'extend', extendBody(10), (body) => t.alpha.post(orderPath(t, orderId, 'extend'), body, { skipSchema: true })],
        ['confirmOrder', 'confirm', CONFIRM, (body) => t.alpha.post(orderPath(t, orderId, 'confirm'), body, { skipSchema: true })],
        ['cancelOrder', 'DELETE', { reason: 'CUSTOMER', reasonDetails: 'ordercert' }, (body) => t.alpha.delete(orderPath(t, orderId), body, { skipSchema: true })],
      ];
      for (const [operationId, name, valid, send] of ops) {
        for (const { what, body } of invalidBodies('cart', operationId, valid)) await expectRefusedUnchanged(t, orderId, `order ${name} with ${what}`, () => send(body), [400]);
      }
    },
  },
];
