/**
 * The reference server as `npm start` and `ordercert serve` run it: it says where it listens, serves the tenants
 * its settings name, refuses a port already taken, and stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../src/server.js';
import { readConfig } from '../../src/shared/config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('starting and stopping the reference server', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-start-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints where it listens, serves the tenants of ORDERCERT_TENANTS and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', SQLITE_FILE: path.join(dir, 'start.sqlite'), DATABASE_URL: '', ORDERCERT_DEMO: '0', ORDERCERT_TEST_CLOCK: '0', ORDERCERT_TENANTS: 'carol:c-secret' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        const poll = setInterval(() => {
          const m = /reference server on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m && /tenants +carol:\*\*\*/.test(out)) {
            clearInterval(poll);
            resolve(m[1]);
          }
        }, 50);
        void exited.then((code) => {
          clearInterval(poll);
          reject(new Error(`exited ${code} before listening: ${out}`));
        });
      });
      assert.doesNotMatch(base, /:0$/, 'the banner names the port taken, not 0');
      const carol = await fetch(`${base}/ethernet/orders`, { headers: { Authorization: 'Basic ' + Buffer.from('carol:c-secret').toString('base64') } });
      assert.equal(carol.status, 200);
      const alpha = await fetch(`${base}/ethernet/orders`, { headers: { Authorization: 'Basic ' + Buffer.from('alpha:alpha-secret').toString('base64') } });
      assert.equal(alpha.status, 401, 'the demo tenants are off unless asked for');
      assert.equal((await fetch(`${base}/__clock`)).status, 404);
      child.kill('SIGTERM');
      assert.equal(await exited, 0, out);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses a port already taken, and gives the port back when closed', async () => {
    const config = { ...readConfig({}, []), port: 0, databaseUrl: `sqlite://${path.join(dir, 'port.sqlite')}` };
    const first = await startServer(config);
    const address = first.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await assert.rejects(startServer({ ...config, port }), /EADDRINUSE/);
    } finally {
      await first.close();
    }
    const again = await startServer({ ...config, port });
    await again.close();
  });
});
