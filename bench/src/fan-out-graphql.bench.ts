/**
 * Fan-out at scale through the API (issue 16): the run's page of 100 instances over HTTP GraphQL
 * ≤ 50 ms p99, with a 100,000-instance run stored. A real server (`fan-out-graphql-server.ts`,
 * its own process) on SQLite runs one job fanning out over a 1,000 × 100 matrix
 * (`max-parallel: 1000`, `fail-fast: false`) on the fake orchestrator loaded as a plugin; the
 * instances with `db=7` fail (1,000 of them), so a status filter has something to find. Once the
 * run has ended, the dashboard's own document (`FAN_OUT_INSTANCES` of web/src/api/documents.ts)
 * is timed, sequentially, `BENCH_PAGES` times for each of: the first page, a middle page (after
 * instance 50,000) and the failed instances' first page. Also reported: the run's wall and
 * instances/s through the real server (state in SQLite), and the load average.
 *
 *   npm run -w @containerops/bench bench:fanout-graphql
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { graphqlOverHttp } from './graphql-http.js';
import { writeResults } from './results.js';
import { percentile, round } from './stats.js';

const A = Number(process.env['BENCH_AXIS_A'] ?? 1000);
const B = Number(process.env['BENCH_AXIS_B'] ?? 100);
const MAX_PARALLEL = Number(process.env['BENCH_MAX_PARALLEL'] ?? 1000);
const PAGES = Number(process.env['BENCH_PAGES'] ?? 300);
const URI = 'default/bench/fan-out-graphql';
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED']);

/** The dashboard's instance-list document (web/src/api/documents.ts), as it sends it. */
const FAN_OUT_INSTANCES = `query FanOutInstances($id: ID!, $after: String, $status: NodeStatus) {
  run(id: $id) { id stages { actions { jobs { path
    fanOut { instances(first: 100, after: $after, status: $status) {
      nodes { name path status attempt exitCode reason durationMs }
      pageInfo { endCursor hasNextPage } totalCount } } } } } } }`;

interface PageData {
  run: {
    stages: {
      actions: {
        jobs: {
          fanOut: { instances: { nodes: { name: string }[]; totalCount: number } } | null;
        }[];
      }[];
    }[];
  } | null;
}

function workflowYaml(): string {
  const values = (n: number): string => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`;
  return `uri: ${URI}
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: test
            endpoint: bench/noop
            environments: { FAKE_FAIL_WHEN: "CO_DB=7" }
            matrix:
              axes:
                shard: ${values(A)}
                db: ${values(B)}
              max-parallel: ${MAX_PARALLEL}
              fail-fast: false
`;
}

const serverScript = fileURLToPath(new URL('./fan-out-graphql-server.ts', import.meta.url));
const child = spawn(process.execPath, [...process.execArgv, serverScript], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
  child.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('READY '))
      resolve(JSON.parse(line.slice(6)) as { url: string; token: string });
  });
});
const gql = graphqlOverHttp(`${url}/graphql`, token);

try {
  await gql(`mutation ($y: String!) { applyWorkflow(yaml: $y) { __typename } }`, {
    y: workflowYaml(),
  });
  const t0 = performance.now();
  const { triggerRun } = await gql<{ triggerRun: { id: string } }>(
    'mutation ($w: String!) { triggerRun(workflow: $w) { id } }',
    { w: URI },
  );
  const runId = triggerRun.id;
  let status = '';
  while (!TERMINAL.has(status)) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    status = (
      await gql<{ run: { status: string } }>('query ($id: ID!) { run(id: $id) { status } }', {
        id: runId,
      })
    ).run.status;
  }
  const wallMs = performance.now() - t0;
  const instances = A * B;

  const cases = {
    first: {},
    middle: { after: `i:${Math.floor(instances / 2)}` },
    failed: { status: 'FAILED' },
  } as const;
  const timings: Record<string, number[]> = { first: [], middle: [], failed: [] };
  const counts: Record<string, number> = {};
  for (let i = 0; i < PAGES; i++) {
    for (const [name, args] of Object.entries(cases)) {
      const t = performance.now();
      const data = await gql<PageData>(FAN_OUT_INSTANCES, { id: runId, ...args });
      timings[name]?.push(performance.now() - t);
      const page = data.run?.stages[0]?.actions[0]?.jobs[0]?.fanOut?.instances;
      if (page === undefined || page.nodes.length !== Math.min(100, page.totalCount))
        throw new Error(`${name}: a short page: ${JSON.stringify(page?.nodes.length)}`);
      counts[name] = page.totalCount;
    }
  }
  const ms = (name: string, p: number): number => round(percentile(timings[name] ?? [], p), 2);
  const results = {
    method: `real server (own process, SQLite state and log store), fake orchestrator plugin; one job, matrix ${A} x ${B} (${instances} instances), max-parallel ${MAX_PARALLEL}, fail-fast off, db=7 instances fail; once the run ended, the dashboard's FAN_OUT_INSTANCES document over HTTP, ${PAGES} times each for the first page, the page after instance ${Math.floor(instances / 2)}, and the first page of status FAILED, sequentially`,
    runStatus: status,
    instances,
    runWallMs: round(wallMs, 0),
    instancesPerSecondThroughServer: round(instances / (wallMs / 1000), 0),
    totalCounts: counts,
    pageMs: Object.fromEntries(
      Object.keys(cases).map((name) => [
        name,
        { p50: ms(name, 50), p99: ms(name, 99), max: ms(name, 100) },
      ]),
    ),
    pageP99MsWorst: Math.max(...Object.keys(cases).map((name) => ms(name, 99))),
    loadAverage1m: round(loadavg()[0] ?? 0, 2),
    targets: { pageP99Ms: 50 },
  };
  const file = await writeResults('fan-out-graphql', results);
  console.log(JSON.stringify(results, null, 2));
  console.log(`written to ${file}`);
} finally {
  child.stdin.end();
}
