/**
 * A small in-memory `ServerServices` for the API layer's own tests: enough behaviour (tokens,
 * roles, runs, an event feed that replays then follows and honours its AbortSignal) to check the
 * resolvers' mapping, the transports and the error handling without a database. The acceptance
 * tests run against the real server (`startServer`).
 */
import { EventEmitter } from 'node:events';
import { UserError } from '@containerops/core';
import type { EngineEvent, JobLogLine, RunSnapshot } from '@containerops/core';
import type {
  ComponentVersionRecord,
  Principal,
  Role,
  RunRecord,
  ServerServices,
  WorkflowRecord,
} from '../../../src/services/contracts.js';
import { ServerErrorCode } from '../../../src/services/contracts.js';

const rank: Record<Role, number> = { viewer: 1, member: 2, admin: 3 };

export interface MemoryServices extends ServerServices {
  /** Adds a user with roles and returns their bearer token. */
  addUser(name: string, roles: Record<string, Role>, siteAdmin?: boolean): string;
  addRun(record: RunRecord): void;
  /** Appends an event (numbered here) and wakes live feeds. */
  emit(event: Omit<EngineEvent, 'seq'>): EngineEvent;
  addLogLines(lines: JobLogLine[]): void;
  /** Signals handed to live feeds, to check that unsubscribing aborts them. */
  readonly feedSignals: AbortSignal[];
  /** Makes the next runs.get throw a plain Error (an "unexpected" failure). */
  failNextGet(message: string): void;
}

