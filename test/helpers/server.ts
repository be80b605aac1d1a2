/**
 * Starts a reference server (or a broken variant of it) as a child process on a free loopback
 * port, over a fresh SQLite file or a fresh PostgreSQL database, and stops it after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
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
  /**
   * Also start a restart hook: a control URL that, on POST, stops the server's process and starts it again on the
   * same port and database (the test clock keeps its time), answering 204 once it listens again.
   */
  restartHook?: boolean;
}

export interface TestServer {
  url: string;
  port: number;
  databaseUrl: string;
  /** Base URL of each API, as a vendor would give it. */
  apis: { cart: string; activation: string; ethernet: string };
  clockUrl?: string;
  /** Each API's own test clock (moving one moves that API's time alone). */
  clockUrls?: { cart: string; activation: string; ethernet: string };
  /** The restart hook's URL (with `restartHook`), for the suite's --restart-url. */
  restartUrl?: string;
  /** How many times the hook restarted the server. */
  restarts(): number;
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
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  let child: ChildProcess;
  let exited: Promise<void>;

  const launch = async () => {
    child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/variants/serve.ts')], {
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
    const mark = out.length;
    const current = child;
    current.stdout!.on('data', (d) => (out += d));
    current.stderr!.on('data', (d) => (out += d));
    exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    // Generous: on a loaded machine compiling the server with tsx alone has taken close to 30 s.
    const deadline = Date.now() + 90_000;
    // The server prints its address once it listens; polling before that only makes noise.
    while (!/^listening/m.test(out.slice(mark)) && current.exitCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    for (;;) {
      if (current.exitCode !== null) throw new Error(`server exited with ${current.exitCode}:\n${out}`);
      try {
        const res = await fetch(url + '/', { signal: AbortSignal.timeout(1000) });
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        current.kill('SIGKILL');
        throw new Error(`server did not start within 90 s:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await launch();

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
  };
  const clockUrl = testClock ? `${url}/__clock` : undefined;

  let restarts = 0;
  let control: http.Server | undefined;
  let restartUrl: string | undefined;
  if (options.restartHook) {
    const restart = async () => {
      // The test clock lives in the process: carry its time over (the server's, then each API's), as a vendor's
      // controllable clock would.
      const times = clockUrl ? ((await (await fetch(clockUrl)).json()) as { now: string; apis?: Record<string, string> }) : undefined;
      await kill('SIGTERM');
      await launch();
      const set = (at: string, to: string) => fetch(at, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ set: to }) });
      if (clockUrl && times?.now) {
        await set(clockUrl, times.now);
        for (const [api, now] of Object.entries(times.apis ?? {})) await set(`${clockUrl}/${api}`, now);
      }
      restarts++;
    };
    control = http.createServer((req, res) => {
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      restart().then(
        () => res.writeHead(204).end(),
        (err) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(err?.message ?? err)),
      );
    });
    await new Promise<void>((resolve) => control!.listen(0, '127.0.0.1', resolve));
    restartUrl = `http://127.0.0.1:${(control.address() as { port: number }).port}/restart`;
  }
  const closeControl = () => new Promise<void>((resolve) => (control ? control.close(() => resolve()) : resolve()));

  return {
    url,
    port,
    databaseUrl,
    apis: { cart: `${url}/cart`, activation: `${url}/activation`, ethernet: `${url}/ethernet` },
    clockUrl,
    clockUrls: clockUrl ? { cart: `${clockUrl}/cart`, activation: `${clockUrl}/activation`, ethernet: `${clockUrl}/ethernet` } : undefined,
    restartUrl,
    restarts: () => restarts,
    get process() {
      return child;
    },
    output: () => out,
    stop: async () => {
      await closeControl();
      await kill('SIGTERM');
    },
    kill: async (signal) => {
      await closeControl();
      await kill(signal);
    },
  };
}
