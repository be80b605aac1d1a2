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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
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
