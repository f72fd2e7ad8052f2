/** Plugin health (contracts.ts `HealthService`) and the readiness probe behind `/readyz`. */
import type { Orchestrator } from '@containerops/core';
import type { LogStore } from '@containerops/sdk';
import type { Database } from '../db/database.js';
import type { HealthService, PluginHealth, Principal } from './contracts.js';

export interface HealthDeps {
  readonly db: Database;
  readonly orchestrator: Orchestrator;
  readonly logs: LogStore;
  /** Present when the Lua hook runner is loaded. */
  readonly hooks?: { readonly name: string };
}

export class ServerHealthService implements HealthService {
  constructor(private readonly deps: HealthDeps) {}

  async plugins(_p: Principal): Promise<PluginHealth[]> {
    const [orchestrator, logStore] = await Promise.all([this.orchestrator(), this.logStore()]);
    const out: PluginHealth[] = [orchestrator, logStore];
    if (this.deps.hooks !== undefined) {
      out.push({ kind: 'hook', name: this.deps.hooks.name, version: '0.1.0', healthy: true });
    }
    return out;
  }

  async assertWritable(what: string): Promise<void> {
    await this.deps.db.storage.assertWritable(what);
  }

  /**
   * Database, log store and orchestrator all answer, and storage takes writes (`storage`: `full`
   * while the disk or database refuses writes for lack of space, see db/storage-health.ts).
   * `checks` (for anonymous `/readyz` callers) says only `ok`, `error` or `full`; `details` holds
   * the failures' messages, for the server log only: they can name hosts, users and paths.
   */
  async ready(): Promise<{
    ready: boolean;
    checks: Record<string, 'ok' | 'error' | 'full'>;
    details: Record<string, string>;
  }> {
    const details: Record<string, string> = {};
    const storage = await this.deps.db.storage.check();
    await this.deps.db.manager.query('SELECT 1').then(
      () => undefined,
      (e: unknown) => (details['database'] = (e as Error).message),
    );
    const [orchestrator, logStore] = await Promise.all([this.orchestrator(), this.logStore()]);
    if (!orchestrator.healthy) details['orchestrator'] = orchestrator.detail ?? 'unavailable';
    if (!logStore.healthy) details['logStore'] = logStore.detail ?? 'unavailable';
    const checks: Record<string, 'ok' | 'error' | 'full'> = {};
    for (const name of ['database', 'orchestrator', 'logStore'])
      checks[name] = details[name] === undefined ? 'ok' : 'error';
    if (storage.length > 0) {
      checks['storage'] = 'full';
      details['storage'] = storage.map((p) => `${p.area}: ${p.reason}`).join('; ');
    } else checks['storage'] = 'ok';
    return { ready: Object.keys(details).length === 0, checks, details };
  }

  private async orchestrator(): Promise<PluginHealth> {
    const o = this.deps.orchestrator;
    const availability = await o.isAvailable();
    return {
      kind: 'orchestrator',
      name: o.name,
      version: '0.1.0',
      healthy: availability.available,
      ...(availability.reason === undefined ? {} : { detail: availability.reason }),
      active: true,
    };
  }

  private async logStore(): Promise<PluginHealth> {
    try {
      await this.deps.logs.read({ runId: '', jobPath: '', limit: 1 });
      return { kind: 'logStore', name: 'sqlite', version: '0.1.0', healthy: true };
    } catch (error) {
      return {
        kind: 'logStore',
        name: 'sqlite',
        version: '0.1.0',
        healthy: false,
        detail: (error as Error).message,
      };
    }
  }
}
