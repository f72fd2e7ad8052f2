/**
 * The kubernetes orchestrator against the docker orchestrator, per job (issue 12, `bench/`).
 *
 * The same one-job run (`true` in `containerops/busybox`) goes through each orchestrator's
 * contract as the engine drives it: prepare → start → logs + wait → remove → cleanup. N jobs one
 * after another, then C at once. Per job:
 *
 * - **API calls**: kubernetes, every call of the plugin's `KubeApi` (by name = verb/resource, from
 *   its own counter); docker, every Docker Engine API request, counted by a proxy on a Unix socket
 *   in front of the engine. The node agent's calls (it plays the kubelet) and the control plane's
 *   own are not the plugin's and are not counted.
 * - **start() → create**: from `start()` being called to the create call leaving the plugin:
 *   kubernetes, the `createJob` call handed to the client (`api.calls.onRecord`); docker, the
 *   `POST /containers/create` reaching the proxy.
 * - **exit → wait()**: from the container's `die` in Docker's event stream (the referee on both:
 *   the node agent runs Pods as Docker containers on the same engine) to `wait()` resolving.
 *
 * Yardstick measured in the same run: `docker run --rm containerops/busybox:latest true`, and the
 * load averages. `BENCH_JOBS` (30) and `BENCH_CONCURRENT` (10) change the shape.
 */
import { execFile } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { JobLabel } from '@containerops/core';
import type { JobHandle, JobSpec, Orchestrator, RunContext } from '@containerops/core';
import { createDockerOrchestrator } from '@containerops/orchestrator-docker';
import { createKubernetesOrchestrator } from '@containerops/orchestrator-kubernetes';
import type { KubernetesApiCallName } from '@containerops/orchestrator-kubernetes';
import { startDockerApiCounter, wallNowMs } from './docker-api-counter.js';
import type { DockerApiCounter } from './docker-api-counter.js';
import { watchDieEvents } from './docker-die-events.js';
import type { DieEvent, DieEvents } from './docker-die-events.js';
import { recordHttpRequests } from './http-requests.js';
import type { HttpRequestLog } from './http-requests.js';
import { writeResults } from './results.js';
import { median, percentile, round } from './stats.js';

/** $KUBECONFIG, else the test cluster's admin kubeconfig (scripts/k8s/ensure-cluster.sh). */
const KUBECONFIG_FILE =
  process.env['KUBECONFIG'] ??
  `${process.env['CONTAINEROPS_SERVICES_DIR'] ?? '/var/lib/containerops-test-services'}/k8s/admin.kubeconfig`;

const run = promisify(execFile);
const IMAGE = 'containerops/busybox:latest';
const JOBS = Number(process.env['BENCH_JOBS'] ?? 30);
const CONCURRENT = Number(process.env['BENCH_CONCURRENT'] ?? 10);
const YARDSTICK_RUNS = 10;
/** Everything this bench creates (namespace, containers, job ids) starts with this. */
const PREFIX = `kbench-${Date.now().toString(36)}`;
const WORKFLOW = 'bench/orchestrator/one-job';

/** One job's figures. */
interface JobSample {
  readonly startToCreateMs: number;
  /** start() → the create's HTTP request made in this process (when it can be told whose it is). */
  readonly startToCreateRequestMs?: number;
  readonly exitToWaitMs: number;
  /** Calls of this job's whole run cycle, by call name (sequential phase only). */
  readonly calls?: Readonly<Record<string, number>>;
}

/** What differs between the two backends: how a call is counted, and which `die` is the job's. */
interface Backend {
  readonly name: 'kubernetes' | 'docker';
  readonly orchestrator: Orchestrator;
  /** `orchestrator.start(spec)`, with whatever the backend needs to tell whose create it sees. */
  start(spec: JobSpec): Promise<JobHandle>;
  /** Calls made so far, by name. */
  callCounts(): Record<string, number>;
  /** When the create of job `spec` left the plugin (ms since the epoch), once it has. */
  createdAt(spec: JobSpec): number | undefined;
  /**
   * When the create's HTTP request was made (diagnostics channel); `sequential` says no other
   * job is starting, so the first create request after `startedAt` is this job's.
   */
  createRequestAt(spec: JobSpec, startedAt: number, sequential: boolean): number | undefined;
  isDieOf(handle: JobHandle, event: DieEvent): boolean;
}

