/**
 * Bench (d) of issue 5: runs started through the GraphQL API and completed per second — a
 * one-job workflow (`command: true` on the `local` orchestrator), all state in SQLite, 20
 * concurrent clients. Target ≥ 300 runs/s. Writes bench/results/api-runs.json.
 *
 * Each client loops: `triggerRun` over HTTP, then waits for that run's terminal event, which one
 * graphql-ws `events` subscription (the way a dashboard follows runs) hands to the waiting client.
 *
 *   npm run -w @containerops/bench bench:api-runs
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphqlApiFactory, silentServerLogger, startServer } from '@containerops/server';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { writeResults } from './results.js';
import { percentile } from './stats.js';

const CLIENTS = 20;
const WARMUP_MS = 3_000;
const MEASURE_MS = 15_000;
const TERMINAL = new Set(['succeeded', 'failed', 'timed_out', 'cancelled']);

const dir = mkdtempSync(join(tmpdir(), 'co-bench-api-runs-'));
const server = await startServer(
  { port: 0, host: '127.0.0.1', dataDir: dir, orchestrator: 'local', announce: () => undefined },
  {
    graphql: graphqlApiFactory({ logger: { error: () => undefined, warn: () => undefined } }),
    logger: silentServerLogger,
  },
);
const token = server.adminToken ?? '';
const url = `${server.url}/graphql`;

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors !== undefined) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

const waiting = new Map<string, () => void>();
const finishedEarly = new Set<string>();
const ws = createClient({
  url: url.replace(/^http/, 'ws'),
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${token}` },
});

try {
  await gql('mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }', {
    y: `uri: default/bench/one-job
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: j
            command: ["true"]
`,
  });
  const last = await gql<{ runs: { nodes: { lastSeq: number }[] } }>(
    '{ runs(first: 1) { nodes { lastSeq } } }',
  );
  ws.subscribe<{ events: { runId: string; scope: string; status: string } }>(
    {
      query: `subscription { events(afterSeq: ${last.runs.nodes[0]?.lastSeq ?? 0}) { runId scope status } }`,
    },
    {
      next: ({ data }) => {
        const e = data?.events;
        if (e === undefined || e.scope !== 'RUN' || !TERMINAL.has(e.status)) return;
        const wake = waiting.get(e.runId);
        if (wake === undefined) finishedEarly.add(e.runId);
        else wake();
      },
      error: (error) => console.error('subscription failed', error),
      complete: () => undefined,
    },
  );

  const latencies: number[] = [];
  let completed = 0;
  let measuring = false;
  let stop = false;
  async function client(): Promise<void> {
    while (!stop) {
      const started = performance.now();
      const { triggerRun } = await gql<{ triggerRun: { id: string } }>(
        'mutation { triggerRun(workflow: "default/bench/one-job") { id } }',
      );
      if (!finishedEarly.delete(triggerRun.id)) {
        await new Promise<void>((resolve) => waiting.set(triggerRun.id, resolve));
        waiting.delete(triggerRun.id);
      }
      if (measuring) {
        completed += 1;
        latencies.push(performance.now() - started);
      }
    }
  }
  const loops = Array.from({ length: CLIENTS }, () => client());
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  measuring = true;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
  measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  stop = true;
  await Promise.all(loops);

  const runsPerSecond = completed / seconds;
  const results = {
    clients: CLIENTS,
    measuredSeconds: Number(seconds.toFixed(2)),
    completedRuns: completed,
    runsPerSecond: Number(runsPerSecond.toFixed(1)),
    triggerToCompleteMs: {
      p50: Number(percentile(latencies, 50).toFixed(1)),
      p99: Number(percentile(latencies, 99).toFixed(1)),
    },
    serverProcessCpuPercent: Number(
      (((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100).toFixed(0),
    ),
    target: '>= 300 runs/s',
    met: runsPerSecond >= 300,
  };
  console.log(JSON.stringify(results, null, 2));
  console.log(await writeResults('api-runs', results));
} finally {
  await ws.dispose();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
