/**
 * The opened database with one rule every writer follows: transactions go through
 * {@link Database.transaction}. SQLite has one connection (better-sqlite3), so two transactions
 * begun concurrently would collide; they are queued in-process. PostgreSQL and MySQL pool
 * connections and run them concurrently.
 *
 * A failed transaction leaves nothing behind: on SQLite the connection is checked and rolled back
 * (see sqlite-transaction-state.ts for why TypeORM alone does not), and a failure for lack of
 * space becomes {@link StorageFullError} (`STORAGE_FULL`) and marks {@link Database.storage}
 * failing until a write or a probe succeeds.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { isSqlite } from './data-source.js';
import { settleFailedSqliteTransaction } from './sqlite-transaction-state.js';
import { isStorageFull, StorageFullError } from './storage-failure.js';
import { StorageHealth } from './storage-health.js';

export class Database {
  readonly sqlite: boolean;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dataSource: DataSource,
    /** Whether writes can be stored; shared with the log store's health (see storage-health.ts). */
    readonly storage: StorageHealth = new StorageHealth(),
  ) {
    this.sqlite = isSqlite(dataSource);
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** The driver family, for the few statements that differ. */
  get dialect(): 'sqlite' | 'postgres' | 'mysql' {
    if (this.sqlite) return 'sqlite';
    return this.dataSource.options.type === 'postgres' ? 'postgres' : 'mysql';
  }

  /**
   * Runs `work` in a transaction (serialised with other transactions on SQLite). Resolves once
   * committed; rejects with nothing stored, as {@link StorageFullError} when space ran out.
   */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.sqlite) return this.settled(this.dataSource.transaction(work));
    return this.serialised(() => this.settled(this.dataSource.transaction(work)));
  }

  /** Runs `work` after every transaction queued before it (SQLite only; elsewhere at once). */
  serialised<T>(work: () => Promise<T>): Promise<T> {
    if (!this.sqlite) return work();
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    this.storage.close();
    await this.tail.catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private async settled<T>(committed: Promise<T>): Promise<T> {
    try {
      const result = await committed;
      this.storage.succeeded('database');
      return result;
    } catch (error) {
      const repaired = this.sqlite ? settleFailedSqliteTransaction(this.dataSource) : undefined;
      if (repaired !== undefined)
        this.storage.warn(`database: after a failed transaction, ${repaired}`);
      if (!isStorageFull(error)) throw error;
      this.storage.failed('database', error);
      throw new StorageFullError('database', error);
    }
  }
}