let counter = 0;

function newRun(): RunContext {
  const runId = `${PREFIX}-r${++counter}`;
  return {
    runId,
    workflow: WORKFLOW,
    labels: { [JobLabel.runId]: runId, [JobLabel.managed]: 'true' },
  };
}

/** The job the engine would hand over for a one-job workflow `true`. */
function jobSpec(runCtx: RunContext): JobSpec {
  const id = `${PREFIX}-j${++counter}`;
  return {
    id,
    runId: runCtx.runId,
    workflow: WORKFLOW,
    stage: 's',
    action: 'a',
    job: 'j',
    attempt: 1,
    image: IMAGE,
    command: ['true'],
    env: {},
    resources: {},
    timeoutMs: 120_000,
    labels: {
      [JobLabel.runId]: runCtx.runId,
      [JobLabel.workflow]: WORKFLOW.replace(/\//g, '.'),
      [JobLabel.stage]: 's',
      [JobLabel.action]: 'a',
      [JobLabel.job]: 'j',
      [JobLabel.attempt]: '1',
      [JobLabel.jobId]: id,
      [JobLabel.managed]: 'true',
    },
  };
}

function diffCounts(
  after: Record<string, number>,
  before: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(after)) {
    const d = n - (before[name] ?? 0);
    if (d > 0) out[name] = d;
  }
  return out;
}

/** One run of the one-job workflow, start to cleanup. */
async function runOneJob(
  backend: Backend,
  dies: DieEvents,
  countCalls: boolean,
): Promise<JobSample> {
  const orchestrator = backend.orchestrator;
  const before = countCalls ? backend.callCounts() : {};
  const runCtx = newRun();
  await orchestrator.prepare(runCtx);
  const spec = jobSpec(runCtx);
  const startedAt = wallNowMs();
  const handle = await backend.start(spec);
  const drained = (async () => {
    for await (const chunk of orchestrator.logs(handle)) void chunk;
  })();
  const exit = await orchestrator.wait(handle);
  const waitedAt = wallNowMs();
  await drained;
  await orchestrator.remove(handle);
  await orchestrator.cleanup(runCtx, { keepWorkspace: false });
  if (exit.reason !== 'exited' || exit.exitCode !== 0)
    throw new Error(`${backend.name}: job ${spec.id} ended ${JSON.stringify(exit)}`);
  const die = await dies.find((e) => backend.isDieOf(handle, e), 10_000);
  if (die === undefined) throw new Error(`${backend.name}: no die event for ${handle.backendId}`);
  const createdAt = backend.createdAt(spec);
  if (createdAt === undefined) throw new Error(`${backend.name}: create of ${spec.id} not seen`);
  const requestAt = backend.createRequestAt(spec, startedAt, countCalls);
  return {
    startToCreateMs: createdAt - startedAt,
    ...(requestAt === undefined ? {} : { startToCreateRequestMs: requestAt - startedAt }),
    exitToWaitMs: waitedAt - die.atMs,
    ...(countCalls ? { calls: diffCounts(backend.callCounts(), before) } : {}),
  };
}

function optionalSummary(
  values: readonly (number | undefined)[],
): ReturnType<typeof summary> | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : summary(known);
}

function summary(values: readonly number[]): {
  median: number;
  p90: number;
  min: number;
  max: number;
} {
  return {
    median: round(median(values), 2),
    p90: round(percentile(values, 90), 2),
    min: round(Math.min(...values), 2),
    max: round(Math.max(...values), 2),
  };
}

