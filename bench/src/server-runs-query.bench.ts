/**
 * Bench (c) of issue 5: the runs query (first page, filtered by organisation and status) with
 * 100,000 runs stored in SQLite; target p99 ≤ 20 ms. Writes bench/results/server-runs-query.json.
 *
 *   node --conditions=@containerops/source --import tsx bench/src/server-runs-query.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunStatus } from '@containerops/core';
import { silentServerLogger, startServer } from '@containerops/server';
import type { Principal } from '@containerops/server';
import { writeResults } from './results.js';
import { percentile } from './stats.js';

const RUNS = 100_000;
const QUERIES = 500;
const STATUSES: RunStatus[] = ['succeeded', 'failed', 'cancelled', 'succeeded', 'succeeded'];
const ORGS = ['default', 'alpha', 'beta', 'gamma'];

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
      const snapshot = JSON.stringify({
        runId: `run-${j}`,
        workflow: `${org}/repo/wf${j % 20}`,
        workflowVersion: 1,
        status,
        createdAt: now - j * 1000,
        stages: [],
        lastSeq: 0,
      });
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

  const timings: number[] = [];
  for (let i = 0; i < QUERIES + 50; i++) {
    const started = process.hrtime.bigint();
    const page = await server.services.runs.list(
      admin,
      { organization: 'default', statuses: ['failed'] },
      { first: 20 },
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (page.runs.length !== 20) throw new Error(`expected a full page, got ${page.runs.length}`);
    if (i >= 50) timings.push(ms); // the first 50 warm up caches and the JIT
  }
  timings.sort((a, b) => a - b);
  const result = {
    runs: RUNS,
    queries: QUERIES,
    filter: 'organization=default, status=failed, first 20 (with totalCount)',
    p50Ms: percentile(timings, 50),
    p99Ms: percentile(timings, 99),
    maxMs: timings.at(-1),
    targetP99Ms: 20,
  };
  console.log(JSON.stringify(result, null, 2));
  await writeResults('server-runs-query', result);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
