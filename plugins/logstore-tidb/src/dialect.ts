/**
 * Which MySQL-protocol server the store talks to, read from `SELECT VERSION()`: TiDB answers
 * `8.0.11-TiDB-v8.5.6`, MariaDB `10.11.6-MariaDB-0+deb12u1`, MySQL `8.0.36`. The SQL the store
 * sends is the same on all of them except the table options (clustered key, TTL).
 */
export type Dialect = 'tidb' | 'mariadb' | 'mysql';

export interface ServerInfo {
  readonly dialect: Dialect;
  /** The full `VERSION()` string. */
  readonly version: string;
  /** TiDB's own release (`8.5.6`), when the server is TiDB. */
  readonly tidbRelease?: readonly [number, number, number];
}

export function detectDialect(version: string): ServerInfo {
  const tidb = /-TiDB-v(\d+)\.(\d+)\.(\d+)/i.exec(version);
  if (tidb !== null) {
    return {
      dialect: 'tidb',
      version,
      tidbRelease: [Number(tidb[1]), Number(tidb[2]), Number(tidb[3])],
    };
  }
  if (/mariadb/i.test(version)) return { dialect: 'mariadb', version };
  return { dialect: 'mysql', version };
}

/**
 * Whether the server has TTL tables: TiDB 6.5 and later (generally available since 7.0). Other
 * servers have none; the store deletes in batches there.
 */
export function supportsTtl(info: ServerInfo): boolean {
  const release = info.tidbRelease;
  if (info.dialect !== 'tidb' || release === undefined) return false;
  const [major, minor] = release;
  return major > 6 || (major === 6 && minor >= 5);
}