/** Median calls per job by name, plus the first job's (it opens the shared watches) apart. */
function callSummary(samples: readonly JobSample[]): Record<string, unknown> {
  const names = new Set(samples.flatMap((s) => Object.keys(s.calls ?? {})));
  const medianByName: Record<string, number> = {};
  for (const name of [...names].sort())
    medianByName[name] = median(samples.map((s) => s.calls?.[name] ?? 0));
  const totals = samples.map((s) => Object.values(s.calls ?? {}).reduce((a, b) => a + b, 0));
  return {
    firstJob: samples[0]?.calls ?? {},
    medianPerJobByName: medianByName,
    totalPerJob: summary(totals),
  };
}

async function phase(backend: Backend, dies: DieEvents): Promise<Record<string, unknown>> {
  const sequential: JobSample[] = [];
  for (let i = 0; i < JOBS; i++) sequential.push(await runOneJob(backend, dies, true));
  const before = backend.callCounts();
  const concurrent = await Promise.all(
    Array.from({ length: CONCURRENT }, () => runOneJob(backend, dies, false)),
  );
  const concurrentCalls = diffCounts(backend.callCounts(), before);
  const perJob: Record<string, number> = {};
  for (const [name, n] of Object.entries(concurrentCalls)) perJob[name] = round(n / CONCURRENT, 2);
  return {
    sequential: {
      jobs: JOBS,
      startToCreateMs: summary(sequential.map((s) => s.startToCreateMs)),
      startToCreateRequestMs: optionalSummary(sequential.map((s) => s.startToCreateRequestMs)),
      exitToWaitMs: summary(sequential.map((s) => s.exitToWaitMs)),
      apiCalls: callSummary(sequential),
    },
    concurrent: {
      jobs: CONCURRENT,
      startToCreateMs: summary(concurrent.map((s) => s.startToCreateMs)),
      startToCreateRequestMs: optionalSummary(concurrent.map((s) => s.startToCreateRequestMs)),
      exitToWaitMs: summary(concurrent.map((s) => s.exitToWaitMs)),
      apiCallsPerJob: perJob,
      apiCallsTotal: concurrentCalls,
    },
  };
}

/** `docker run --rm IMAGE true`, timed from the CLI: the machine's own container round trip. */
async function yardstick(): Promise<{ median: number; p90: number; min: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < YARDSTICK_RUNS; i++) {
    const t0 = wallNowMs();
    await run('docker', ['run', '--rm', '--name', `${PREFIX}-yard-${i}`, IMAGE, 'true']);
    times.push(wallNowMs() - t0);
  }
  return summary(times);
}

async function uptime(): Promise<string> {
  return (await run('uptime')).stdout.trim();
}

function kubernetesBackend(namespace: string, http: HttpRequestLog): Backend {
  const orchestrator = createKubernetesOrchestrator({
    kubeconfig: KUBECONFIG_FILE,
    namespace,
    storageClassName: 'containerops-local',
    workspaceSize: '64Mi',
  });
  const creates = new Map<string, number>();
  let starting: string | undefined;
  // createJob is recorded synchronously inside start() (before its first await): `starting`
  // names the job whose start() is on the stack, so concurrent starts are told apart.
  orchestrator.api.calls.onRecord((name: KubernetesApiCallName, atMs: number) => {
    if (name === 'createJob' && starting !== undefined)
      creates.set(starting, performance.timeOrigin + atMs);
  });
  return {
    name: 'kubernetes',
    orchestrator,
    start: (spec) => {
      starting = spec.id;
      try {
        return orchestrator.start(spec);
      } finally {
        starting = undefined;
      }
    },
    callCounts: () => ({ ...orchestrator.api.calls.snapshot() }) as Record<string, number>,
    createdAt: (spec) => creates.get(spec.id),
    // The Job's name is only in the body: a request is this job's only when none other starts.
    createRequestAt: (_spec, startedAt, sequential) =>
      sequential
        ? http.requests.find(
            (r) =>
              r.atMs >= startedAt &&
              r.method === 'POST' &&
              r.path.startsWith(`/apis/batch/v1/namespaces/${namespace}/jobs`),
          )?.atMs
        : undefined,
    // The agent labels each Pod container with the Pod's namespace and name; the Job's Pod is
    // named after the Job (its `backendId`) plus a suffix.
    isDieOf: (handle, e) =>
      e.attributes['io.containerops.k8s.namespace'] === namespace &&
      (e.attributes['io.containerops.k8s.pod-name'] ?? '').startsWith(`${handle.backendId}-`),
  };
}

