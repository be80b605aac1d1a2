import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';

export type Db = Knex;

/** A Knex migration: one per schema change, named so they sort in the order they must run. */
export interface Migration {
  name: string;
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

/**
 * Opens the database named by a URL: `sqlite://<file>` (default, embedded) or `postgres://...`.
 * SQLite uses one connection so that a transaction excludes every other writer in the process
 * (the engine's equivalent of row locks); WAL keeps committed data safe across a crash.
 */
export function openDb(url: string): Knex {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 10 } });
  }
  if (!url.startsWith('sqlite://')) throw new Error(`DATABASE_URL must start with sqlite:// or postgres://, got "${url.split(':')[0]}:..."`);
  const file = url.slice('sqlite://'.length);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return sqlite(file, { min: 1, max: 1 }, ['journal_mode = WAL', 'busy_timeout = 5000', 'foreign_keys = ON']);
}

type SqliteConnection = { run(sql: string, cb: (err: Error | null) => void): void };

/** A Knex pool over one SQLite file, each new connection set up with the given PRAGMAs, in order. */
function sqlite(file: string, size: { min: number; max: number }, pragmas: string[]): Knex {
  return knexFactory({
    client: 'sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      ...size,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        const next = (i: number) => {
          if (i === pragmas.length) return done(null, conn);
          conn.run(`PRAGMA ${pragmas[i]}`, (err) => (err ? done(err, conn) : next(i + 1)));
        };
        next(0);
      },
    },
  });
}

/**
 * The pool for plain reads (see ApiContext.reader). On SQLite: up to four read-only connections to the same
 * file, opened after the writer has put it in WAL mode; an in-memory database has only the writer's connection.
 */
export function openReader(url: string, writer: Knex): Knex {
  if (isPostgres(writer)) return writer;
  const file = url.slice('sqlite://'.length);
  if (file === ':memory:') return writer;
  return sqlite(file, { min: 0, max: 4 }, ['busy_timeout = 5000', 'query_only = ON']);
}

export const isPostgres = (db: Knex) => db.client.config.client === 'pg';

/** Runs every API's migrations, in order, through Knex's migrator. */
export async function migrate(db: Knex, migrations: Migration[]): Promise<void> {
  const byName = new Map(migrations.map((m) => [m.name, m]));
  await db.migrate.latest({
    migrationSource: {
      getMigrations: async () => [...byName.keys()].sort(),
      getMigrationName: (name: string) => name,
      getMigration: async (name: string) => byName.get(name)!,
    },
  });
}

/** Row lock for the rows a query reads, where the engine has them (SQLite serialises whole transactions). */
export function forUpdate<T extends Knex.QueryBuilder>(db: Knex, query: T): T {
  return (isPostgres(db) ? query.forUpdate() : query) as T;
}
