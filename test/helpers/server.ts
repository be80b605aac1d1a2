/**
 * Starts a reference server (or a broken variant of it) as a child process on a free loopback
 * port, over a fresh SQLite file or a fresh PostgreSQL database, and stops it after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, freePort } from './pg.js';

export type Backend = 'sqlite' | 'postgres';
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export interface StartOptions {
  backend?: Backend;
  /** A broken variant's name from test/variants (default: the reference server). */
  variant?: string;
  testClock?: boolean;
  /** An existing database to share (several processes on one PostgreSQL database). */
  databaseUrl?: string;
  env?: Record<string, string>;
}

export interface TestServer {
  url: string;
  port: number;
  databaseUrl: string;
  /** Base URL of each API, as a vendor would give it. */
  apis: { cart: string; activation: string; ethernet: string };
  clockUrl?: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function databaseFor(backend: Backend): Promise<string> {
  if (backend === 'postgres') return createDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-sqlite-'));
  return `sqlite://${path.join(dir, 'test.sqlite')}`;
}

export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const databaseUrl = options.databaseUrl ?? (await databaseFor(options.backend ?? 'sqlite'));
  const port = await freePort();
  const testClock = options.testClock ?? true;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/variants/serve.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      ORDERCERT_DEMO: '1',
      ORDERCERT_TEST_CLOCK: testClock ? '1' : '0',
      ORDERCERT_VARIANT: options.variant ?? '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  // The server prints its address once it listens; polling before that only makes noise.
  while (!/^listening/m.test(out) && child.exitCode === null && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(url + '/', { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
  };
  return {
    url,
    port,
    databaseUrl,
    apis: { cart: `${url}/cart`, activation: `${url}/activation`, ethernet: `${url}/ethernet` },
    clockUrl: testClock ? `${url}/__clock` : undefined,
    process: child,
    output: () => out,
    stop: () => kill('SIGTERM'),
    kill,
  };
}