function dockerBackend(proxy: DockerApiCounter, http: HttpRequestLog): Backend {
  const orchestrator = createDockerOrchestrator({ socketPath: proxy.socketPath });
  return {
    name: 'docker',
    orchestrator,
    start: (spec) => orchestrator.start(spec),
    callCounts: () => {
      const counts: Record<string, number> = {};
      for (const r of proxy.requests) counts[r.call] = (counts[r.call] ?? 0) + 1;
      return counts;
    },
    createdAt: (spec) =>
      proxy.requests.find(
        (r) => r.call === 'POST /containers/create' && r.path.includes(`name=co-${spec.id}`),
      )?.atMs,
    createRequestAt: (spec) =>
      http.requests.find(
        (r) =>
          r.method === 'POST' &&
          /\/containers\/create\?/.test(r.path) &&
          r.path.includes(`name=co-${spec.id}`),
      )?.atMs,
    isDieOf: (handle, e) => e.id === handle.backendId,
  };
}

async function main(): Promise<void> {
  const docker = new Docker();
  const kc = new KubeConfig();
  kc.loadFromFile(KUBECONFIG_FILE);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = PREFIX;
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const proxy = await startDockerApiCounter(join(tmpdir(), `${PREFIX}-docker.sock`));
  const dies = await watchDieEvents(docker);
  const http = recordHttpRequests();
  try {
    const kubernetes = kubernetesBackend(namespace, http);
    const dockerB = dockerBackend(proxy, http);
    for (const b of [kubernetes, dockerB]) {
      const availability = await b.orchestrator.isAvailable();
      if (!availability.available)
        throw new Error(`${b.name} is not available: ${availability.reason ?? ''}`);
    }
    const loadBefore = loadavg();
    const uptimeBefore = await uptime();
    const yardstickBefore = await yardstick();
    console.log(
      `yardstick before: docker run --rm true ${JSON.stringify(yardstickBefore)} ms; ${uptimeBefore}`,
    );
    // Docker first, then Kubernetes, then Docker again would cost another ~minute; one each.
    const dockerResult = await phase(dockerB, dies);
    console.log('docker', JSON.stringify(dockerResult, null, 2));
    const kubernetesResult = await phase(kubernetes, dies);
    console.log('kubernetes', JSON.stringify(kubernetesResult, null, 2));
    const yardstickAfter = await yardstick();
    const uptimeAfter = await uptime();
    console.log(`yardstick after: ${JSON.stringify(yardstickAfter)} ms; ${uptimeAfter}`);
    const file = await writeResults('orchestrator-kubernetes', {
      image: IMAGE,
      jobs: JOBS,
      concurrent: CONCURRENT,
      dockerServer: (await docker.version()).Version,
      yardstickDockerRunTrueMs: { before: yardstickBefore, after: yardstickAfter },
      load: {
        before: loadBefore.map((l) => round(l, 2)),
        after: loadavg().map((l) => round(l, 2)),
      },
      uptime: { before: uptimeBefore, after: uptimeAfter },
      kubernetes: kubernetesResult,
      docker: dockerResult,
    });
    console.log(`results: ${file}`);
  } finally {
    dies.close();
    http.stop();
    await proxy.close();
    await core
      .deleteNamespace({ name: namespace, propagationPolicy: 'Background' })
      .catch(() => undefined);
  }
}

await main();
process.exit(0);
