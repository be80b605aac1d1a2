/** A fingerprint of every application table's rows, to prove that a request changed nothing. */
import crypto from 'node:crypto';
import { openDb, isPostgres } from '../../src/shared/db.js';

export async function snapshot(databaseUrl: string): Promise<string> {
  const db = openDb(databaseUrl);
  try {
    const tables: string[] = isPostgres(db)
      ? (await db.raw(`select tablename as name from pg_tables where schemaname = 'public'`)).rows.map((r: any) => r.name)
      : (await db.raw(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`)).map((r: any) => r.name);
    const hash = crypto.createHash('sha256');
    for (const table of tables.filter((t) => !t.startsWith('knex_')).sort()) {
      const rows = await db(table).select();
      const lines = rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
      hash.update(`${table}\n${lines.join('\n')}\n`);
    }
    return hash.digest('hex');
  } finally {
    await db.destroy();
  }
}
