/**
 * Runs (contracts.ts `RunService`): triggers start the workflow's stored version on the engine of
 * its organisation (the engine persists the run request, so a restarted server resumes it);
 * listing and counting read the `runs` table; logs come from the log store.
 */
import {
  findJob,
  isTerminal,
  resolveRunInputs,
  storedRunSnapshot,
  UserError,
} from '@containerops/core';
import type { JobLogLine, RunSnapshot, WorkflowDefinition } from '@containerops/core';
import type { LogStore } from '@containerops/sdk';
import type { Database } from '../db/database.js';
import { RunEntity } from '../db/entities.js';
import type { RunRow } from '../db/entities.js';
import type { EngineHost } from '../engine-host/engine-host.js';
import type { TypeOrmRunStore } from '../stores/typeorm-run-store.js';
import type { WorkspaceKeeper } from '../workspaces/workspace-keeper.js';
import { hasRole, requireRole, viewableOrganizations } from './authz.js';
import { runnableNamespaces } from './component-references.js';
import type { ComponentLookupFor } from './component-references.js';
import type {
  Principal,
  RunCounts,
  RunFilter,
  RunPage,
  RunRecord,
  RunService,
  WorkflowService,
} from './contracts.js';
import { ServerErrorCode } from './contracts.js';
import { badInput, notFound } from './errors.js';
import { debugWorkflowSource } from './debug-workflow.js';
import { RunCountCache } from './run-count-cache.js';
import type { RunScopes } from './run-scopes.js';
import { ALL_STATUSES, queryRuns, runRecordOf } from './run-query.js';
import { DEFAULT_SETTLE_TIMEOUT_MS, hasBegun, settleRun, stageDecided } from './run-settle.js';
import { validateWorkflowSource } from './workflow-validation.js';

const MAX_LOG_LINES = 10_000;

export interface RunServiceDeps {
  readonly db: Database;
  readonly store: TypeOrmRunStore;
  readonly host: EngineHost;
  readonly logs: LogStore;
  readonly workflows: WorkflowService;
  /** Component lookups as the calling principal (view rights checked). */
  readonly components: ComponentLookupFor;
  /** Keeps failed runs' workspaces for a re-run from the failed job (every run keeps its own). */
  readonly workspaces: WorkspaceKeeper;
  /** Told the scope of each run started here, for the live feeds' per-event checks. */
  readonly scopes?: RunScopes;
  /**
   * How long trigger, cancel and decide wait at most for their effect to show in the run they
   * answer with (see run-settle.ts). Default {@link DEFAULT_SETTLE_TIMEOUT_MS}.
   */
  readonly settleTimeoutMs?: number;
  /**
   * With `replicas: many`: cancel and decide for runs that another replica drives (its engine
   * holds them, not ours), see replicas/run-control.ts. Without it, only this process's runs.
   */
  readonly remoteRuns?: RemoteRunControl;
  /** The seq a run list answers as `lastSeq` (default: the run store's `currentSeq`). */
  readonly currentSeq?: () => Promise<number>;
}

/** Cancel and decide through whichever server replica drives the run (replicas/run-control.ts). */
export interface RemoteRunControl {
  /** Resolves once the run ended or `settleMs` passed; rejects when no replica drives it. */
  cancel(
    organization: string,
    runId: string,
    reason: string | undefined,
    settleMs: number,
  ): Promise<void>;
  /** Resolves once the stage no longer waits or `settleMs` passed; rejects with the refusal. */
  decide(
    organization: string,
    runId: string,
    stage: string,
    decision: { approved: boolean; by: string; comment?: string },
    settleMs: number,
  ): Promise<void>;
}

/** Reads of the stored run after a remote change, waiting for the other replica's save. */
const STORED_EFFECT_READS = 20;
const STORED_EFFECT_PAUSE_MS = 25;

