/**
 * The Redis channel prefix of one deployment, derived from the database its replicas share: two
 * deployments using one Redis (staging and production, or two test schemas) must not hear each
 * other, and replicas of one deployment must agree without extra configuration. The database
 * itself names it (server address and port, database, and on PostgreSQL the schema), hashed so
 * no name or address shows in channel names.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../db/database.js';

/** `containerops:<16 hex digits>`: the same for every connection to the same database (and schema). */
export async function replicaNamespace(db: Database): Promise<string> {
  const identity = await databaseIdentity(db);
  const digest = createHash('sha256').update(JSON.stringify(identity)).digest('hex');
  return `containerops:${digest.slice(0, 16)}`;
}

async function databaseIdentity(db: Database): Promise<unknown[]> {
  if (db.dialect === 'postgres') {
    const [row] = (await db.manager.query(
      'SELECT current_database() AS d, current_schema() AS s, ' +
        'inet_server_addr()::text AS a, inet_server_port() AS p',
    )) as { d: string; s: string; a: string | null; p: number | null }[];
    // TypeORM's `schema` option qualifies every table without changing the search path.
    const schema = (db.dataSource.options as { schema?: string }).schema ?? row?.s;
    return ['postgres', row?.a, row?.p, row?.d, schema];
  }
  if (db.dialect === 'mysql') {
    // @@hostname and @@port: the server as it names itself (TiDB answers both too).
    const [row] = (await db.manager.query(
      'SELECT DATABASE() AS d, @@hostname AS h, @@port AS p',
    )) as { d: string; h: string; p: number }[];
    return ['mysql', row?.h, row?.p, row?.d];
  }
  // SQLite is one replica only (never linked); a path is still a fine identity.
  return ['sqlite', db.dataSource.options.database];
}
