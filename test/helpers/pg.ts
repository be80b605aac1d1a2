/**
 * A throw-away PostgreSQL cluster for the test run: initdb into a temp folder, pg_ctl start on a
 * free loopback port, one fresh database per caller, everything removed when the run ends.
 * Runs the server binaries as the `postgres` user when the tests run as root (initdb refuses root).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

export interface PgCluster {
  port: number;
  dir: string;
  adminUrl: string;
  stop(): void;
}

/** Whether a loopback port can be listened on now. */
const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/** Ports this process has handed out: never twice. */
const handedOut = new Set<number>();

/**
 * A free loopback port for a server started later (a child process, a cluster), chosen at random below the
 * kernel's ephemeral range. A port the kernel picks for `listen(0)` or an outgoing connection may be picked again
 * for another process the moment it is free: a server restarted on its port (the restart hook) could find it taken
 * by another test's server, and a run would then talk to a server that is not its own. Below the range, only
 * another random pick can meet it.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * (low - 10_000));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port found between 10000 and ${low}`);
}

/** The lowest port of the kernel's ephemeral range (32768 where it cannot be read). */
function ephemeralLow(): number {
  try {
    const low = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 11_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function binDir(): string {
  const found = BIN_DIRS.find((d) => fs.existsSync(path.join(d, 'initdb')));
  if (!found) throw new Error('PostgreSQL server binaries not found (apt-get install -y postgresql); looked in ' + BIN_DIRS.join(', '));
  return found;
}

function asPostgres(cmd: string, args: string[]) {
  const isRoot = process.getuid?.() === 0;
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const result = spawnSync(file, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr || result.stdout}`);
}

export async function startCluster(): Promise<PgCluster> {
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
  const port = await freePort();
  asPostgres(path.join(bin, 'initdb'), ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  asPostgres(path.join(bin, 'pg_ctl'), [
    '-D', path.join(dir, 'data'), '-l', path.join(dir, 'log'), '-w',
    '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  return {
    port,
    dir,
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        asPostgres(path.join(bin, 'pg_ctl'), ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

let shared: Promise<PgCluster> | undefined;
let counter = 0;

/** A new, empty database on the cluster whose admin database `adminUrl` names; its URL. */
export async function databaseOn(adminUrl: string): Promise<string> {
  const name = `t${process.pid}_${++counter}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A new, empty database on the run's shared cluster (started on first use). */
export async function createDatabase(): Promise<string> {
  shared ??= startCluster();
  return databaseOn((await shared).adminUrl);
}

/** Stops the shared cluster; registered as mocha's global teardown in test/setup.ts. */
export async function stopSharedCluster(): Promise<void> {
  if (!shared) return;
  const cluster = await shared;
  shared = undefined;
  cluster.stop();
}
