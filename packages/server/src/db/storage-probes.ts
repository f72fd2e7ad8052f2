/**
 * The probes {@link StorageHealth} runs while an area is failing: one small real write each, then
 * its removal. A write that fits in space SQLite already holds (a reused WAL) would pass on a
 * still-full disk, so local files also need free space on their file system (`dir`).
 */
import { dirname } from 'node:path';
import type { LogStore } from '@containerops/sdk';
import type { DatabaseConfig } from '../config/server-config.js';
import type { Database } from './database.js';
import { ServerMarkerEntity } from './entities.js';
import type { StorageArea, StorageProbe } from './storage-health.js';

/** The run id of the probe's log line (no run has it: run ids are generated, without spaces). */
export const PROBE_RUN_ID = 'storage probe';
const PROBE_MARKER = 'storage-probe';

export function storageProbes(options: {
  readonly db: Database;
  readonly database: DatabaseConfig;
  readonly logs: LogStore;
  /** The SQLite file of the built-in log store; undefined for a log store plugin. */
  readonly logStorePath?: string;
}): Record<StorageArea, StorageProbe> {
  const { db, logs } = options;
  let seq = 0;
  return {
    database: {
      write: () =>
        db.transaction(async (m) => {
          await m.upsert(ServerMarkerEntity, { name: PROBE_MARKER, createdAt: Date.now() }, [
            'name',
          ]);
        }),
      ...(options.database.type === 'sqlite' ? { dir: dirname(options.database.path) } : {}),
    },
    logStore: {
      write: async () => {
        const time = Date.now();
        await logs.append([
          {
            runId: PROBE_RUN_ID,
            jobPath: 'probe',
            attempt: 1,
            seq: ++seq,
            stream: 'system',
            text: 'storage probe',
            time,
          },
        ]);
        await logs.deleteRun?.(PROBE_RUN_ID);
      },
      ...(options.logStorePath === undefined ? {} : { dir: dirname(options.logStorePath) }),
    },
  };
}
