/**
 * Fan-out on Docker (issue 16): one run whose job fans out to 1,000 instances (`true` in
 * `containerops/busybox`) with `max-parallel: 20`, through the engine and the docker orchestrator,
 * against the same 1,000 containers run by hand with dockerode in the same process as 50
 * sequential batches of 20 (each batch: 20 create → attach → start → wait → remove cycles side by
 * side, the next batch once all 20 are gone). The ratio engine / by hand is the figure.
 *
 * Why batches: that is what a script without a scheduler does; the engine keeps 20 running all
 * the time (a slot refills as soon as one instance ends), so it may beat the batches rather than
 * only match them. The load average is recorded before and after, since this machine is shared.
 *
 * `BENCH_INSTANCES` (default 1000) and `BENCH_PARALLEL` (default 20) change the shape.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { Engine, parseWorkflow } from '@containerops/core';
import { createDockerOrchestrator } from '@containerops/orchestrator-docker';
import { round } from './stats.js';
import { writeResults } from './results.js';

const IMAGE = 'containerops/busybox:latest';
const INSTANCES = Number(process.env['BENCH_INSTANCES'] ?? 1000);
const PARALLEL = Number(process.env['BENCH_PARALLEL'] ?? 20);
/** Labels and names of everything this bench makes by hand start with it (shared Docker). */
const PREFIX = `co-fanout-bench-${process.pid}`;

function workflowYaml(): string {
  const values = Array.from({ length: INSTANCES }, (_, i) => i).join(', ');
  return `uri: bench/docker/fan-out
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: t
            endpoint: "${IMAGE}"
            command: ["true"]
            matrix:
              axes:
                i: [${values}]
              max-parallel: ${PARALLEL}
`;
}

async function engineRun(): Promise<number> {
  const parsed = parseWorkflow(workflowYaml());
  if (!parsed.workflow) throw new Error(JSON.stringify(parsed.diagnostics.slice(0, 3)));
  const engine = new Engine({ orchestrator: createDockerOrchestrator() });
  const t0 = performance.now();
  const final = await engine.start(parsed.workflow, { runId: `${PREFIX}-engine` }).done;
  const wall = performance.now() - t0;
  const fan = final.stages[0]?.actions[0]?.jobs[0]?.fanOut;
  if (final.status !== 'succeeded' || fan?.passed !== INSTANCES)
    throw new Error(`engine run ${final.status} (${fan?.passed} passed): ${final.reason ?? ''}`);
  return wall;
}

/** One container the way a runner must run a job: create, attach its log, start, wait, remove. */
async function oneContainer(docker: Docker, volume: string, name: string): Promise<void> {
  const container = await docker.createContainer({
    name,
    Image: IMAGE,
    Entrypoint: ['true'],
    Cmd: [],
    WorkingDir: '/workspace',
    Env: ['CO_WORKSPACE=/workspace'],
    Labels: { 'containerops.bench': PREFIX },
    HostConfig: { Init: true, NetworkMode: 'bridge', Binds: [`${volume}:/workspace`] },
  });
  const logs = (await container.attach({
    stream: true,
    stdout: true,
    stderr: true,
    logs: true,
  })) as NodeJS.ReadableStream;
  const drained = new Promise<void>((resolve) => {
    logs.on('end', resolve);
    logs.on('close', resolve);
    logs.resume();
  });
  await container.start();
  const { StatusCode } = (await container.wait()) as { StatusCode: number };
  await drained;
  await container.remove({ force: true });
  if (StatusCode !== 0) throw new Error(`${name} exited ${StatusCode}`);
}

async function byHandRun(docker: Docker): Promise<number> {
  const volume = `${PREFIX}-ws`;
  await docker.createVolume({ Name: volume, Labels: { 'containerops.bench': PREFIX } });
  try {
    const t0 = performance.now();
    for (let start = 0; start < INSTANCES; start += PARALLEL) {
      const batch: Promise<void>[] = [];
      for (let i = start; i < Math.min(INSTANCES, start + PARALLEL); i++)
        batch.push(oneContainer(docker, volume, `${PREFIX}-${i}`));
      await Promise.all(batch);
    }
    return performance.now() - t0;
  } finally {
    await docker.getVolume(volume).remove();
  }
}

/** Removes what this bench made by hand and left behind after a failure (its label only). */
async function cleanUp(docker: Docker): Promise<void> {
  const left = await docker.listContainers({
    all: true,
    filters: { label: [`containerops.bench=${PREFIX}`] },
  });
  for (const c of left) await docker.getContainer(c.Id).remove({ force: true });
}

async function main(): Promise<void> {
  const docker = new Docker();
  await docker.ping();
  const loadBefore = loadavg().map((v) => round(v, 2));
  try {
    // By hand first: the engine then meets a warm image cache too (both run once; each
    // measured run is 1,000 containers, far longer than any warm-up effect).
    const byHand = await byHandRun(docker);
    const engine = await engineRun();
    const loadAfter = loadavg().map((v) => round(v, 2));
    const results = {
      method: `${INSTANCES} \`true\` instances of one matrix job, max-parallel ${PARALLEL}, engine + docker orchestrator, vs ${Math.ceil(INSTANCES / PARALLEL)} sequential batches of ${PARALLEL} direct dockerode create/attach/start/wait/remove cycles`,
      instances: INSTANCES,
      maxParallel: PARALLEL,
      engineWallMs: round(engine, 1),
      byHandWallMs: round(byHand, 1),
      engineOverByHand: round(engine / byHand),
      engineInstancesPerSecond: round(INSTANCES / (engine / 1000), 1),
      byHandInstancesPerSecond: round(INSTANCES / (byHand / 1000), 1),
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadAfter,
    };
    const file = await writeResults('fan-out-docker', results);
    console.log(JSON.stringify(results, null, 2));
    console.log(`written to ${file}`);
  } finally {
    await cleanUp(docker);
  }
}

await main();
