/**
 * Bench (c) of issue 5: the runs query (first page, filtered by organisation and status) with
 * 100,000 runs stored in SQLite; target p99 ≤ 20 ms. Also the overview's aggregates of issue 17 on
 * the same runs (one created per second, so the last 24 hours hold ~86,000 of them): runs per hour
 * (`runActivity`) and queue depth / running runs per hour (`runLoad`), over 24 hours and 7 days,
 * across every organisation and for one. Writes bench/results/server-runs-query.json.
 *
 *   node --conditions=@containerops/source --import tsx bench/src/server-runs-query.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  ): Promise<{ what: string; coldMs: number; p50Ms: number; p99Ms: number; maxMs: number }> => {
    const check = async (): Promise<void> => {
      const got = await call();
      if (got.length !== buckets) throw new Error(`${what}: ${got.length} buckets`);
    };
    const started = process.hrtime.bigint();
    await check();
    const coldMs = Number(process.hrtime.bigint() - started) / 1e6;
    return { what, coldMs, ...(await measure(check, AGGREGATE_QUERIES, 10)) };
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
  };
  console.log(JSON.stringify(result, null, 2));
  await writeResults('server-runs-query', result);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
