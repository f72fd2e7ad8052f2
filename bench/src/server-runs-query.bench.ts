/**
 * Bench (c) of issue 5: the runs query (first page, filtered by organisation and status) with
 * 100,000 runs stored in SQLite; target p99 ≤ 20 ms. Also the overview's aggregates of issue 17 on
 * the same runs (one created per second, so the last 24 hours hold ~86,000 of them): runs per hour
 * (`runActivity`) and queue depth / running runs per hour (`runLoad`), over 24 hours and 7 days,
 * across every organisation and for one; running jobs and per-orchestrator load (`jobLoad`) over
 * the runs' 400,000 job attempts (4 per run, on two orchestrators); and what storing
 * `job_attempts` adds to the event appends of a 100,000-instance fan-out. Writes
 * bench/results/server-runs-query.json.
 *
 *   node --conditions=@containerops/source --import tsx bench/src/server-runs-query.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RunSnapshot, RunStatus } from '@containerops/core';
import { silentServerLogger, startServer } from '@containerops/server';
import type { Principal } from '@containerops/server';
import { writeResults } from './results.js';
import { percentile } from './stats.js';

const RUNS = 100_000;
const QUERIES = 500;
const AGGREGATE_QUERIES = 100;
const STATUSES: RunStatus[] = ['succeeded', 'failed', 'cancelled', 'succeeded', 'succeeded'];
const ORGS = ['default', 'alpha', 'beta', 'gamma'];
const JOB_PATHS = [
  'build.main.compile',
  'build.main.lint',
  'test.main.unit',
  'test.main.integration',
];
/** The simulated fan-out: instances, and how many end (and start) per progress event. */
const FAN_OUT_INSTANCES = 100_000;
const PER_PROGRESS = 100;

/** A snapshot shaped like a real one: start, two normal stages of two jobs, end (~2 KB). */
function snapshotOf(runId: string, workflow: string, status: string, createdAt: number): object {
  const job = (stage: string, name: string) => ({
    name,
    path: `${stage}.main.${name}`,
    status,
    attempt: 1,
    exitCode: status === 'failed' ? 1 : 0,
    outputs: { VERSION: '1.2.3', DIGEST: 'sha256:0123456789abcdef' },
    startedAt: createdAt + 10,
    finishedAt: createdAt + 400,
  });
  const stage = (name: string, type: string, jobs: object[]) => ({
    name,
    type,
    status,
    startedAt: createdAt,
    finishedAt: createdAt + 500,
    actions: jobs.length === 0 ? [] : [{ name: 'main', path: `${name}.main`, status, jobs }],
  });
  return {
    runId,
    workflow,
    workflowVersion: 1,
    status,
    createdAt,
    startedAt: createdAt,
    finishedAt: createdAt + 500,
    trigger: { type: 'api', by: 'admin' },
    keepWorkspace: true,
    workspaceRunId: runId,
    stages: [
      stage('start', 'start', []),
      stage('build', 'normal', [job('build', 'compile'), job('build', 'lint')]),
      stage('test', 'normal', [job('test', 'unit'), job('test', 'integration')]),
      stage('end', 'end', []),
    ],
    lastSeq: 40,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'co-bench-runs-'));
