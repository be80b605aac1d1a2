/** The reference server's shared conventions, over real HTTP, on SQLite and on PostgreSQL. */
import assert from 'node:assert/strict';
import { startTestServer, type Backend, type TestServer } from '../helpers/server.js';

const alpha = 'Basic ' + Buffer.from('alpha:alpha-secret').toString('base64');

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`reference server conventions (${backend})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ backend });
    });
    after(async () => server?.stop());

    it('serves browsable docs for the three specs at /docs', async () => {
      const index = await fetch(`${server.url}/docs/`);
      assert.equal(index.status, 200);
      const html = await index.text();
      for (const api of ['cart', 'activation', 'ethernet']) {
        assert.match(html, new RegExp(`href="${api}"`));
        const page = await fetch(`${server.url}/docs/${api}`);
        assert.equal(page.status, 200);
        assert.match(await page.text(), /Rule catalogue/);
        const yaml = await fetch(`${server.url}/docs/${api}/openapi.yaml`);
        assert.match(await yaml.text(), /^openapi: 3\.0\.3/m);
      }
    });

    it('answers 401 with WWW-Authenticate, in each API\'s error shape, without or with wrong credentials', async () => {
      const probes = {
        cart: '/cart/suppliers/x/orders/y',
        activation: '/activation/api/2.3.1/orders/00000000-0000-0000-0000-000000000000',
        ethernet: '/ethernet/orders/x',
      };
      for (const [api, path] of Object.entries(probes)) {
        for (const auth of [undefined, 'Basic ' + Buffer.from('alpha:wrong').toString('base64'), 'Bearer abc']) {
          const res = await fetch(server.url + path, { headers: auth ? { Authorization: auth } : {} });
          assert.equal(res.status, 401, `${api} ${auth ?? 'no credentials'}`);
          assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm=/);
          const body = await res.json();
          if (api === 'activation') assert.equal(typeof body.cause, 'string');
          if (api === 'cart') assert.ok(Array.isArray(body) && body[0].errorMessage, JSON.stringify(body));
        }
      }
    });

    it('moves time only through the test clock control endpoint', async () => {
      const before = (await (await fetch(`${server.clockUrl}`)).json()).now;
      const moved = await fetch(`${server.clockUrl}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ advanceSeconds: 3600 }),
      });
      const after = (await moved.json()).now;
      assert.ok(Date.parse(after) - Date.parse(before) >= 3600_000);
      const backwards = await fetch(`${server.clockUrl}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ set: '2000-01-01T00:00:00Z' }),
      });
      assert.equal(backwards.status, 400);
    });

    it("moves one API's time alone through its own clock endpoint, and every API's through /__clock", async () => {
      const read = async () => (await (await fetch(server.clockUrl!)).json()) as { now: string; apis: Record<string, string> };
      const move = (url: string, seconds: number) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advanceSeconds: seconds }) });
      const before = await read();
      const moved = await move(server.clockUrls!.cart, 86_400);
      assert.equal(moved.status, 200);
      const after = await read();
      const gone = (api: string) => Date.parse(after.apis[api]) - Date.parse(before.apis[api]);
      assert.ok(gone('cart') >= 86_400_000, `cart moved ${gone('cart')} ms`);
      for (const api of ['activation', 'ethernet']) assert.ok(gone(api) < 60_000, `${api} moved ${gone(api)} ms with the cart's clock`);
      await move(server.clockUrl!, 60);
      const all = await read();
      for (const api of ['cart', 'activation', 'ethernet']) assert.ok(Date.parse(all.apis[api]) - Date.parse(after.apis[api]) >= 60_000, `${api} did not move with /__clock`);
      const backwards = await fetch(server.clockUrls!.activation, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ set: '2000-01-01T00:00:00Z' }) });
      assert.equal(backwards.status, 400);
    });

    it('answers unknown paths inside an API with 404 in that API\'s shape', async () => {
      const res = await fetch(`${server.url}/activation/api/2.3.1/nothing-here`, { headers: { Authorization: alpha } });
      assert.equal(res.status, 404);
      assert.equal(typeof (await res.json()).cause, 'string');
    });
  });
}

describe('reference server without the test clock', () => {
  it('does not mount /__clock', async () => {
    const server = await startTestServer({ testClock: false });
    try {
      const res = await fetch(`${server.url}/__clock`);
      assert.equal(res.status, 404);
    } finally {
      await server.stop();
    }
  });
});
