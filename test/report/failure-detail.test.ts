/**
 * What a failure shows: bodies cut only between members (never inside a value), and the all-or-nothing failures
 * naming the members that differ by JSON pointer.
 */
import assert from 'node:assert/strict';
import { excerpt } from '../../conformance/framework/excerpt.js';
import { runSuiteAgainst } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The excerpt with its `…` marks taken out must parse: every value it shows is whole. */
const wholeValues = (text: string) => JSON.parse(text.replace(/, …/g, '').replace(/…/g, ''));

describe('failure detail', () => {
  const order = {
    orderId: 'ord-1',
    status: 'ON_HOLD',
    bookings: Array.from({ length: 6 }, (_, i) => ({ uuid: `0b1c2d3e-0000-4000-8000-00000000000${i}`, status: i === 4 ? 'CONFIRMED' : 'ON_HOLD', note: 'a "quoted", long note'.repeat(3) })),
    errors: [{ errorCode: 'core/9001', message: 'x'.repeat(400) }],
  };

  it('cuts a body at a member boundary, at any length, and marks what it left out', () => {
    for (const max of [20, 60, 100, 160, 200, 300, 500]) {
      const text = excerpt(JSON.stringify(order), max);
      assert.ok(text.length <= max, `${text.length} > ${max}: ${text}`);
      assert.ok(text.includes('…'), text);
      wholeValues(text);
    }
    assert.match(excerpt(JSON.stringify(order), 300), /^\{"orderId": "ord-1", "status": "ON_HOLD", "bookings": \[\{"uuid": "0b1c2d3e-0000-4000-8000-000000000000", /);
    // A long string is left out whole, not cut.
    assert.equal(excerpt(order.errors, 100), '[{"errorCode": "core/9001", …}]');
    assert.equal(excerpt('{"a": 1}', 100), '{"a": 1}');
    assert.equal(excerpt('not json at all, a plain error page', 20), 'not json at all, a …');
  });

  describe('against a cart that confirms bookings one by one', function () {
    this.timeout(60_000);
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ variant: 'cart-partial-confirm' });
    });
    after(() => server?.stop());

    it('an all-or-nothing failure lists the booking members that differ by JSON pointer', async () => {
      // The hand-written checks of the rule compare the order member by member; the sweep's cases report what they saw.
      const { results } = await runSuiteAgainst(server, ['cart'], { grep: /^CART-ORDER-ALL-OR-NOTHING$/, checks: (c) => !c.id.startsWith('sweep-') });
      const failed = results.filter((r) => r.outcome === 'fail');
      assert.ok(failed.length > 0, 'the partial confirm is caught');
      for (const r of failed) {
        assert.ok(r.differences?.length, `${r.check} shows no differing members: ${r.message}`);
        assert.ok(r.differences!.every((line) => /^\/(status|bookings\/\d+\/\w+|utcExpiresAt)|^… and/.test(line)), r.differences!.join('\n'));
      }
    });
  });
});
