/**
 * Tenancy matrix: every operation of every API, performed by tenant B on tenant A's resources, is
 * refused without revealing that the resource exists (404, as for an id that never existed), and
 * changes nothing.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { CREATE_EXAMPLE, PUT_EXAMPLE } from '../../conformance/ethernet/examples.js';
import { snapshot } from '../helpers/db-snapshot.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const as = (user: string) => ({ Authorization: 'Basic ' + Buffer.from(`${user}:${user}-secret`).toString('base64'), 'Content-Type': 'application/json' });
const SUP = '/suppliers/demo-supplier';
const CONTACT = { fullName: 'Tenancy Test', emailAddress: 't@example.com', phoneNumber: '+46700000000', locales: ['en'] };

async function call(user: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method, headers: { ...as(user), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

interface Attempt {
  name: string;
  method: string;
  url: string;
  body?: unknown;
  /** The same request on an id that never existed, whose answer B's must not differ from. */
  unknownUrl: string;
}

describe('tenancy matrix: tenant B on tenant A\'s resources', function () {
  this.timeout(120_000);
  let server: TestServer;
  const attempts: Attempt[] = [];

  before(async () => {
    server = await startTestServer();
    const { cart, activation, ethernet } = server.apis;
    // Tenant A's resources: an order of two bookings, a finished activation order, an ethernet order.
    const orderId = `ten-${crypto.randomBytes(4).toString('hex')}`;
    const uuid = crypto.randomUUID();
    for (const u of [uuid, crypto.randomUUID()]) {
      const res = await call('alpha', 'POST', `${cart}${SUP}/bookings`, {
        uuid: u, channelName: 'tenancy', productId: 'demo-tour', optionId: 'DEFAULT', availabilityId: 'slot-open',
        unitItems: [{ unitId: 'adult' }], holdExpirationMinutes: 30, orderId,
      }, { 'X-Capabilities': 'redeam/cart' });
      assert.ok(res.status < 300, JSON.stringify(res));
    }
    const placed = await call('alpha', 'POST', `${activation}/api/2.3.1/orders/`, { accessId: 'STTA0190', service: 'IPTV-BASIC', operation: 'ACTIVATE', forcedTakeover: false });
    assert.ok(placed.status < 300, JSON.stringify(placed));
    await fetch(server.clockUrl!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 60 }) });
    let events: any[] = [];
    for (let i = 0; i < 100 && events.length === 0; i++) {
      events = (await call('alpha', 'GET', `${activation}/api/2.3.1/orderevents/`)).body;
      if (!events.length) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(events.length > 0, 'tenant A has no event');
    const pon = `PT${crypto.randomBytes(4).toString('hex')}`;
    const created = await call('alpha', 'POST', `${ethernet}/orders`, { ...CREATE_EXAMPLE, buyerId: 'alpha', buyerPurchaseOrderNumber: pon });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const ethId = created.body.id;

    const both = (name: string, method: string, known: string, unknown: string, body?: unknown) => attempts.push({ name, method, url: known, unknownUrl: unknown, body });
    const c = `${cart}${SUP}`;
    const nobody = crypto.randomUUID();
    both('cart GET booking', 'GET', `${c}/bookings/${uuid}`, `${c}/bookings/${nobody}`);
    both('cart extend booking', 'POST', `${c}/bookings/${uuid}/extend`, `${c}/bookings/${nobody}/extend`, { reason: 'OTHER', holdExpirationMinutes: 10 });
    both('cart confirm booking', 'POST', `${c}/bookings/${uuid}/confirm`, `${c}/bookings/${nobody}/confirm`, { contact: CONTACT });
    both('cart cancel booking', 'POST', `${c}/bookings/${uuid}/cancel`, `${c}/bookings/${nobody}/cancel`, { reason: 'CUSTOMER' });
    both('cart GET order', 'GET', `${c}/orders/${orderId}`, `${c}/orders/no-such-order`);
    both('cart extend order', 'POST', `${c}/orders/${orderId}/extend`, `${c}/orders/no-such-order/extend`, { reason: 'OTHER', holdExpirationMinutes: 10 });
    both('cart confirm order', 'POST', `${c}/orders/${orderId}/confirm`, `${c}/orders/no-such-order/confirm`, { contact: CONTACT });
    both('cart cancel order', 'DELETE', `${c}/orders/${orderId}`, `${c}/orders/no-such-order`, { reason: 'CUSTOMER' });
    const a = `${activation}/api/2.3.1`;
    both('activation GET order', 'GET', `${server.apis.activation}${placed.body.path}`, `${a}/orders/${crypto.randomUUID()}`);
    both('activation feed since A\'s event', 'GET', `${a}/orderevents/?since=${encodeURIComponent(events[0].event)}`, `${a}/orderevents/?since=no-such-event`);
    const e = `${ethernet}/orders`;
    both('ethernet GET order', 'GET', `${e}/${ethId}`, `${e}/NO-SUCH-ORDER`);
    both('ethernet GET ?id=', 'GET', `${e}?id=${ethId}`, `${e}?id=NO-SUCH-ORDER`);
    both('ethernet GET ?pon=', 'GET', `${e}?pon=${pon}`, `${e}?pon=NOSUCHPON`);
    both('ethernet PUT', 'PUT', `${e}/${ethId}`, `${e}/NO-SUCH-ORDER`, { ...PUT_EXAMPLE, buyerId: 'beta', buyerPurchaseOrderNumber: pon });
    both('ethernet PATCH', 'PATCH', `${e}/${ethId}`, `${e}/NO-SUCH-ORDER`, { notes: 'changed by another buyer' });
    for (const op of ['hold', 'release', 'cancel']) both(`ethernet ${op}`, 'POST', `${e}/${ethId}/${op}`, `${e}/NO-SUCH-ORDER/${op}`);
  });
  after(async () => server?.stop());

  it('refuses every operation exactly as for an id that never existed, and changes nothing', async () => {
    const before = await snapshot(server.databaseUrl);
    const leaks: string[] = [];
    for (const attempt of attempts) {
      const mine = await call('beta', attempt.method, attempt.url, attempt.body);
      const never = await call('beta', attempt.method, attempt.unknownUrl, attempt.body);
      if (mine.status < 400 || mine.status !== never.status) {
        leaks.push(`${attempt.name}: ${mine.status} on A's resource, ${never.status} on an unknown one (${JSON.stringify(mine.body).slice(0, 160)})`);
      }
    }
    assert.deepEqual(leaks, []);
    assert.equal(await snapshot(server.databaseUrl), before, 'tenant B changed the database');
  });

  it('keeps the lists of one tenant free of the other\'s data', async () => {
    const services = await call('beta', 'GET', `${server.apis.activation}/api/2.3.1/services/`);
    assert.equal(services.status, 200);
    assert.ok(!services.body.some((s: any) => s.accessId === 'STTA0190'), 'B sees A\'s active service');
    const access = await call('beta', 'GET', `${server.apis.activation}/api/2.3.1/accesses/STTA0190`);
    assert.equal(access.status, 200);
    assert.deepEqual(access.body.active ?? [], [], 'B sees A\'s service among the active ones of an access');
    const feed = await call('beta', 'GET', `${server.apis.activation}/api/2.3.1/orderevents/`);
    assert.ok(!feed.body.some((ev: any) => ev.order.accessId === 'STTA0190'), 'B sees A\'s event');
    const list = await call('beta', 'GET', `${server.apis.ethernet}/orders`, undefined);
    assert.equal(list.status, 200);
    assert.ok(list.body.items.every((o: any) => o.buyerId === 'beta'), 'B lists another buyer\'s order');
    const other = await call('beta', 'GET', `${server.apis.ethernet}/orders?buyerId=alpha`);
    assert.ok(other.status === 403 || (other.status === 200 && other.body.items.length === 0), `B asked for A's list: ${other.status}`);
  });
});
