/**
 * What a transcript keeps of each exchange, over real HTTP against a small echo server: timing, the tenant
 * that sent it, credentials masked (a wrong secret kept, a real one never); and the replay script, run by sh
 * and curl, sends the same Authorization headers again from $ORDERCERT_TENANT_A / $ORDERCERT_TENANT_B.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ApiClient } from '../../conformance/framework/http.js';
import { replayScript } from '../../conformance/framework/replay-script.js';
import type { Exchange } from '../../conformance/framework/types.js';

const A = { user: 'alpha', secret: 'alpha-secret' };
const B = { user: 'beta', secret: 'beta-secret' };
const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

describe('transcripts and replay scripts', () => {
  let server: http.Server;
  let base: string;
  const seen: Array<string | undefined> = [];

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.writeHead(req.url?.startsWith('/api/missing') ? 404 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ path: req.url, method: req.method, body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  async function exchanges(): Promise<Exchange[]> {
    const transcript: Exchange[] = [];
    const options = { onExchange: (e: Exchange) => transcript.push(e), tenants: { A, B } };
    const alpha = new ApiClient('cart', base, A, 'CART-RESPONSE-SCHEMA', { ...options, tenant: 'A' });
    const beta = new ApiClient('cart', base, B, 'CART-RESPONSE-SCHEMA', { ...options, tenant: 'B' });
    const anonymous = new ApiClient('cart', base, undefined, 'CART-RESPONSE-SCHEMA', options);
    await alpha.post('/orders/o1', { note: "it's" }, { skipSchema: true });
    await beta.get('/orders/o1', { skipSchema: true });
    await anonymous.get('/missing', { skipSchema: true });
    await alpha.as({ user: 'alpha', secret: 'not-the-secret' }).get('/orders/o1', { skipSchema: true });
    await anonymous.get('/orders/o1', { skipSchema: true, headers: { Authorization: basic('alpha', 'beta-secret') } });
    return transcript;
  }

  it('keeps timing and the tenant of every request, and masks every real secret', async () => {
    const transcript = await exchanges();
    assert.deepEqual(transcript.map((e) => [e.tenant, e.wrongSecret]), [
      ['A', undefined],
      ['B', undefined],
      [undefined, undefined],
      ['A', 'not-the-secret'],
      ['A', "<another tenant's secret>"],
    ]);
    assert.deepEqual(transcript.map((e) => e.requestHeaders.Authorization), [
      'Basic <tenant A>',
      'Basic <tenant B>',
      undefined,
      "Basic <tenant A's user, a wrong secret>",
      "Basic <tenant A's user, a wrong secret>",
    ]);
    for (const e of transcript) {
      assert.ok(Date.parse(e.startedAt) <= Date.now() && e.durationMs >= 0);
    }
    const kept = JSON.stringify(transcript);
    for (const secret of [A.secret, B.secret, basic(A.user, A.secret).slice(6), basic(B.user, B.secret).slice(6)]) assert.ok(!kept.includes(secret), secret);
  });

  it('writes a replay script that sh and curl run as is, sending the same credentials from the tenant variables', async () => {
    seen.length = 0;
    const transcript = (await exchanges()).slice(0, 4); // the fifth sent another tenant's secret: that is not replayable as it was
    const original = seen.slice(0, 4);
    const script = replayScript({ check: 'cart/example', api: 'cart', rule: 'CART-X', title: 'an example', outcome: 'fail', transcript }, base);
    assert.doesNotMatch(script, /\$USER|base64|alpha-secret|beta-secret/);
    assert.match(script, /-u "\$ORDERCERT_TENANT_A"/);
    assert.match(script, /-u "\$ORDERCERT_TENANT_B"/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-replay-')), 'replay.sh');
    fs.writeFileSync(file, script);
    seen.length = 0;
    // Asynchronously: the echo server answers from this process.
    const run = await promisify(execFile)('sh', [file], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ORDERCERT_TENANT_A: 'alpha:alpha-secret', ORDERCERT_TENANT_B: 'beta:beta-secret' } });
    assert.deepEqual(seen, original);
    assert.deepEqual([...run.stdout.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => Number(m[1])), transcript.map((e) => e.status));
    // The body went as sent, single quotes and all.
    assert.match(run.stdout, /"body":"\{\\"note\\":\\"it's\\"\}"/);
  });
});
