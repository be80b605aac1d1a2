/** The optional fulfilment simulator, through the server: off by default, driven by the test clock when on. */
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { CREATE_EXAMPLE } from '../../conformance/ethernet/examples.js';

const auth = { Authorization: 'Basic ' + Buffer.from('alpha:alpha-secret').toString('base64'), 'Content-Type': 'application/json' };

async function create(server: TestServer, pon: string): Promise<string> {
  const res = await fetch(`${server.apis.ethernet}/orders`, { method: 'POST', headers: auth, body: JSON.stringify({ ...CREATE_EXAMPLE, buyerId: 'alpha', buyerPurchaseOrderNumber: pon }) });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as any).id;
}
const statusOf = async (server: TestServer, id: string) => ((await (await fetch(`${server.apis.ethernet}/orders/${id}`, { headers: auth })).json()) as any).orderStatus;
const advance = (server: TestServer, seconds: number) =>
  fetch(server.clockUrl!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advanceSeconds: seconds }) });

async function waitFor(server: TestServer, id: string, status: string): Promise<string> {
  let last = '';
  for (let i = 0; i < 60; i++) {
    last = await statusOf(server, id);
    if (last === status) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

describe('ethernet fulfilment simulator', function () {
  this.timeout(60_000);

  it('with ETHERNET_STEP_SECONDS=30, an IN_PROGRESS order completes once the clock passes 30 s; a HELD one does not', async () => {
    const server = await startTestServer({ env: { ETHERNET_STEP_SECONDS: '30' } });
    try {
      const id = await create(server, 'SIM-1');
      const held = await create(server, 'SIM-2');
      assert.equal((await fetch(`${server.apis.ethernet}/orders/${held}/hold`, { method: 'POST', headers: auth })).status, 201);
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(await statusOf(server, id), 'IN_PROGRESS');
      await advance(server, 31);
      assert.equal(await waitFor(server, id, 'COMPLETED'), 'COMPLETED');
      assert.equal(await statusOf(server, held), 'HELD');
    } finally {
      await server.stop();
    }
  });

  it('is off by default: orders stay IN_PROGRESS however far the clock moves', async () => {
    const server = await startTestServer();
    try {
      const id = await create(server, 'SIM-3');
      await advance(server, 86_400 * 30);
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(await statusOf(server, id), 'IN_PROGRESS');
    } finally {
      await server.stop();
    }
  });
});