export function createMemoryServices(): MemoryServices {
  const tokens = new Map<string, Principal>();
  const runs = new Map<string, RunRecord>();
  const events: EngineEvent[] = [];
  const logs: JobLogLine[] = [];
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const feedSignals: AbortSignal[] = [];
  let failGet: string | undefined;
  let userCount = 0;

  function require(p: Principal, org: string, role: Role): void {
    const has = p.roles.get(org);
    if (p.siteAdmin) return;
    if (has === undefined || rank[has] < rank[role]) {
      throw new UserError(ServerErrorCode.forbidden, `needs ${role} in ${org}`);
    }
  }
  function visible(p: Principal, org: string): boolean {
    return p.siteAdmin || p.roles.has(org);
  }

  const workflow: WorkflowRecord = {
    id: 'w1',
    uri: 'acme/app/ci',
    organization: 'acme',
    repository: 'app',
    name: 'ci',
    latestVersion: 1,
    createdAt: 0,
    updatedAt: 1000,
  };

  const services: MemoryServices = {
    feedSignals,
    addUser(name, roles, siteAdmin = false) {
      userCount += 1;
      const token = `co_test_${name}_${userCount}`;
      tokens.set(token, {
        userId: `u-${name}`,
        userName: name,
        siteAdmin,
        roles: new Map(Object.entries(roles)),
        tokenId: `t-${userCount}`,
      });
      return token;
    },
    addRun(record) {
      runs.set(record.snapshot.runId, record);
    },
    emit(event) {
      const numbered = { ...event, seq: events.length + 1 };
      events.push(numbered);
      bus.emit('event', numbered);
      return numbered;
    },
    addLogLines(lines) {
      logs.push(...lines);
      bus.emit('logs', lines);
    },
    failNextGet(message) {
      failGet = message;
    },
    identity: {
      async authenticate(bearer) {
        return tokens.get(bearer);
      },
      async me(p) {
        return { id: p.userId, name: p.userName, siteAdmin: p.siteAdmin, createdAt: 86_400_000 };
      },
      async listOrganizations(p) {
        return [...p.roles.keys()].map((name) => ({ id: `o-${name}`, name, createdAt: 0 }));
      },
      async createOrganization(p, name) {
        if (!p.siteAdmin) throw new UserError(ServerErrorCode.forbidden, 'site admin only');
        return { id: `o-${name}`, name, createdAt: 0 };
      },
      async listMembers(p, organization) {
        require(p, organization, 'viewer');
        return [{ organization, user: p.userName, role: p.roles.get(organization) ?? 'admin' }];
      },
      async setMember(p, organization, user, role) {
        require(p, organization, 'admin');
        return { organization, user, role };
      },
      async removeMember(p, organization) {
        require(p, organization, 'admin');
        return true;
      },
      async createToken(p, name) {
        const secret = services.addUser(`${p.userName}-${name}`, Object.fromEntries(p.roles));
        return {
          record: {
            id: 't-new',
            userName: p.userName,
            name,
            prefix: secret.slice(0, 7),
            createdAt: 5,
          },
          secret,
        };
      },
      async listTokens(p) {
        return [
          { id: p.tokenId, userName: p.userName, name: 'default', prefix: 'co_test', createdAt: 0 },
        ];
      },
      async deleteToken() {
        return true;
      },
    },
    workflows: {
      async validate(_p, yaml) {
        return yaml.includes('bad')
          ? {
              ok: false,
              diagnostics: [
                {
                  severity: 'error',
                  code: 'unknown-stage-type',
                  message: 'unknown stage type',
                  line: 3,
                  col: 5,
                },
              ],
            }
          : { ok: true, diagnostics: [] };
      },
      async apply(p, yaml) {
        require(p, 'acme', 'member');
        const result = await services.workflows.validate(p, yaml);
        return { ...result, changed: result.ok, ...(result.ok ? { workflow } : {}) };
      },
      async list(p) {
        return visible(p, 'acme') ? [workflow] : [];
      },
      async get(p, uri) {
        return uri === workflow.uri && visible(p, 'acme') ? workflow : undefined;
      },
      async versions() {
        return [];
      },
      async version() {
        return undefined;
      },
      async remove(p) {
        require(p, 'acme', 'admin');
        return true;
      },
    },
    runs: {
      async trigger(p, uri) {
        require(p, uri.split('/')[0] ?? '', 'member');
        const first = [...runs.values()][0];
        if (first === undefined) throw new UserError(ServerErrorCode.notFound, 'no run');
        return first;
      },
      async debugComponent() {
        throw new UserError(ServerErrorCode.notFound, 'no component');
      },
      async cancel(p, runId) {
        return mustGet(p, runId, 'member');
      },
      async decide() {
        throw new UserError('STAGE_NOT_WAITING', 'stage is not waiting');
      },
      async rerun(p, runId) {
        return mustGet(p, runId, 'member');
      },
      async list(p, filter, page) {
        const all = [...runs.values()].filter(
          (r) =>
            visible(p, r.organization) &&
            (filter.workflow === undefined || r.workflowUri === filter.workflow),
        );
        return {
          runs: all.slice(0, page.first),
          hasNextPage: all.length > page.first,
          totalCount: all.length,
          lastSeq: Math.max(0, ...all.map((r) => r.snapshot.lastSeq)),
        };
      },
      async get(p, runId) {
        if (failGet !== undefined) {
          const message = failGet;
          failGet = undefined;
          throw new Error(message);
        }
        const run = runs.get(runId);
        return run !== undefined && visible(p, run.organization) ? run : undefined;
      },
      async counts() {
        return {
          queued: 1,
          running: 2,
          waiting: 3,
          succeeded: 4,
          failed: 5,
          timed_out: 6,
          cancelled: 7,
        };
      },
      async logs(p, query) {
        await mustGet(p, query.runId, 'viewer');
        return logs
          .filter((l) => l.runId === query.runId && l.seq > (query.afterSeq ?? 0))
          .slice(0, query.limit);
      },
    },
    live: {
      events(p, filter, signal) {
        feedSignals.push(signal);
        return follow<EngineEvent>(
          'event',
          signal,
          () => events.filter((e) => e.seq > (filter.afterSeq ?? 0)),
          (e) =>
            (filter.runId === undefined || e.runId === filter.runId) &&
            visible(p, runs.get(e.runId)?.organization ?? ''),
        );
      },
      logs(_p, query, signal) {
        feedSignals.push(signal);
        const mine = (l: JobLogLine) => l.runId === query.runId && l.jobPath === query.jobPath;
        return follow<readonly JobLogLine[]>(
          'logs',
          signal,
          () =>
            [logs.filter((l) => mine(l) && l.seq > (query.afterSeq ?? 0))].filter(
              (b) => b.length > 0,
            ),
          (batch) => batch.some(mine),
        );
      },
    },
    components: {
      async list() {
        return [
          { id: 'c1', namespace: 'library', name: 'echo', latestVersion: '1.0.0', createdAt: 0 },
        ];
      },
      async get() {
        return undefined;
      },
      async versions() {
        return [];
      },
      async version() {
        return componentVersion;
      },
      async publish(_p, yaml) {
        if (yaml.includes('bad')) {
          throw new UserError(ServerErrorCode.invalidDefinition, 'component.yaml has errors', {
            details: {
              diagnostics: [
                {
                  severity: 'error',
                  code: 'missing-field',
                  message: 'image is required',
                  line: 1,
                  col: 1,
                },
              ],
            },
          });
        }
        return componentVersion;
      },
      async deprecate() {
        return { ...componentVersion, deprecated: true, deprecationMessage: 'old' };
      },
      async remove() {
        return true;
      },
    },
    secrets: {
      async list(p, organization) {
        require(p, organization, 'viewer');
        return [{ organization, name: 'TOKEN', createdAt: 0, updatedAt: 0 }];
      },
      async set(p, organization, name) {
        require(p, organization, 'admin');
        return { organization, name, createdAt: 0, updatedAt: 0 };
      },
      async remove(p, organization) {
        require(p, organization, 'admin');
        return true;
      },
    },
    deliveries: {
      async recent() {
        return [];
      },
      async list() {
        return { deliveries: [], hasNextPage: false };
      },
      async get() {
        return undefined;
      },
      async request() {
        return undefined;
      },
      async redeliver(_p, id) {
        throw new Error(`no delivery ${id} in the memory services`);
      },
    },
    notifications: {
      async ofRun() {
        return [];
      },
    },
    health: {
      async plugins() {
        return [{ kind: 'logStore', name: 'sqlite', version: '0.1.0', healthy: true }];
      },
      async assertWritable() {
        // In memory: always writable.
      },
    },
  };

  async function mustGet(p: Principal, runId: string, role: Role): Promise<RunRecord> {
    const run = runs.get(runId);
    if (run === undefined) throw new UserError(ServerErrorCode.notFound, `no run ${runId}`);
    require(p, run.organization, role);
    return run;
  }

  /** Replays `stored()`, then yields live `channel` items passing `keep`, until `signal` aborts. */
  async function* follow<T>(
    channel: string,
    signal: AbortSignal,
    stored: () => T[],
    keep: (item: T) => boolean,
  ): AsyncGenerator<T> {
    const pending: T[] = [];
    let wake: (() => void) | undefined;
    const onItem = (item: T) => {
      if (keep(item)) pending.push(item);
      wake?.();
    };
    const onAbort = () => wake?.();
    bus.on(channel, onItem);
    signal.addEventListener('abort', onAbort);
    try {
      const replay = stored();
      pending.length = 0; // the replay already holds everything emitted before this point
      for (const item of replay) if (keep(item)) yield item;
      while (!signal.aborted) {
        const item = pending.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      bus.off(channel, onItem);
      signal.removeEventListener('abort', onAbort);
    }
  }

  return services;
}

const componentVersion: ComponentVersionRecord = {
  namespace: 'library',
  name: 'echo',
  version: '1.0.0',
  definition: {
    name: 'library/echo',
    namespace: 'library',
    shortName: 'echo',
    version: '1.0.0',
    image: 'containerops/busybox:latest',
    inputs: [{ key: 'text', required: true, secret: false }],
    outputs: [{ key: 'ECHOED' }],
    resources: { cpuMillis: 500, memoryBytes: 1024 * 1024 * 1024 },
    timeoutMs: 60_000,
  },
  yaml: 'name: library/echo',
  deprecated: false,
  publishedAt: 0,
  publishedBy: 'admin',
};

/** A run record with one stage/action/job, finished, for mapping checks. */
export function sampleRun(runId: string, organization = 'acme'): RunRecord {
  const snapshot: RunSnapshot = {
    runId,
    workflow: 'acme/app/ci',
    workflowVersion: 1,
    status: 'timed_out',
    reason: 'run timeout',
    createdAt: 1_000,
    startedAt: 2_000,
    finishedAt: 4_500,
    lastSeq: 7,
    stages: [
      {
        name: 'test',
        type: 'normal',
        status: 'timed_out',
        startedAt: 2_000,
        finishedAt: 4_500,
        actions: [
          {
            name: 'unit',
            path: 'test.unit',
            status: 'timed_out',
            startedAt: 2_000,
            jobs: [
              {
                name: 'go',
                path: 'test.unit.go',
                status: 'timed_out',
                attempt: 1,
                exitCode: null,
                outputs: { COVERAGE: '80' },
                startedAt: 2_100,
                finishedAt: 4_400,
                backendId: 'container-abc',
              },
            ],
          },
        ],
      },
    ],
  };
  return {
    snapshot,
    workflowUri: 'acme/app/ci',
    organization,
    triggerType: 'api',
    triggeredBy: 'alice',
  };
}
