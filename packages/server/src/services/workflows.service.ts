/**
 * Workflows and their versions (contracts.ts `WorkflowService`). The workflow `uri`'s namespace
 * is its organisation; each apply with a changed YAML makes a new version whose number is also
 * the model's `version` (what runs report as `workflowVersion`).
 */
import { In } from 'typeorm';
import type { WorkflowDefinition } from '@containerops/core';
import type { Database } from '../db/database.js';
import { WorkflowEntity, WorkflowVersionEntity } from '../db/entities.js';
import type { WorkflowRow, WorkflowVersionRow } from '../db/entities.js';
import { hasRole, requireRole, viewableOrganizations } from './authz.js';
import { requireExistingOrganization } from './organization-exists.js';
import { runnableNamespaces } from './component-references.js';
import type { ComponentLookupFor } from './component-references.js';
import type {
  ApplyResult,
  Principal,
  ValidationResult,
  WorkflowRecord,
  WorkflowService,
  WorkflowVersionRecord,
} from './contracts.js';
import { newId } from './ids.js';
import { WorkflowCache } from './workflow-cache.js';
import { validateWorkflowSource } from './workflow-validation.js';

export class TypeOrmWorkflowService implements WorkflowService {
  private readonly cache = new WorkflowCache();

  constructor(
    private readonly db: Database,
    /** Component lookups as the calling principal (view rights checked). */
    private readonly components: ComponentLookupFor,
    /** Told after a workflow was applied (a new version) or removed (trigger subscriptions). */
    private readonly onChanged: () => void = () => undefined,
  ) {}

  /**
   * Another server replica applied or removed a workflow (replicas/cache-invalidation.ts): as
   * after a change made here, the cache is emptied and the listener told.
   */
  changedElsewhere(): void {
    this.cache.clear();
    this.onChanged();
  }

  async validate(p: Principal, yaml: string): Promise<ValidationResult> {
    const result = await validateWorkflowSource(yaml, this.components(p));
    return {
      ok: result.ok,
      diagnostics: result.diagnostics,
      ...(result.model === undefined ? {} : { model: result.model }),
    };
  }

  async apply(p: Principal, yaml: string): Promise<ApplyResult> {
    const result = await validateWorkflowSource(yaml, this.components(p), runnableNamespaces(p));
    if (result.model === undefined)
      return { ok: false, diagnostics: result.diagnostics, changed: false };
    const model = result.model;
    requireRole(p, model.namespace, 'member');
    await requireExistingOrganization(
      this.db.manager,
      p,
      model.namespace,
      "a workflow's uri starts with the organisation that owns it",
    );
    const applied = await this.store(p, yaml, model, result.diagnostics);
    if (applied.changed) this.cache.clear();
    if (applied.changed) this.onChanged(); // after the commit: listeners read the new version
    return applied;
  }

  private store(
    p: Principal,
    yaml: string,
    model: WorkflowDefinition,
    diagnostics: ApplyResult['diagnostics'],
  ): Promise<ApplyResult> {
    return this.db.transaction(async (m) => {
      const now = Date.now();
      let workflow = await m.findOneBy(WorkflowEntity, { uri: model.uri });
      if (workflow !== null) {
        const latest = await m.findOneBy(WorkflowVersionEntity, {
          workflowId: workflow.id,
          number: workflow.latestVersion,
        });
        if (latest !== null && latest.yaml === yaml) {
          return {
            ok: true,
            diagnostics,
            model: JSON.parse(latest.model) as WorkflowDefinition,
            workflow: workflowRecord(workflow),
            version: versionRecord(latest),
            changed: false,
          };
        }
      }
      const number = (workflow?.latestVersion ?? 0) + 1;
      const versioned: WorkflowDefinition = { ...model, version: number };
      const version: WorkflowVersionRow = {
        workflowId: workflow?.id ?? newId(),
        number,
        yaml,
        model: JSON.stringify(versioned),
        createdAt: now,
        createdBy: p.userName,
      };
      if (workflow === null) {
        workflow = {
          id: version.workflowId,
          uri: model.uri,
          organization: model.namespace,
          repository: model.repository,
          name: model.name,
          title: model.title ?? null,
          latestVersion: number,
          createdAt: now,
          updatedAt: now,
        };
        await m.insert(WorkflowEntity, workflow);
      } else {
        workflow = {
          ...workflow,
          latestVersion: number,
          updatedAt: now,
          title: model.title ?? null,
        };
        await m.update(
          WorkflowEntity,
          { id: workflow.id },
          { latestVersion: number, updatedAt: now, title: workflow.title },
        );
      }
      await m.insert(WorkflowVersionEntity, version);
      return {
        ok: true,
        diagnostics,
        model: versioned,
        workflow: workflowRecord(workflow),
        version: versionRecord(version),
        changed: true,
      };
    });
  }

