/**
 * Issue 13: API-triggered runs per second with one and with two server replicas on PostgreSQL
 * (state) + MariaDB (logs, the MySQL-protocol `tidb` log store) + Redis — does the second replica
 * add throughput? A one-job workflow (`command: true` on the `local` orchestrator); 20 clients,
 * each looping `triggerRun` then polling `run(id) { status }` every 20 ms on the same replica
 * until it ended (with two replicas, clients alternate between them). One warm-up window of
 * `BENCH_WARMUP_MS` (default 5 s), then `BENCH_REPEATS` (default 3) windows of 10 s; the median
 * window is reported, each setup on a fresh database. Replicas run from the built packages
 * (`npm run build` first). Writes bench/results/replicas-runs.json.
 *
 *   npm run services && npm run -w @containerops/bench bench:replicas
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { graphqlOverHttp } from './graphql-http.js';
import type { GraphqlCall } from './graphql-http.js';
import { writeResults } from './results.js';

const run = promisify(execFile);
const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 20);
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 3);
const WARMUP_MS = Number(process.env['BENCH_WARMUP_MS'] ?? 5_000);
const MEASURE_MS = 10_000;
const POLL_MS = 20;
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';
const PG = ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1'];
const MARIADB = ['-h', '127.0.0.1', '-P', '3306', '-u', 'root'];
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED']);
const WORKFLOW = `
uri: default/bench/replicas
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: j
            command: 'true'
`;
const serverScript = fileURLToPath(new URL('./replica-server.ts', import.meta.url));
// The replicas run from the built packages (dist/), as `npm start` does.
const childFlags = process.execArgv.filter((flag) => flag !== '--conditions=@containerops/source');

interface Replica {
  readonly child: ChildProcess;
  readonly url: string;
  readonly token: string | null;
}

async function startReplica(env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, [...childFlags, serverScript], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`a replica exited (${String(code)})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('READY ')) return;
      const info = JSON.parse(line.slice(6)) as { url: string; token: string | null };
      resolve({ child, ...info });
    });
  });
}

async function stopReplica(replica: Replica): Promise<void> {
  const exited = new Promise((resolve) => replica.child.once('exit', resolve));
  replica.child.stdin?.end();
  await exited;
}

/** Fresh state and log databases; `drop()` removes both. */
async function freshDatabases(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const name = `co_bench_replicas_${randomBytes(4).toString('hex')}`;
  await run('psql', [...PG, '-c', `CREATE DATABASE ${name}`]);
  await run('mariadb', [...MARIADB, '-e', `CREATE DATABASE ${name} CHARACTER SET utf8mb4`]);
  return {
    env: {
      CONTAINEROPS_DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${name}`,
      CONTAINEROPS_PLUGINS: JSON.stringify([
        {
          module: '@containerops/logstore-tidb',
          config: { url: `mysql://root@127.0.0.1:3306/${name}` },
        },
      ]),
      CONTAINEROPS_REPLICAS: 'many',
      CONTAINEROPS_REDIS_URL: REDIS_URL,
      CONTAINEROPS_SECRET_KEY: randomBytes(32).toString('base64'),
      CONTAINEROPS_ORCHESTRATOR: 'local',
    },
    async drop() {
      await run('psql', [...PG, '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
      await run('mariadb', [...MARIADB, '-e', `DROP DATABASE IF EXISTS ${name}`]);
    },
  };
}

/** Runs completed per second by `CLIENTS` clients spread over `apis`, median of the windows. */
async function measure(
  apis: readonly GraphqlCall[],
): Promise<{ median: number; windows: number[] }> {
  let completed = 0;
  let stop = false;
  const client = async (api: GraphqlCall): Promise<void> => {
    while (!stop) {
      const { triggerRun } = await api<{ triggerRun: { id: string } }>(
        'mutation { triggerRun(workflow: "default/bench/replicas") { id } }',
      );
      for (;;) {
        const { run: view } = await api<{ run: { status: string } }>(
          'query($id: ID!) { run(id: $id) { status } }',
          { id: triggerRun.id },
        );
        if (TERMINAL.has(view.status)) {
          if (view.status !== 'SUCCEEDED') throw new Error(`run ${triggerRun.id}: ${view.status}`);
          completed++;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, i) => client(apis[i % apis.length]!));
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  const windows: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const before = completed;
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
    windows.push(((completed - before) * 1000) / (performance.now() - started));
  }
  stop = true;
  await Promise.all(clients);
  const sorted = [...windows].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, windows };
}

async function setup(replicaCount: number): Promise<{ median: number; windows: number[] }> {
  const databases = await freshDatabases();
  const replicas: Replica[] = [];
  try {
    // One after the other: the first creates the schema and the admin.
    for (let i = 0; i < replicaCount; i++) replicas.push(await startReplica(databases.env));
    const token = replicas[0]!.token!;
    const apis = replicas.map((r) => graphqlOverHttp(`${r.url}/graphql`, token));
    await apis[0]!<unknown>('mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }', {
      y: WORKFLOW,
    });
    return await measure(apis);
  } finally {
    for (const replica of replicas) await stopReplica(replica);
    await databases.drop();
  }
}

const loadBefore = loadavg()[0]!;
const one = await setup(1);
const two = await setup(2);
const loadAfter = loadavg()[0]!;
const round = (n: number): number => Number(n.toFixed(1));
const summary = {
  clients: CLIENTS,
  cores: cpus().length,
  oneReplica: { runsPerSecond: round(one.median), windows: one.windows.map(round) },
  twoReplicas: { runsPerSecond: round(two.median), windows: two.windows.map(round) },
  twoOverOne: Number((two.median / one.median).toFixed(2)),
  load: { before: round(loadBefore), after: round(loadAfter) },
};
console.log(JSON.stringify(summary, null, 2));
console.log(`results: ${await writeResults('replicas-runs', summary)}`);
