/**
 * Two reference server processes on one PostgreSQL database, both taking orders and both finishing
 * them at once, while readers follow the since chain against both: every reader must see exactly
 * the final full list, with no gaps, repeats or reorders, and every order exactly once.
 */
import assert from 'node:assert/strict';
import { createDatabase } from '../helpers/pg.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = '/api/2.3.1';
const AUTH = { alpha: 'Basic ' + Buffer.from('alpha:alpha-secret').toString('base64'), beta: 'Basic ' + Buffer.from('beta:beta-secret').toString('base64') };
const TARGET = Number(process.env.ACT_FEED_TARGET ?? 2000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Event {
  event: string;
  order: { path: string; state: string };
}

async function call(server: TestServer, who: keyof typeof AUTH, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.apis.activation}${path}`, {
    method,
    headers: { Authorization: AUTH[who], Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function feed(server: TestServer, who: keyof typeof AUTH, since?: string): Promise<Event[]> {
  const { status, body } = await call(server, who, 'GET', `${ROOT}/orderevents/${since ? `?since=${encodeURIComponent(since)}` : ''}`);
  assert.equal(status, 200, `feed answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

describe('activation: order event feed with two server processes on one PostgreSQL database', function () {
  // 20 to 60 s on an idle two-core machine; npm test runs it beside three other groups, so the bound is wide.
  this.timeout(600_000);
  const servers: TestServer[] = [];

  before(async () => {
    const databaseUrl = await createDatabase();
    // One after the other, so that only one runs the migrations.
    for (let i = 0; i < 2; i++) servers.push(await startTestServer({ databaseUrl, env: { ACTIVATION_DELAY_SECONDS: '0' } }));
  });
  after(async () => {
    for (const s of servers) await s.stop();
  });

  it(`keeps the since chain gap-free, repeat-free and in order over ${TARGET}+ events`, async () => {
    const started = Date.now();
    const created: Record<keyof typeof AUTH, string[]> = { alpha: [], beta: [] };
    let writing = true;

    // Writers: ACTIVATE/DEACTIVATE cycles on many accesses, through both servers, for both providers.
    const writer = async (who: keyof typeof AUTH, accessId: string, service: string, n: number) => {
      let operation: 'ACTIVATE' | 'DEACTIVATE' = 'ACTIVATE';
      while (created.alpha.length < TARGET) {
        const server = servers[n++ % 2];
        const body = operation === 'ACTIVATE' ? { accessId, service, operation, forcedTakeover: false } : { accessId, service, operation };
        const { status, body: order } = await call(server, who, 'POST', `${ROOT}/orders/`, body);
        if (status === 201) {
          created[who].push(order.path);
          operation = operation === 'ACTIVATE' ? 'DEACTIVATE' : 'ACTIVATE';
        } else if (status === 200 && order.state === 'RECEIVED') {
          await sleep(40);
        } else if (status === 200 && order.state === 'DONE_SUCCESS' && !order.path) {
          operation = operation === 'ACTIVATE' ? 'DEACTIVATE' : 'ACTIVATE';
        } else {
          assert.fail(`POST orders/ answered ${status}: ${JSON.stringify(order)}`);
        }
      }
    };
    const accessIds = Array.from({ length: 30 }, (_, i) => `STTA${String(10 + i).padStart(4, '0')}`);
    const writers = [
      ...accessIds.map((a, i) => writer('alpha', a, 'BB-100-10', i)),
      ...accessIds.slice(0, 6).map((a, i) => writer('beta', a, 'IPTV-BASIC', i)),
    ];

    // Readers: follow the since chain, two against each server, while the writers run.
    const reader = async (server: TestServer) => {
      const chain: Event[] = [];
      let since: string | undefined;
      let quiet = 0;
      while (writing || quiet < 3) {
        const page = await feed(server, 'alpha', since);
        chain.push(...page);
        if (page.length) since = page[page.length - 1].event;
        quiet = writing || page.length ? 0 : quiet + 1;
        await sleep(page.length ? 5 : 20);
      }
      return chain;
    };
    const readers = [reader(servers[0]), reader(servers[1]), reader(servers[0]), reader(servers[1])];

    await Promise.all(writers);
    // Wait until both workers have finished every order they took.
    const deadline = Date.now() + 30_000;
    let full = await feed(servers[0], 'alpha');
    while (full.length < created.alpha.length && Date.now() < deadline) {
      await sleep(100);
      full = await feed(servers[0], 'alpha');
    }
    writing = false;
    const chains = await Promise.all(readers);
    full = await feed(servers[0], 'alpha');
    const fullIds = full.map((e) => e.event);

    assert.ok(full.length >= TARGET, `only ${full.length} events`);
    assert.equal(full.length, created.alpha.length, 'one event per created order');
    assert.equal(new Set(fullIds).size, fullIds.length, 'event ids repeat in the full list');
    assert.deepEqual(new Set(full.map((e) => e.order.path)), new Set(created.alpha), 'every order exactly once');
    assert.ok(full.every((e) => e.order.state === 'DONE_SUCCESS'), 'only DONE_SUCCESS here');
    assert.deepEqual((await feed(servers[1], 'alpha')).map((e) => e.event), fullIds, 'both servers answer the same list');
    for (const [i, chain] of chains.entries()) {
      const ids = chain.map((e) => e.event);
      // Equal lists mean no gap, no repeat and no reorder; find the first difference for the message.
      const at = ids.findIndex((id, k) => id !== fullIds[k]);
      assert.deepEqual(ids, fullIds, `reader ${i} differs from the full list at ${at} (${ids.length} vs ${fullIds.length} events)`);
    }
    const beta = await feed(servers[1], 'beta');
    assert.equal(beta.length, created.beta.length, "the other provider's feed has exactly its own orders");
    console.log(`      ${full.length} alpha events, ${beta.length} beta events, 4 readers, ${Date.now() - started} ms`);
  });
});
