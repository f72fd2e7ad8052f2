/**
 * The opened database with one rule every writer follows: transactions go through
 * {@link Database.transaction}. SQLite has one connection (better-sqlite3), so two transactions
 * begun concurrently would collide; they are queued in-process. PostgreSQL and MySQL pool
 * connections and run them concurrently.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { isSqlite } from './data-source.js';

export class Database {
  readonly sqlite: boolean;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly dataSource: DataSource) {
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

  /** Runs `work` in a transaction (serialised with other transactions on SQLite). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.sqlite) return this.dataSource.transaction(work);
    return this.serialised(() => this.dataSource.transaction(work));
  }

  /** Runs `work` after every transaction queued before it (SQLite only; elsewhere at once). */
  serialised<T>(work: () => Promise<T>): Promise<T> {
    if (!this.sqlite) return work();
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.tail.catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
