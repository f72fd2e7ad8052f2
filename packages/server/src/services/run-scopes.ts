/** Which organisation and workflow a run belongs to, cached (live feeds check it per event). */
import type { Database } from '../db/database.js';
import { RunEntity } from '../db/entities.js';

export interface RunScope {
  readonly organization: string;
  readonly workflow: string;
}

const MAX_CACHED = 10_000;

export class RunScopes {
  private readonly cache = new Map<string, RunScope>();

  constructor(
    private readonly db: Database,
    /** Resolves once queued run saves are written (a run's first event may precede its row). */
    private readonly flushed: () => Promise<void>,
  ) {}

  /**
   * Records the scope of a run this server has just started, so that live feeds need no query
   * for it (per run, one or two: its first events usually arrive before its row is written).
   */
  remember(runId: string, scope: RunScope): void {
    this.put(runId, scope);
  }

  async of(runId: string): Promise<RunScope | undefined> {
    const cached = this.cache.get(runId);
    if (cached !== undefined) return cached;
    return (await this.load(runId)) ?? (await this.flushed().then(() => this.load(runId)));
  }

  private async load(runId: string): Promise<RunScope | undefined> {
    const row = await this.db.manager.findOne(RunEntity, {
      where: { id: runId },
      select: { id: true, organization: true, workflowUri: true },
    });
    if (row === null) return undefined;
    const scope = { organization: row.organization, workflow: row.workflowUri };
    this.put(runId, scope);
    return scope;
  }

  private put(runId: string, scope: RunScope): void {
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(runId, scope);
  }
}