const server = await startServer(
  { port: 0, host: '127.0.0.1', dataDir: dir, orchestrator: 'local', announce: () => undefined },
  { logger: silentServerLogger },
);
try {
  const admin = (await server.services.identity.authenticate(server.adminToken ?? '')) as Principal;
  const db = server.dataSource;
  const now = Date.now();
  const insert = db.createQueryRunner();
  await insert.startTransaction();
  for (let i = 0; i < RUNS; i += 500) {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (let j = i; j < Math.min(RUNS, i + 500); j++) {
      const org = ORGS[j % ORGS.length] as string;
      const status = STATUSES[j % STATUSES.length] as string;
      const snapshot = JSON.stringify(
        snapshotOf(`run-${j}`, `${org}/repo/wf${j % 20}`, status, now - j * 1000),
      );
      rows.push('(?,?,?,?,?,?,?,?,?,?,?)');
      values.push(
        `run-${String(j).padStart(6, '0')}`,
        `${org}/repo/wf${j % 20}`,
        org,
        status,
        'api',
        'admin',
        now - j * 1000,
        now - j * 1000,
        now - j * 1000 + 500,
        snapshot,
        null,
      );
    }
    await insert.query(
      `INSERT INTO runs (id, workflow_uri, organization, status, trigger_type, triggered_by, created_at, started_at, finished_at, snapshot, request) VALUES ${rows.join(',')}`,
      values,
    );
  }
  // Each run's four jobs as `job_attempts` rows (what the run store writes as jobs start and end),
  // on docker or kubernetes by run.
  for (let i = 0; i < RUNS; i += 500) {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (let j = i; j < Math.min(RUNS, i + 500); j++) {
      for (const [k, path] of JOB_PATHS.entries()) {
        rows.push('(?,?,1,?,?,?,?,?)');
        const start = now - j * 1000 + 10 + k * 50;
        values.push(
          `run-${String(j).padStart(6, '0')}`,
          path,
          ORGS[j % ORGS.length],
          j % 2 === 0 ? 'docker' : 'kubernetes',
          start,
          start + 300,
          STATUSES[j % STATUSES.length],
        );
      }
    }
    await insert.query(
      `INSERT INTO job_attempts (run_id, job_path, attempt, organization, orchestrator, started_at, finished_at, status) VALUES ${rows.join(',')}`,
      values,
    );
  }
  await insert.commitTransaction();
  await insert.release();
  await db.query('ANALYZE');

  const filter = { organization: 'default', statuses: ['failed' as RunStatus] };
  const store = server.engines.options.store;
  const someRun = JSON.parse(
    (
      (await db.query('SELECT snapshot FROM runs WHERE id = ?', ['run-000001'])) as {
        snapshot: string;
      }[]
    )[0]?.snapshot ?? 'null',
  ) as RunSnapshot;

  /** p50/p99/max of `queries` calls of `query` (after `warmUp` unmeasured calls). */
  const measure = async (
    query: (i: number) => Promise<void>,
    queries = QUERIES,
    warmUp = 50,
  ): Promise<{ p50Ms: number; p99Ms: number; maxMs: number }> => {
    const timings: number[] = [];
    for (let i = 0; i < queries + warmUp; i++) {
      const started = process.hrtime.bigint();
      await query(i);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (i >= warmUp) timings.push(ms); // the first calls warm up caches and the JIT
    }
    timings.sort((a, b) => a - b);
    return {
      p50Ms: percentile(timings, 50),
      p99Ms: percentile(timings, 99),
      maxMs: timings.at(-1) ?? 0,
    };
  };
  const fullPage = (page: { runs: readonly unknown[] }): void => {
    if (page.runs.length !== 20) throw new Error(`expected a full page, got ${page.runs.length}`);
  };

  // The dashboard's case: the first page of a filter, polled between changes.
  const firstPage = await measure(async () => {
    fullPage(await server.services.runs.list(admin, filter, { first: 20 }));
  });
  // Paging on: each query starts after the previous page's cursor (wraps around at the end).
  let after: string | undefined;
  const paging = await measure(async () => {
    const page = await server.services.runs.list(admin, filter, {
      first: 20,
      ...(after === undefined ? {} : { after }),
    });
    fullPage(page);
    after = page.hasNextPage ? page.endCursor : undefined;
  });
  // A busy server: a run is saved before every query, so the total is counted every time
  // (the save's coalesced write is part of the timing).
  const afterWrites = await measure(async () => {
    await store.saveRun(someRun);
    fullPage(await server.services.runs.list(admin, filter, { first: 20 }));
  });

  // The overview's aggregates (issue 17). Each reads every run of its window (the load sweep also
  // the unfinished ones), so fewer calls are timed than for the runs page. The load keeps the
  // hours that ended: its first call for a scope (`coldMs`, timed alone before the warm-up) sweeps
  // the whole window, later ones only the current hour.
  const insights = server.services.insights;
  if (insights === undefined) throw new Error('the server has no insights service');
  const aggregate = async (
    what: string,
    call: () => Promise<readonly unknown[]>,
    buckets: number,
  ): Promise<{
    what: string;
    coldMs: number;
    coldLoopStallMs: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
  }> => {
    const check = async (): Promise<void> => {
      const got = await call();
      if (got.length !== buckets) throw new Error(`${what}: ${got.length} buckets`);
    };
    // The longest the event loop was held during the cold call (SQLite runs statements on it):
    // the widest gap between the ticks of a 1 ms timer.
    let lastTick = performance.now();
    let coldLoopStallMs = 0;
    const ticker = setInterval(() => {
      const tick = performance.now();
      coldLoopStallMs = Math.max(coldLoopStallMs, tick - lastTick);
      lastTick = tick;
    }, 1);
    const started = process.hrtime.bigint();
    await check();
    const coldMs = Number(process.hrtime.bigint() - started) / 1e6;
    clearInterval(ticker);
    coldLoopStallMs = Math.max(coldLoopStallMs, performance.now() - lastTick);
    return { what, coldMs, coldLoopStallMs, ...(await measure(check, AGGREGATE_QUERIES, 10)) };
  };
  const aggregates = {
    activity24h: await aggregate(
      'runActivity, 24 hours, every organisation',
      () => insights.activity(admin, 24),
      24,
    ),
    activity7d: await aggregate(
      'runActivity, 7 days, every organisation',
      () => insights.activity(admin, 168),
      168,
    ),
    load7d: await aggregate(
      'runLoad, 7 days, every organisation',
      () => insights.load(admin, 168),
      168,
    ),
    load24h: await aggregate(
      'runLoad, 24 hours, every organisation (after the 7 days: its hours are kept)',
      () => insights.load(admin, 24),
      24,
    ),
    load7dOneOrg: await aggregate(
      'runLoad, 7 days, organisation "default" (a quarter of the runs)',
      () => insights.load(admin, 168, 'default'),
      168,
    ),
    jobLoad7d: await aggregate(
      'jobLoad, 7 days, every organisation (400,000 job attempts)',
      () => insights.jobLoad(admin, 168),
      168,
    ),
    jobLoad24h: await aggregate(
      'jobLoad, 24 hours, every organisation (after the 7 days: its hours are kept)',
      () => insights.jobLoad(admin, 24),
      24,
    ),
    jobLoad7dOneOrg: await aggregate(
      'jobLoad, 7 days, organisation "default" (100,000 job attempts)',
      () => insights.jobLoad(admin, 168, 'default'),
      168,
    ),
  };

  // What `job_attempts` adds to the hot path of a 100,000-instance fan-out: the engine stores one
  // progress event per interval listing the instances that ended since the last one and those
  // running; the run store turns it into rows in the same transaction. Timed: 1,000 appends of
  // one progress event (100 instances ended, 100 started: 200 rows each), against 1,000 appends of
  // one event of the same size that writes no row (the same append without the writer's work).
  await db.query(
    `INSERT INTO runs (id, workflow_uri, organization, status, trigger_type, created_at, started_at) VALUES ('fan-run', 'default/repo/fan', 'default', 'running', 'api', ${now}, ${now})`,
  );
  const progressEvent = (b: number, writes: boolean) => {
    const ended = Array.from({ length: PER_PROGRESS }, (_, i) => ({
      name: `shard[${b * PER_PROGRESS + i}]`,
      status: 'succeeded',
      attempt: 1,
      durationMs: 200,
    }));
    const active = Array.from({ length: PER_PROGRESS }, (_, i) => ({
      name: `shard[${(b + 1) * PER_PROGRESS + i}]`,
      status: 'running',
      attempt: 1,
    }));
    const progress = { total: FAN_OUT_INSTANCES, ended, active };
    return writes
      ? {
          runId: 'fan-run',
          time: Date.now(),
          scope: 'job' as const,
          path: 'test.shards.shard',
          status: 'running' as const,
          attempt: 1,
          data: { fanOutProgress: progress },
        }
      : {
          runId: 'fan-run',
          time: Date.now(),
          scope: 'action' as const,
          path: 'test.shards',
          status: 'running' as const,
          data: { sameSize: progress },
        };
  };
  const appends = FAN_OUT_INSTANCES / PER_PROGRESS;
  const withRows = await measure(
    async (b) => {
      await store.appendEvents([progressEvent(b % appends, true)]);
    },
    appends,
    10,
  );
  const withoutRows = await measure(
    async (b) => {
      await store.appendEvents([progressEvent(b % appends, false)]);
    },
    appends,
    10,
  );
  const fanOutRows = Number(
    (
      (await db.query(`SELECT COUNT(*) AS n FROM job_attempts WHERE run_id = 'fan-run'`)) as {
        n: number;
      }[]
    )[0]?.n ?? 0,
  );
  const fanOutWrites = {
    what: `${appends} appends of one progress event (${PER_PROGRESS} instances ended, ${PER_PROGRESS} started)`,
    rows: fanOutRows,
    withRows,
    withoutRows,
  };

  const result = {
    runs: RUNS,
    queries: QUERIES,
    filter: 'organization=default, status=failed, first 20 (with totalCount); ~2 KB snapshots',
    ...firstPage,
    targetP99Ms: 20,
    scenarios: {
      firstPage: { what: 'first page, polled (total counted once per change)', ...firstPage },
      paging: { what: 'every page in turn through the cursor', ...paging },
      afterWrites: {
        what: 'first page with a run saved before each query (timed with the save)',
        ...afterWrites,
      },
    },
    aggregates: { queries: AGGREGATE_QUERIES, ...aggregates },
    fanOutWrites,
  };
  console.log(JSON.stringify(result, null, 2));
  await writeResults('server-runs-query', result);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
