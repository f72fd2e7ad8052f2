import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Orchestrator } from '@containerops/core';
import type { LogStore } from '@containerops/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/data-source.js';
import { Database } from '../db/database.js';
import { ServerHealthService } from './health.service.js';

const DOCKER_REASON = 'connect EACCES /var/run/private-docker.sock (user deploy)';
const LOG_REASON = 'getaddrinfo ENOTFOUND logs-db.internal.example:3306';

let dir: string;
let db: Database;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'co-health-'));
  db = new Database(await openDatabase({ type: 'sqlite', path: join(dir, 'state.db') }));
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ServerHealthService.ready', () => {
  it('tells anonymous callers only ok/error; the failure messages are kept apart for the log', async () => {
    // Only the two members ready() calls: each fails the way a real unreachable backend does.
    const orchestrator = {
      name: 'docker',
      isAvailable: () => Promise.resolve({ available: false, reason: DOCKER_REASON }),
    } as unknown as Orchestrator;
    const logs = {
      read: () => Promise.reject(new Error(LOG_REASON)),
    } as unknown as LogStore;
    const health = new ServerHealthService({ db, orchestrator, logs });
    const result = await health.ready();
    expect(result.ready).toBe(false);
    expect(result.checks).toEqual({
      database: 'ok',
      orchestrator: 'error',
      logStore: 'error',
      storage: 'ok',
    });
    expect(JSON.stringify(result.checks)).not.toContain('EACCES');
    expect(result.details).toEqual({ orchestrator: DOCKER_REASON, logStore: LOG_REASON });
  });
});

describe('ServerHealthService: storage', () => {
  it('is not ready and refuses writes with STORAGE_FULL while storage is full; recovers by itself', async () => {
    const orchestrator = {
      name: 'local',
      isAvailable: () => Promise.resolve({ available: true }),
    } as unknown as Orchestrator;
    const logs = { read: () => Promise.resolve([]) } as unknown as LogStore;
    let diskFull = true;
    db.storage.configure({
      probeIntervalMs: 0,
      probes: {
        logStore: {
          write: () =>
            diskFull ? Promise.reject(new Error('database or disk is full')) : Promise.resolve(),
        },
      },
    });
    const health = new ServerHealthService({ db, orchestrator, logs });
    db.storage.failed('logStore', new Error('database or disk is full'));

    const full = await health.ready();
    expect(full.ready).toBe(false);
    expect(full.checks['storage']).toBe('full');
    expect(full.details['storage']).toContain('logStore: database or disk is full');
    await expect(health.assertWritable('createToken')).rejects.toMatchObject({
      code: 'STORAGE_FULL',
    });

    diskFull = false; // space freed: the next check probes and clears it, no restart
    await expect(health.assertWritable('createToken')).resolves.toBeUndefined();
    expect((await health.ready()).ready).toBe(true);
  });
});
