import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Orchestrator } from '@containerops/core';
import type { PluginHealth } from '@containerops/sdk';
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
    // What the plugin host reports: each plugin's own health (isAvailable / health()).
    const reports: PluginHealth[] = [
      {
        kind: 'orchestrator',
        name: 'docker',
        version: '0.1.0',
        source: 'builtin',
        ok: false,
        reason: DOCKER_REASON,
      },
      {
        kind: 'logStore',
        name: 'mysql-logs',
        version: '3.1.4',
        source: '@acme/logs',
        ok: false,
        reason: LOG_REASON,
      },
    ];
    const health = new ServerHealthService({
      db,
      orchestrator,
      pluginHealth: () => Promise.resolve(reports),
    });
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

  it('shows each plugin as it reports itself: its own name and version, the active orchestrator', async () => {
    const orchestrator = { name: 'local' } as unknown as Orchestrator;
    const reports: PluginHealth[] = [
      { kind: 'orchestrator', name: 'local', version: '0.1.0', source: 'builtin', ok: true },
      { kind: 'logStore', name: 'mysql-logs', version: '3.1.4', source: '@acme/logs', ok: true },
      {
        kind: 'notifier',
        name: 'pager',
        version: '1.0.0',
        source: '@acme/pager',
        ok: false,
        reason: 'token expired',
      },
    ];
    const health = new ServerHealthService({
      db,
      orchestrator,
      pluginHealth: () => Promise.resolve(reports),
    });
    expect(await health.plugins({} as never)).toEqual([
      { kind: 'orchestrator', name: 'local', version: '0.1.0', healthy: true, active: true },
      { kind: 'logStore', name: 'mysql-logs', version: '3.1.4', healthy: true },
      {
        kind: 'notifier',
        name: 'pager',
        version: '1.0.0',
        healthy: false,
        detail: 'token expired',
      },
    ]);
    // A broken notifier is reported, but the server can still run jobs: ready.
    expect((await health.ready()).ready).toBe(true);
  });
});

describe('ServerHealthService: storage', () => {
  it('is not ready and refuses writes with STORAGE_FULL while storage is full; recovers by itself', async () => {
    const orchestrator = {
      name: 'local',
      isAvailable: () => Promise.resolve({ available: true }),
    } as unknown as Orchestrator;
    const pluginHealth = (): Promise<PluginHealth[]> => Promise.resolve([]);
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
    const health = new ServerHealthService({ db, orchestrator, pluginHealth });
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
