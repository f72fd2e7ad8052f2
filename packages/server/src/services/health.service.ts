/** Plugin health (contracts.ts `HealthService`) and the readiness probe behind `/readyz`. */
import type { Orchestrator } from '@containerops/core';
import type { PluginHealth as HostPluginHealth } from '@containerops/sdk';
import type { Database } from '../db/database.js';
import type { HealthService, PluginHealth, Principal } from './contracts.js';

export interface HealthDeps {
  readonly db: Database;
  /** The orchestrator new runs use (marked `active` among the plugins). */
  readonly orchestrator: Orchestrator;
  /** Every plugin instance's own report (the plugin host's `health()`). */
  readonly pluginHealth: () => Promise<readonly HostPluginHealth[]>;
  /** Present when the Lua hook runner is loaded. */
  readonly hooks?: { readonly name: string };
}

export class ServerHealthService implements HealthService {
  constructor(private readonly deps: HealthDeps) {}

  async plugins(_p: Principal): Promise<PluginHealth[]> {
    const out = await this.reported();
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
    // Readiness needs the orchestrator in use and the log store; other kinds only report.
    for (const p of await this.reported()) {
      const key =
        p.kind === 'orchestrator' ? (p.active === true ? 'orchestrator' : undefined) : p.kind;
      if ((key === 'orchestrator' || key === 'logStore') && !p.healthy)
        details[key] = p.detail ?? 'unavailable';
    }
    const checks: Record<string, 'ok' | 'error' | 'full'> = {};
    for (const name of ['database', 'orchestrator', 'logStore'])
      checks[name] = details[name] === undefined ? 'ok' : 'error';
    if (storage.length > 0) {
      checks['storage'] = 'full';
      details['storage'] = storage.map((p) => `${p.area}: ${p.reason}`).join('; ');
    } else checks['storage'] = 'ok';
    return { ready: Object.keys(details).length === 0, checks, details };
  }

  /** The plugin host's reports (name, version, ok or why not), as the API shows them. */
  private async reported(): Promise<PluginHealth[]> {
    const active = this.deps.orchestrator.name;
    return (await this.deps.pluginHealth()).map((h) => ({
      kind: h.kind as PluginHealth['kind'],
      name: h.name,
      version: h.version,
      healthy: h.ok,
      ...(h.reason === undefined ? {} : { detail: h.reason }),
      ...(h.kind === 'orchestrator' ? { active: h.name === active } : {}),
    }));
  }
}