/** The `runs` columns but the JSON ones (snapshot, request). */
const RUN_HEAD_COLUMNS = {
  id: true,
  workflowUri: true,
  organization: true,
  status: true,
  triggerType: true,
  triggeredBy: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

export class TypeOrmRunService implements RunService {
  /** Totals of the runs query between writes; SQLite only (one writing process). */
  private readonly totals: RunCountCache | undefined;

  constructor(private readonly deps: RunServiceDeps) {
    this.totals = deps.db.sqlite ? new RunCountCache(() => deps.store.runsGeneration) : undefined;
  }

  async trigger(
    p: Principal,
    uri: string,
    options: {
      inputs?: Record<string, string>;
      version?: number;
      trigger?: Record<string, unknown>;
      triggerEnv?: Record<string, string>;
      answerWhen?: 'begun' | 'stored';
    } = {},
  ): Promise<RunRecord> {
    const workflow = await this.deps.workflows.get(p, uri);
    if (workflow === undefined) throw notFound(`no workflow ${uri}`);
    requireRole(p, workflow.organization, 'member');
    const version = await this.deps.workflows.version(p, uri, options.version);
    if (version === undefined)
      throw notFound(`workflow ${uri} has no version ${String(options.version)}`);
    checkInputs(options.inputs);
    // Only the inputs the workflow declares, never a reserved name (PATH, LD_*, CO_*...): they
    // become every job's environment. Refused here, before anything starts.
    const inputs = {
      ...resolveRunInputs(version.model.inputs, options.inputs ?? {}),
      ...checkedTriggerEnv(options.triggerEnv),
    };
    const started = this.start(p, version.model, {
      ...(Object.keys(inputs).length === 0 ? {} : { inputs }),
      trigger: { type: 'api', ...options.trigger, by: p.userName },
    });
    if (options.answerWhen === 'stored') return this.stored(started);
    return this.settled(started, hasBegun);
  }

  /**
   * `started` once its request and first snapshot are committed: the engine queued both with the
   * store when it started the run. While writes fail (storage full) the store cannot say so soon:
   * then wait as a plain trigger does rather than claim a run is stored that is not.
   */
  private async stored(started: RunRecord): Promise<RunRecord> {
    if (await this.deps.store.saved(started.snapshot.runId)) return started;
    return this.settled(started, hasBegun);
  }

  async debugComponent(
    p: Principal,
    organization: string,
    component: string,
    options: { version?: string; inputs?: Record<string, string> } = {},
  ): Promise<RunRecord> {
    requireRole(p, organization, 'member');
    checkInputs(options.inputs);
    const yaml = debugWorkflowSource(
      organization,
      component,
      options.version,
      options.inputs ?? {},
    );
    const checked = await validateWorkflowSource(
      yaml,
      this.deps.components(p),
      runnableNamespaces(p),
    );
    if (checked.model === undefined) {
      const first = checked.diagnostics.find((d) => d.severity === 'error');
      throw badInput(first?.message ?? `cannot run component ${component}`);
    }
    const started = this.start(p, checked.model, {
      trigger: { type: 'debug', component, by: p.userName },
    });
    return this.settled(started, hasBegun);
  }

  private start(
    p: Principal,
    workflow: WorkflowDefinition,
    options: {
      inputs?: Record<string, string>;
      trigger: Record<string, unknown>;
      rerun?: { runId: string; fromFailed: boolean };
      /** The kept workspace a re-run from the failed job uses. */
      workspaceId?: string;
    },
  ): RunRecord {
    const { workspaceId, ...startOptions } = options;
    const organization = workflow.namespace;
    const engine = this.deps.host.engineFor(organization);
    const handle = this.deps.host.track(
      engine.start(workflow, { ...startOptions, keepWorkspace: true }),
    );
    const snapshot = engine.getRun(handle.runId) as RunSnapshot;
    // Before any of its events can reach a live feed (they go through the store first).
    this.deps.scopes?.remember(handle.runId, { organization, workflow: workflow.uri });
    // Not awaited: the run is already going; a failure here only costs the row (logged inside).
    void this.deps.workspaces
      .runStarted({
        runId: handle.runId,
        workflow: workflow.uri,
        workspaceId: workspaceId ?? handle.runId,
      })
      .catch(() => undefined);
    return {
      snapshot,
      workflowUri: workflow.uri,
      organization,
      triggerType: String(options.trigger['type']),
      triggeredBy: p.userName,
    };
  }

  async cancel(p: Principal, runId: string, reason?: string): Promise<RunRecord> {
    const row = await this.row(p, runId);
    requireRole(p, row.organization, 'member');
    const remote = this.remoteFor(row);
    if (remote !== undefined) {
      await remote.cancel(row.organization, runId, reason, this.settleTimeoutMs);
      return this.storedAfter(p, runId, (snapshot) => isTerminal(snapshot.status));
    }
    const engine = this.deps.host.engineFor(row.organization);
    engine.cancel(runId, reason);
    await settleRun(engine, runId, () => false, this.settleTimeoutMs);
    return this.recordOf(row);
  }

  async decide(
    p: Principal,
    runId: string,
    stage: string,
    approved: boolean,
    comment?: string,
  ): Promise<RunRecord> {
    const row = await this.row(p, runId);
    requireRole(p, row.organization, 'member');
    const decision = {
      approved,
      by: p.userName,
      ...(comment === undefined ? {} : { comment }),
    };
    const remote = this.remoteFor(row);
    if (remote !== undefined) {
      await remote.decide(row.organization, runId, stage, decision, this.settleTimeoutMs);
      const decided = stageDecided(stage);
      return this.storedAfter(p, runId, (s) => isTerminal(s.status) || decided(s));
    }
    const engine = this.deps.host.engineFor(row.organization);
    engine.decide(runId, stage, decision);
    await settleRun(engine, runId, stageDecided(stage), this.settleTimeoutMs);
    return this.recordOf(row);
  }

  async rerun(p: Principal, runId: string, fromFailed: boolean): Promise<RunRecord> {
    const row = await this.row(p, runId);
    requireRole(p, row.organization, 'member');
    const request = await this.deps.store.getRunRequest(runId);
    if (request === undefined) {
      throw new UserError(
        'RERUN_NOT_POSSIBLE',
        `run ${runId} cannot be re-run: its request was not saved`,
      );
    }
    const snapshot = this.recordOf(row).snapshot;
    if (!isTerminal(snapshot.status)) {
      throw new UserError(
        'RERUN_NOT_POSSIBLE',
        `run ${runId} is still ${snapshot.status}; re-run it once it ended`,
      );
    }
    const workspaceId = fromFailed ? await this.keptWorkspaceOf(snapshot) : undefined;
    const started = this.start(p, request.workflow, {
      ...(request.inputs === undefined ? {} : { inputs: { ...request.inputs } }),
      trigger: { type: 'rerun', by: p.userName, rerunOf: runId },
      rerun: { runId, fromFailed },
      ...(workspaceId === undefined ? {} : { workspaceId }),
    });
    return this.settled(started, hasBegun);
  }

  /**
   * The kept workspace a re-run of `old` from its failed job would use. Refuses here, with a
   * reason, what the engine would otherwise only find once the new run started (and end it
   * failed): a succeeded run, a workspace that was not kept, removed, or in use by another run.
   */
  private async keptWorkspaceOf(old: RunSnapshot): Promise<string> {
    const refuse = (why: string): never => {
      throw new UserError(
        'RERUN_NOT_POSSIBLE',
        `cannot re-run run ${old.runId} from its failed job: ${why}`,
      );
    };
    if (old.status === 'succeeded')
      refuse('it succeeded; start a plain re-run (fromFailed: false) instead');
    if (old.keepWorkspace !== true)
      refuse('its workspace was not kept; start a plain re-run (fromFailed: false) instead');
    const workspaceId = old.workspaceRunId ?? old.runId;
    const kept = await this.deps.workspaces.state(workspaceId);
    if (kept.state === 'in-use')
      refuse(`its workspace is in use by run ${kept.byRunId}; wait for that run to end`);
    if (kept.state === 'gone') {
      const hours = Math.round(this.deps.workspaces.keepForMs / 3_600_000);
      refuse(
        `its workspace was removed (failed runs keep theirs for ${hours}h, see ` +
          'retention.workspaces, or until a re-run succeeds); start a plain re-run instead',
      );
    }
    return workspaceId;
  }

  async list(
    p: Principal,
    filter: RunFilter,
    page: { first: number; after?: string },
  ): Promise<RunPage> {
    // Read before the rows (and after pending snapshots are written): every change the page
    // may not show yet has a larger seq, so a feed resumed from here replays it.
    const lastSeq = await (this.deps.currentSeq ?? (() => this.deps.store.currentSeq()))();
    await this.deps.store.flushed();
    if (filter.organization !== undefined && !hasRole(p, filter.organization, 'viewer')) {
      return { runs: [], hasNextPage: false, totalCount: 0, lastSeq };
    }
    const result = await queryRuns(
      this.deps.db,
      filter,
      viewableOrganizations(p),
      page,
      this.totals,
    );
    const runs: RunRecord[] = [];
    for (const row of result.rows) {
      const record = runRecordOf(row, this.deps.host.liveRun(row.organization, row.id));
      if (record !== undefined) runs.push(record);
    }
    return {
      runs,
      hasNextPage: result.hasNextPage,
      totalCount: result.totalCount,
      lastSeq,
      ...(result.endCursor === undefined ? {} : { endCursor: result.endCursor }),
    };
  }

  async get(p: Principal, runId: string): Promise<RunRecord | undefined> {
    await this.deps.store.flushed();
    // The row without its JSON first: a run an engine of this process holds is answered from
    // the engine, and its saved snapshot (~10 MB for a 100,000-instance fan-out) is not read.
    const head = await this.deps.db.manager.findOne(RunEntity, {
      where: { id: runId },
      select: RUN_HEAD_COLUMNS,
    });
    if (head === null || !hasRole(p, head.organization, 'viewer')) return undefined;
    const live = this.deps.host.liveRun(head.organization, runId);
    if (live !== undefined) return runRecordOf({ ...head, snapshot: null, request: null }, live);
    const row = await this.deps.db.manager.findOneBy(RunEntity, { id: runId });
    return row === null ? undefined : this.currentRecordOf(row);
  }

  /**
   * The run's record: the live snapshot when an engine of this process drives it; for an
   * unfinished run another replica drives, the state its stored events give (the saved snapshot
   * lags them: it is saved at stage boundaries); else the saved snapshot.
   */
  private async currentRecordOf(row: RunRow): Promise<RunRecord | undefined> {
    const live = this.deps.host.liveRun(row.organization, row.id);
    if (live !== undefined || row.snapshot === null) return runRecordOf(row, live);
    if (isTerminal(row.status as RunSnapshot['status'])) return runRecordOf(row);
    const [request, events] = await Promise.all([
      this.deps.store.getRunRequest(row.id),
      this.deps.store.readEvents({ runId: row.id }),
    ]);
    return runRecordOf(
      row,
      storedRunSnapshot(JSON.parse(row.snapshot) as RunSnapshot, request, events),
    );
  }

  async counts(p: Principal, organization?: string): Promise<RunCounts> {
    const counts = Object.fromEntries(ALL_STATUSES.map((s) => [s, 0])) as Record<
      (typeof ALL_STATUSES)[number],
      number
    >;
    if (organization !== undefined && !hasRole(p, organization, 'viewer')) return counts;
    const orgs = viewableOrganizations(p);
    if (orgs !== undefined && orgs.length === 0) return counts;
    const qb = this.deps.db.manager
      .createQueryBuilder(RunEntity, 'r')
      .select('r.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('1 = 1');
    if (orgs !== undefined) qb.andWhere('r.organization IN (:...orgs)', { orgs });
    if (organization !== undefined) qb.andWhere('r.organization = :org', { org: organization });
    for (const row of await qb
      .groupBy('r.status')
      .getRawMany<{ status: string; n: string | number }>()) {
      if (row.status in counts) counts[row.status as keyof typeof counts] = Number(row.n);
    }
    return counts;
  }

  async logs(
    p: Principal,
    query: { runId: string; jobPath: string; attempt?: number; afterSeq?: number; limit?: number },
  ): Promise<readonly JobLogLine[]> {
    const row = await this.row(p, query.runId);
    const limit = query.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG_LINES) {
      throw badInput(`limit must be from 1 to ${MAX_LOG_LINES}`);
    }
    // One attempt per answer: each attempt numbers its lines from 1, so lines of several
    // attempts in one list (and `afterSeq` paging over them) would be ambiguous.
    const attempt = query.attempt ?? (await this.latestAttempt(row, query.jobPath));
    if (attempt === undefined) return [];
    return this.deps.logs.read({
      runId: query.runId,
      jobPath: query.jobPath,
      attempt,
      afterSeq: query.afterSeq ?? 0,
      limit,
    });
  }

  /**
   * The latest attempt of the job or fan-out instance at `jobPath`; undefined before its first
   * start or for a path naming neither (core's `findJob`: no instance list is read).
   */
  private async latestAttempt(row: RunRow, jobPath: string): Promise<number | undefined> {
    const snapshot = (await this.currentRecordOf(row))?.snapshot;
    const found = snapshot === undefined ? undefined : findJob(snapshot, jobPath);
    if (found === undefined) return undefined;
    const attempt = found.kind === 'job' ? found.job.attempt : found.instance.attempt;
    return attempt > 0 ? attempt : undefined;
  }

  /** The run's row when the caller may view it; NOT_FOUND otherwise (no existence leak). */
  private async row(p: Principal, runId: string): Promise<RunRow> {
    await this.deps.store.flushed();
    const row = await this.deps.db.manager.findOneBy(RunEntity, { id: runId });
    if (row === null || !hasRole(p, row.organization, 'viewer')) {
      throw new UserError(ServerErrorCode.notFound, `no run ${runId}`);
    }
    return row;
  }

  /** The replicas to ask, for an unfinished run this process's engines do not hold. */
  private remoteFor(row: RunRow): RemoteRunControl | undefined {
    const remote = this.deps.remoteRuns;
    if (remote === undefined || isTerminal(row.status as RunSnapshot['status'])) return undefined;
    return this.deps.host.liveRun(row.organization, row.id) === undefined ? remote : undefined;
  }

  /**
   * The stored run once it shows `effect`: the replica that applied a change saves the run's
   * snapshot just after the events the caller waited for, so a few short reads (bounded) get
   * the state after the change rather than the one before.
   */
  private async storedAfter(
    p: Principal,
    runId: string,
    effect: (snapshot: RunSnapshot) => boolean,
  ): Promise<RunRecord> {
    let record = this.recordOf(await this.row(p, runId));
    for (let i = 0; i < STORED_EFFECT_READS && !effect(record.snapshot); i++) {
      await new Promise((resolve) => setTimeout(resolve, STORED_EFFECT_PAUSE_MS));
      record = this.recordOf(await this.row(p, runId));
    }
    return record;
  }

  private get settleTimeoutMs(): number {
    return this.deps.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS;
  }

  /** `started` as it is once `begun` holds (or the wait is over): the state after the change. */
  private async settled(
    started: RunRecord,
    begun: (snapshot: RunSnapshot) => boolean,
  ): Promise<RunRecord> {
    const { runId } = started.snapshot;
    const engine = this.deps.host.engineFor(started.organization);
    await settleRun(engine, runId, begun, this.settleTimeoutMs);
    const snapshot = engine.getRun(runId);
    return snapshot === undefined ? started : { ...started, snapshot };
  }

  private recordOf(row: RunRow): RunRecord {
    const record = runRecordOf(row, this.deps.host.liveRun(row.organization, row.id));
    if (record === undefined) throw notFound(`run ${row.id} has no state yet`);
    return record;
  }
}

/** Only `CO_TRIGGER_*` names (a prefix no declared input may take, so none is overridden). */
function checkedTriggerEnv(env: Record<string, string> | undefined): Record<string, string> {
  if (env === undefined) return {};
  for (const name of Object.keys(env))
    if (!/^CO_TRIGGER_[A-Z0-9_]+$/.test(name))
      throw badInput(`trigger variable ${name} must be named CO_TRIGGER_<NAME>`);
  return env;
}

function checkInputs(inputs: Record<string, string> | undefined): void {
  if (inputs === undefined) return;
  for (const [key, value] of Object.entries(inputs)) {
    if (typeof value !== 'string') throw badInput(`input ${key} must be a string`);
  }
}
