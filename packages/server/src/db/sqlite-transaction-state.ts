/**
 * Putting SQLite and TypeORM back in step after a transaction failed.
 *
 * TypeORM's better-sqlite3 driver has one query runner that tracks "in a transaction" itself. When
 * a statement or the COMMIT fails with SQLITE_FULL (or another I/O error), SQLite may already have
 * rolled the transaction back; TypeORM's ROLLBACK then fails ("no transaction is active") and its
 * runner stays "active" at depth 1. From then on every transaction is a SAVEPOINT inside that
 * phantom one; the first SAVEPOINT opens a real transaction, and after one more failed commit
 * (ROLLBACK TO leaves it open) a transaction stays open for good: every later write is
 * acknowledged but never committed, other processes get "database is locked", and a restart loses
 * it all. Reproduced on a 2 MiB tmpfs with TypeORM 1.1 and better-sqlite3 12.
 *
 * So after any failed transaction the connection itself is asked (`inTransaction`), rolled back
 * if still open, and the runner's bookkeeping reset to match.
 */
import type { DataSource } from 'typeorm';

interface SqliteConnection {
  readonly inTransaction: boolean;
  exec(sql: string): unknown;
}

/** The runner fields TypeORM keeps (public `isTransactionActive`, protected `transactionDepth`). */
interface RunnerState {
  isTransactionActive: boolean;
  transactionDepth: number;
}

/**
 * After a failed transaction on SQLite: rolls back what SQLite still holds open and resets
 * TypeORM's transaction state. Returns what had to be repaired (for the log), or undefined.
 */
export function settleFailedSqliteTransaction(dataSource: DataSource): string | undefined {
  const connection = (dataSource.driver as unknown as { databaseConnection?: SqliteConnection })
    .databaseConnection;
  if (connection === undefined) return undefined;
  const repaired: string[] = [];
  if (connection.inTransaction) {
    try {
      connection.exec('ROLLBACK');
      repaired.push('rolled back a transaction SQLite still held open');
    } catch (error) {
      repaired.push(`ROLLBACK failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // The driver's single runner (createQueryRunner returns the same one every time).
  const runner = dataSource.createQueryRunner() as unknown as RunnerState;
  if (runner.isTransactionActive || runner.transactionDepth !== 0) {
    runner.isTransactionActive = false;
    runner.transactionDepth = 0;
    repaired.push("reset TypeORM's transaction state");
  }
  return repaired.length === 0 ? undefined : repaired.join('; ');
}
