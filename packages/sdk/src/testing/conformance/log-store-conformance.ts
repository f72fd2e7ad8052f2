/**
 * The log store conformance suite: one set of vitest cases every `logStore` plugin runs, so stores
 * (SQLite, TiDB...) keep the contract documented on `LogStore` (`kinds/log-store.ts`).
 */
import { describe } from 'vitest';
import { registerAppendCases } from './log-store-append-cases.js';
import { registerFollowCases } from './log-store-follow-cases.js';
import { LogStoreHarness } from './log-store-harness.js';
import type { LogStoreConformanceOptions, LogStoreFactory } from './log-store-harness.js';
import { registerLifecycleCases } from './log-store-lifecycle-cases.js';

/**
 * Registers the suite as `describe('log store conformance: <name>')`, in three sections: append
 * and read, follow, retention and lifecycle. Call it at the top level of a test file.
 *
 * `factory` runs once per case and must return a store on fresh, empty storage, with `reopen` to
 * open that same storage again (the durability case) and `dispose` to free it. Cases close every
 * store they get, then call `dispose`.
 *
 * ```ts
 * describeLogStoreConformance('sqlite', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'logs-'));
 *   const path = join(dir, 'logs.db');
 *   return {
 *     store: createSqliteLogStore({ path }),
 *     reopen: () => createSqliteLogStore({ path }),
 *     dispose: () => rm(dir, { recursive: true, force: true }),
 *   };
 * });
 * ```
 */
export function describeLogStoreConformance(
  name: string,
  factory: LogStoreFactory,
  options: LogStoreConformanceOptions = {},
): void {
  const harness = new LogStoreHarness(factory, options);
  describe(`log store conformance: ${name}`, () => {
    describe('append and read', () => registerAppendCases(harness));
    describe('follow', () => registerFollowCases(harness));
    describe('retention and lifecycle', () => registerLifecycleCases(harness));
  });
}