  async list(
    p: Principal,
    filter: { organization?: string; search?: string } = {},
  ): Promise<WorkflowRecord[]> {
    const orgs = viewableOrganizations(p);
    if (filter.organization !== undefined && !hasRole(p, filter.organization, 'viewer')) return [];
    const where =
      filter.organization !== undefined
        ? { organization: filter.organization }
        : orgs === undefined
          ? {}
          : { organization: In([...orgs]) };
    if (orgs !== undefined && orgs.length === 0) return [];
    const rows = await this.db.manager.find(WorkflowEntity, { where, order: { uri: 'ASC' } });
    const search = filter.search?.toLowerCase();
    return rows
      .filter(
        (w) =>
          search === undefined ||
          w.uri.toLowerCase().includes(search) ||
          (w.title ?? '').toLowerCase().includes(search),
      )
      .map(workflowRecord);
  }

  async get(p: Principal, uri: string): Promise<WorkflowRecord | undefined> {
    const row = await this.visible(p, uri);
    return row === undefined ? undefined : workflowRecord(row);
  }

  async versions(p: Principal, uri: string): Promise<WorkflowVersionRecord[]> {
    const row = await this.visible(p, uri);
    if (row === undefined) return [];
    const rows = await this.db.manager.find(WorkflowVersionEntity, {
      where: { workflowId: row.id },
      order: { number: 'DESC' },
    });
    return rows.map(versionRecord);
  }

  async version(
    p: Principal,
    uri: string,
    number?: number,
  ): Promise<WorkflowVersionRecord | undefined> {
    const row = await this.visible(p, uri);
    if (row === undefined) return undefined;
    const wanted = number ?? row.latestVersion;
    const cached = this.cache.version(row.id, wanted);
    if (cached !== undefined) return cached;
    const version = await this.db.manager.findOneBy(WorkflowVersionEntity, {
      workflowId: row.id,
      number: wanted,
    });
    if (version === null) return undefined;
    const record = versionRecord(version);
    this.cache.setVersion(record);
    return record;
  }

  async remove(p: Principal, uri: string): Promise<boolean> {
    const row = await this.visible(p, uri);
    if (row === undefined) return false;
    requireRole(p, row.organization, 'admin');
    await this.db.transaction(async (m) => {
      await m.delete(WorkflowVersionEntity, { workflowId: row.id });
      await m.delete(WorkflowEntity, { id: row.id });
    });
    this.cache.clear();
    this.onChanged();
    return true;
  }

  private async visible(p: Principal, uri: string): Promise<WorkflowRow | undefined> {
    const now = Date.now();
    let row = this.cache.row(uri, now);
    if (row === undefined) {
      const found = await this.db.manager.findOneBy(WorkflowEntity, { uri });
      if (found === null) return undefined;
      row = found;
      this.cache.setRow(row, now);
    }
    return hasRole(p, row.organization, 'viewer') ? row : undefined;
  }
}

function workflowRecord(w: WorkflowRow): WorkflowRecord {
  return {
    id: w.id,
    uri: w.uri,
    organization: w.organization,
    repository: w.repository,
    name: w.name,
    ...(w.title === null ? {} : { title: w.title }),
    latestVersion: w.latestVersion,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}

function versionRecord(v: WorkflowVersionRow): WorkflowVersionRecord {
  return {
    workflowId: v.workflowId,
    number: v.number,
    yaml: v.yaml,
    model: JSON.parse(v.model) as WorkflowDefinition,
    createdAt: v.createdAt,
    createdBy: v.createdBy,
  };
}
