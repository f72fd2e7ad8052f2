/**
 * Engine overhead on Docker (issue 3).
 *
 * (a) Ratio: wall time of a workflow of 50 sequential trivial jobs (`true` in
 *     `containerops/busybox`) through the engine and the docker orchestrator, over the wall time
 *     of 50 direct dockerode cycles in the same process doing what any runner must do for a job:
 *     create (same image, command, init, network, workspace volume) → attach logs → start → wait →
 *     remove. Target ≤ 1.15.
 * (b) Dead time: from one job's container `die` to the next job's container `start`, both taken
 *     from Docker's event stream (nanosecond timestamps), median over the gaps. Target ≤ 50 ms.
 *     The same is measured for the direct loop, and split at the next container's `create`:
 *     die → create is the runner's own work, create → start is Docker's (on this Docker 20.10
 *     host, ~150 ms whoever the caller is), so the engine's share is visible on its own.
 * Each figure is the median of REPEATS rounds (engine and direct interleaved).
 */
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { Engine, parseWorkflow } from '@containerops/core';
import { createDockerOrchestrator } from '@containerops/orchestrator-docker';
import { median, round } from './stats.js';
import { writeResults } from './results.js';

const IMAGE = 'containerops/busybox:latest';
const JOBS = 50;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

interface DockerEvent {
  readonly status?: string;
  readonly Action?: string;
  readonly timeNano?: number;
  readonly Actor?: { readonly Attributes?: Record<string, string> };
}

function workflowYaml(): string {
  const lines = [
    'uri: bench/docker/sequential',
    'stages:',
    '  - type: normal',
    '    name: s',
    '    actions:',
    '      - name: a',
    '        jobs:',
  ];
  for (let i = 0; i < JOBS; i++)
    lines.push(`          - { name: j${i}, endpoint: "${IMAGE}", command: ["true"] }`);
  return `${lines.join('\n')}\n`;
}

/** Collects container start/die events of one run, keyed by container name order. */
async function watchRunEvents(
  docker: Docker,
  label: string,
): Promise<{ events: DockerEvent[]; stop: () => void }> {
  const stream = (await docker.getEvents({
    filters: {
      type: ['container'],
      event: ['create', 'start', 'die'],
      label: [label],
    },
  })) as NodeJS.ReadableStream & { destroy(): void };
  const events: DockerEvent[] = [];
  let buffer = '';
  stream.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line) events.push(JSON.parse(line) as DockerEvent);
      newline = buffer.indexOf('\n');
    }
  });
  return { events, stop: () => stream.destroy() };
}

/** Gaps between one container's `die` and the next container's `next` event (`create` or `start`). */
function gapsAfterDie(events: readonly DockerEvent[], next: 'create' | 'start'): number[] {
  const gaps: number[] = [];
  let lastDie: number | undefined;
  for (const e of events) {
    const action = e.Action ?? e.status;
    const t = (e.timeNano ?? 0) / 1e6;
    if (action === 'die') lastDie = t;
    if (action === next && lastDie !== undefined) {
      gaps.push(t - lastDie);
      lastDie = undefined;
    }
  }
  return gaps;
}

interface RoundResult {
  readonly wall: number;
  /** die -> next start: what the issue calls dead time. */
  readonly deadTimes: number[];
  /** die -> next create: the runner's own share (create -> start is Docker's). */
  readonly runnerShare: number[];
}

function roundResult(wall: number, events: readonly DockerEvent[]): RoundResult {
  return {
    wall,
    deadTimes: gapsAfterDie(events, 'start'),
    runnerShare: gapsAfterDie(events, 'create'),
  };
}

async function engineRound(docker: Docker, engine: Engine, runId: string): Promise<RoundResult> {
  const parsed = parseWorkflow(workflowYaml());
  if (!parsed.workflow) throw new Error(JSON.stringify(parsed.diagnostics));
  const watcher = await watchRunEvents(docker, `containerops.run-id=${runId}`);
  const t0 = performance.now();
  const final = await engine.start(parsed.workflow, { runId }).done;
  const wall = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 200)); // let the last events arrive
  watcher.stop();
  if (final.status !== 'succeeded') throw new Error(`run ${final.status}: ${final.reason ?? ''}`);
  return roundResult(wall, watcher.events);
}

async function directRound(docker: Docker, round: number): Promise<RoundResult> {
  const volume = `co-bench-direct-${process.pid}-${round}`;
  const tag = `${process.pid}-${round}`;
  await docker.createVolume({ Name: volume });
  const watcher = await watchRunEvents(docker, `containerops.bench=${tag}`);
  const t0 = performance.now();
  for (let i = 0; i < JOBS; i++) {
    const container = await docker.createContainer({
      Image: IMAGE,
      Entrypoint: ['true'],
      Cmd: [],
      WorkingDir: '/workspace',
      Env: ['CO_WORKSPACE=/workspace'],
      Labels: { 'containerops.bench': tag },
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
    await container.wait();
    await drained;
    await container.remove({ force: true });
  }
  const wall = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 200)); // let the last events arrive
  watcher.stop();
  await docker.getVolume(volume).remove();
  return roundResult(wall, watcher.events);
}

async function main(): Promise<void> {
  const docker = new Docker();
  await docker.ping();
  const engine = new Engine({ orchestrator: createDockerOrchestrator() });
  // Warm-up: one short round of each.
  await directRound(docker, -1);
  await engineRound(docker, engine, `benchwarm${Date.now()}`);

  const engineRounds: RoundResult[] = [];
  const directRounds: RoundResult[] = [];
  for (let r = 0; r < REPEATS; r++) {
    directRounds.push(await directRound(docker, r));
    engineRounds.push(await engineRound(docker, engine, `bench${Date.now()}r${r}`));
  }
  const engineWalls = engineRounds.map((x) => x.wall);
  const directWalls = directRounds.map((x) => x.wall);
  const gaps = engineRounds.flatMap((x) => x.deadTimes);
  const directGaps = directRounds.flatMap((x) => x.deadTimes);
  const ratios = engineWalls.map((w, i) => w / (directWalls[i] as number));
  const results = {
    method:
      '50 sequential `true` jobs: engine+docker orchestrator vs 50 direct dockerode create/attach/start/wait/remove cycles; dead time = container die -> next container start (Docker event timestamps)',
    jobs: JOBS,
    repeats: REPEATS,
    engineWallMsMedian: round(median(engineWalls), 1),
    directWallMsMedian: round(median(directWalls), 1),
    overheadRatioMedian: round(median(ratios)),
    overheadRatioByRepeat: ratios.map((v) => round(v)),
    deadTimeMsMedian: round(median(gaps), 1),
    deadTimeMsP90: round(
      gaps.sort((a, b) => a - b)[Math.floor(gaps.length * 0.9)] ?? Number.NaN,
      1,
    ),
    gapsMeasured: gaps.length,
    directDeadTimeMsMedian: round(median(directGaps), 1),
    engineAddedDeadTimeMsMedian: round(median(gaps) - median(directGaps), 1),
    engineDieToNextCreateMsMedian: round(median(engineRounds.flatMap((x) => x.runnerShare)), 1),
    directDieToNextCreateMsMedian: round(median(directRounds.flatMap((x) => x.runnerShare)), 1),
    targets: { overheadRatio: 1.15, deadTimeMs: 50 },
  };
  const file = await writeResults('engine-docker', results);
  console.log(JSON.stringify(results, null, 2));
  console.log(`written to ${file}`);
}

await main();
