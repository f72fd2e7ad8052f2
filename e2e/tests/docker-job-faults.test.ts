/**
 * Issue 10 items 6 and 10 (Docker parts) on a real Docker engine, through the real `Engine`:
 * - one 50 MB `[COUT]` line fails the job with the same "outputs too large" (OUTPUT_TOO_LARGE)
 *   as 50,000 small `[COUT]` lines, instead of succeeding with the output cut at 1 MiB;
 * - exit 137 reads "out of memory" only when Docker says OOMKilled: a SIGKILL from outside is
 *   "killed by SIGKILL", a real memory kill (a 32 MiB limit) is "killed: out of memory";
 * - `docker rm -f` of a running job reads as the container removed outside ContainerOps, not as
 *   a log-stream error.
 */
import { describe, expect, it } from 'vitest';
import { Engine, JobLabel, parseWorkflow } from '@containerops/core';
import type { JobRunSnapshot } from '@containerops/core';
import { createDockerClient, createDockerOrchestrator } from '@containerops/orchestrator-docker';
import { requireDocker } from '@containerops/orchestrator-docker';

const BUSYBOX = 'containerops/busybox:latest';
const gate = await requireDocker({ images: [BUSYBOX] });
const session = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let counter = 0;

/** The reason the output cap gives, whatever the byte count. */
const TOO_LARGE = /^outputs too large: \d+ bytes, over the limit of 1048576 bytes \(1 MiB\)/;

interface OneJob {
  readonly script: string;
  readonly outputs?: readonly string[];
  readonly memoryLimit?: string;
}

describe.skipIf(!gate.available)('job faults on Docker, through the engine', () => {
  const { docker } = createDockerClient({});
  const orchestrator = createDockerOrchestrator({ network: 'none', pullPolicy: 'never' });

  /** Runs a one-job workflow; `during` gets the job's running container id. */
  async function runOne(
    job: OneJob,
    during?: (containerId: string) => Promise<void>,
  ): Promise<JobRunSnapshot> {
    const runId = `faults-${session}-${++counter}`;
    const text = JSON.stringify({
      uri: `e2e/faults/w${counter}`,
      stages: [
        { type: 'start', name: 'start' },
        {
          type: 'normal',
          name: 'work',
          actions: [
            {
              name: 'a',
              jobs: [
                {
                  name: 'j',
                  endpoint: BUSYBOX,
                  command: ['sh', '-c', job.script],
                  ...(job.outputs === undefined ? {} : { outputs: job.outputs }),
                  ...(job.memoryLimit === undefined
                    ? {}
                    : { resources: { memory: job.memoryLimit, memoryLimit: job.memoryLimit } }),
                },
              ],
            },
          ],
        },
        { type: 'end', name: 'end' },
      ],
    });
    const parsed = parseWorkflow(text);
    if (parsed.workflow === undefined) throw new Error(JSON.stringify(parsed.diagnostics));
    const engine = new Engine({ orchestrator, stopGraceMs: 1_000 });
    const handle = engine.start(parsed.workflow, { runId });
    if (during !== undefined) {
      const label = [`${JobLabel.runId}=${runId}`, `${JobLabel.job}=j`];
      let id: string | undefined;
      for (let i = 0; id === undefined && i < 300; i++) {
        const running = await docker.listContainers({ filters: { label } });
        id = running[0]?.Id;
        if (id === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (id === undefined) throw new Error('the job container never ran');
      await new Promise((resolve) => setTimeout(resolve, 300)); // let it print "up"
      await during(id);
    }
    const done = await handle.done;
    const found = done.stages
      .flatMap((s) => s.actions.flatMap((a) => a.jobs))
      .find((j) => j.name === 'j');
    if (found === undefined) throw new Error('no job in the snapshot');
    return found;
  }

  it('a single 50 MB [COUT] line fails with OUTPUT_TOO_LARGE, as 50,000 small lines do', async () => {
    const huge = await runOne({
      script: "printf '[COUT] BIG = '; head -c 52428800 /dev/zero | tr '\\0' a; echo",
      outputs: ['BIG'],
    });
    expect(huge.status).toBe('failed');
    expect(huge.reason).toMatch(TOO_LARGE);
    expect(huge.outputs).toEqual({});

    const many = await runOne({
      script:
        'i=1; while [ "$i" -le 50000 ]; do echo "[COUT] KEY_$i = some value of thirty bytes....."; i=$((i + 1)); done',
    });
    expect(many.status).toBe('failed');
    expect(many.reason).toMatch(TOO_LARGE);
  }, 180_000);

  it('exit 137 follows OOMKilled: a SIGKILL from outside is not "out of memory", a real OOM is', async () => {
    const killed = await runOne({ script: 'echo up; sleep 60' }, async (id) => {
      await docker.getContainer(id).kill({ signal: 'SIGKILL' });
    });
    expect(killed).toMatchObject({
      status: 'failed',
      exitCode: 137,
      reason: 'exited with code 137 (killed by SIGKILL)',
    });

    const hog = await runOne({
      script: 'x=xxxxxxxxxxxxxxxx; while :; do x="$x$x"; done',
      memoryLimit: '32Mi',
    });
    expect(hog.status).toBe('failed');
    expect(hog.reason).toMatch(/^killed: out of memory/);
  }, 120_000);

  it('`docker rm -f` of a running job reads as removed outside ContainerOps, not a log error', async () => {
    const removed = await runOne(
      { script: 'echo up; while :; do echo tick; sleep 0.05; done' },
      async (id) => {
        await docker.getContainer(id).remove({ force: true });
      },
    );
    expect(removed.status).toBe('failed');
    expect(removed.reason).toContain('removed outside ContainerOps');
    expect(removed.reason).not.toMatch(/log/);
  }, 120_000);
});
