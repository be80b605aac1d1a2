import type { Server } from 'node:http';
import { createApp } from './app.js';
import { referenceApis } from './apis.js';
import type { ApiContext, ApiModule } from './shared/api.js';
import { ApiTestClock, systemClock, TestClock } from './shared/clock.js';
import { readConfig, type ServerConfig } from './shared/config.js';
import { migrate, openDb, openReader } from './shared/db.js';

export interface RunningServer {
  server: Server;
  ctx: ApiContext;
  close(): Promise<void>;
}

/** Opens the database, runs migrations, serves the APIs and starts their background work. */
export async function startServer(config: ServerConfig, apis: ApiModule[] = referenceApis()): Promise<RunningServer> {
  const db = openDb(config.databaseUrl);
  await migrate(db, apis.flatMap((a) => a.migrations));
  const reader = openReader(config.databaseUrl, db);
  const serverClock = config.testClock ? new TestClock() : systemClock;
  const ctx: ApiContext = { db, reader, clock: serverClock, config };
  // Under a test clock each API has its own time too (moved with the server's, or alone): see createApp.
  const contexts = new Map(apis.map((a) => [a.name, serverClock instanceof TestClock ? { ...ctx, clock: new ApiTestClock(serverClock) } : ctx]));
  const contextOf = (api: ApiModule) => contexts.get(api.name)!;
  const app = createApp(ctx, apis, contextOf);
  const stops = apis.map((a) => a.start?.(contextOf(a))).filter((s): s is () => Promise<void> => !!s);
  const stopWork = async () => {
    for (const stop of stops) await stop();
  };
  const closeDatabase = async () => {
    if (reader !== db) await reader.destroy();
    await db.destroy();
  };
  const server = await new Promise<Server>((resolve, reject) => {
    // Express 5 calls back with the listening error too (a port already taken): that is no start.
    const s = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
  }).catch(async (err) => {
    // A port already taken: the workers and the database are let go, so that nothing keeps running without a server.
    await stopWork();
    await closeDatabase();
    throw err;
  });
  // Slow clients must not hold sockets for ever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return {
    server,
    ctx,
    async close() {
      // The background work stops first, while the server still answers what is in flight.
      await stopWork();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closeDatabase();
    },
  };
}

export function describeStart(config: ServerConfig, port: number): string {
  const lines = [
    `ordercert reference server on http://${config.host}:${port}`,
    `  cart        http://${config.host}:${port}/cart`,
    `  activation  http://${config.host}:${port}/activation/api/2.3.1`,
    `  ethernet    http://${config.host}:${port}/ethernet`,
    `  docs        http://${config.host}:${port}/docs`,
    `  database    ${config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')}`,
    `  tenants     ${config.tenants.length ? config.tenants.map((t) => (t.user === 'alpha' || t.user === 'beta') && t.secret === `${t.user}-secret` ? `${t.user}:${t.secret}` : `${t.user}:***`).join(', ') : 'none (set ORDERCERT_TENANTS or ORDERCERT_DEMO=1)'}`,
  ];
  if (config.testClock) {
    lines.push(`  test clock  http://${config.host}:${port}/__clock (GET, POST {"advanceSeconds": n}): every API's time`);
    lines.push(`              http://${config.host}:${port}/__clock/{cart,activation,ethernet}: one API's time alone`);
  }
  return lines.join('\n');
}

/** Starts the server from the environment (and --demo / --test-clock), prints where, stops cleanly on a signal. */
export async function serveFromEnvironment(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv): Promise<RunningServer> {
  const config = readConfig(env, argv);
  const running = await startServer(config);
  const address = running.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(describeStart(config, port));
  const shutdown = () => running.close().then(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  return running;
}

const isMain = process.argv[1] && new URL(import.meta.url).pathname === process.argv[1];
if (isMain) {
  serveFromEnvironment().catch((err) => {
    console.error(`ordercert: could not start: ${err.message}`);
    process.exit(1);
  });
}
