/**
 * Behaviour that needs Pods to really run (control plane + the repository's node agent:
 * scripts/k8s/ensure-cluster.sh), beyond the conformance suite: a long job's log followed while
 * the watches drop, OOM and image-pull failures as `wait()` reports them, the Job deadline, an
 * unschedulable Pod failing with the scheduler's message, and re-attaching a running job from a
 * new plugin instance. A fresh namespace per file, deleted afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobLabel } from '@containerops/sdk';
import type { JobHandle, LogChunk, RunContext } from '@containerops/sdk';
import { behaviourJob } from '@containerops/sdk/testing';
import type { JobBehaviour } from '@containerops/sdk/testing';
import { createKubernetesOrchestrator } from './kubernetes-orchestrator.js';
import type { KubernetesOrchestrator } from './kubernetes-orchestrator.js';
import type { KubernetesOrchestratorOptions } from './kubernetes-options.js';
import { requireKubernetes } from '@containerops/k8s-node-agent/testing';
import { createTestNamespace } from './testing/test-namespace.js';
import type { TestNamespace } from './testing/test-namespace.js';

const gate = await requireKubernetes({ images: ['containerops/busybox:latest'] });
const image = 'containerops/busybox:latest';
const session = `kc${Date.now().toString(36)}`;
let counter = 0;

async function collect(o: KubernetesOrchestrator, handle: JobHandle): Promise<LogChunk[]> {
  const lines: LogChunk[] = [];
  for await (const line of o.logs(handle)) lines.push(line);
  return lines;
}

describe.skipIf(!gate.available)('kubernetes orchestrator on the test cluster', () => {
  let ns: TestNamespace;
  const runs: RunContext[] = [];
  const orchestrator = (extra: KubernetesOrchestratorOptions = {}) =>
    createKubernetesOrchestrator({
      kubeconfig: gate.kubeconfig,
      namespace: ns.name,
      workspace: 'emptyDir',
      stopGraceMs: 2_000,
      ...extra,
    });
  const newRun = (): RunContext => {
    const runId = `${session}-r${++counter}`;
    const run = { runId, workflow: 'k8s/it', labels: { [JobLabel.runId]: runId } };
    runs.push(run);
    return run;
  };
  const job = (
    run: RunContext,
    behaviour: JobBehaviour,
    extra: Partial<Parameters<typeof behaviourJob>[0]> = {},
  ) =>
    behaviourJob(
      { id: `${session}-j${++counter}`, runId: run.runId, workflow: run.workflow, image, ...extra },
      behaviour,
    );

  beforeAll(async () => {
    ns = await createTestNamespace(gate.kubeconfig, 'co-k8s-cluster');
  });
  afterAll(async () => {
    const o = orchestrator();
    for (const run of runs) await o.cleanup(run, { keepWorkspace: false });
    await ns?.delete();
  });

  it('follows the log of a long job to its end, through watch drops, every line once and in order', async () => {
    const o = orchestrator();
    const run = newRun();
    const count = 120;
    // One line every 100 ms for 12 s: long enough for several drops while the follow is open.
    const script = `i=1; while [ $i -le ${count} ]; do echo "tick $i"; i=$((i+1)); sleep 0.1; done`;
    const handle = await o.start({ ...job(run, {}), command: ['sh', '-c', script] });
    const lines = collect(o, handle);
    const exit = o.wait(handle);
    const cache = o.cache(ns.name);
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      cache.interrupt();
    }
    expect(await exit).toMatchObject({ exitCode: 0, reason: 'exited' });
    expect((await lines).map((l) => l.text)).toEqual(
      Array.from({ length: count }, (_, i) => `tick ${i + 1}`),
    );
    expect(cache.stats().pods.resumes).toBeGreaterThanOrEqual(4);
    await o.remove(handle);
  }, 60_000);

  it('follows a long job through log connections cut under it, every line once and in order', async () => {
    const o = orchestrator();
    const run = newRun();
    const count = 80;
    const script = `i=1; while [ $i -le ${count} ]; do echo "line $i"; echo "err $i" >&2; i=$((i+1)); sleep 0.1; done`;
    const handle = await o.start({ ...job(run, {}), command: ['sh', '-c', script] });
    const lines = collect(o, handle);
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      o.api.interruptLogs();
    }
    expect(await o.wait(handle)).toMatchObject({ exitCode: 0, reason: 'exited' });
    const all = await lines;
    const of = (stream: string) => all.filter((l) => l.stream === stream).map((l) => l.text);
    expect(of('stdout')).toEqual(Array.from({ length: count }, (_, i) => `line ${i + 1}`));
    expect(of('stderr')).toEqual(Array.from({ length: count }, (_, i) => `err ${i + 1}`));
    expect(o.api.calls.snapshot().readPodLog ?? 0).toBeGreaterThanOrEqual(2 + 3);
    await o.remove(handle);
  }, 60_000);

  it('reports OOMKilled as reason "oom"', async () => {
    const o = orchestrator();
    const run = newRun();
    const limit = 32 * 1024 * 1024;
    const handle = await o.start(
      job(run, { memoryHog: true }, { resources: { memoryBytes: limit, memoryLimitBytes: limit } }),
    );
    expect(await o.wait(handle)).toMatchObject({
      exitCode: null,
      reason: 'oom',
      message: expect.stringContaining('OOMKilled') as string,
    });
    await o.remove(handle);
  }, 60_000);

  it("fails a job whose image cannot be pulled, naming the image and the kubelet's reason", async () => {
    const o = orchestrator({ startCheckMs: 0 });
    const run = newRun();
    const missing = 'containerops.invalid/k8s/missing:never';
    const handle = await o.start(job(run, { stdout: ['never'] }, { image: missing }));
    const exit = await o.wait(handle);
    expect(exit).toMatchObject({ exitCode: null, reason: 'error' });
    expect(exit.message).toMatch(
      new RegExp(
        `^image ${missing.replace(/[.]/g, '\\.')} cannot be pulled \\((ErrImagePull|ImagePullBackOff)\\): `,
      ),
    );
    expect(await collect(o, handle)).toEqual([]);
    await o.remove(handle);
  }, 60_000);

  it('ends a job at its deadline (Job condition DeadlineExceeded) when nobody stops it', async () => {
    const o = orchestrator({ deadlineMarginSeconds: 0 });
    const run = newRun();
    const handle = await o.start(
      job(run, { stdout: ['working'], sleepMs: 60_000 }, { timeoutMs: 2_000 }),
    );
    const began = Date.now();
    const exit = await o.wait(handle);
    expect(exit).toMatchObject({
      exitCode: null,
      reason: 'error',
      message: expect.stringMatching(/^deadline exceeded: .*\(2 s\)/) as string,
    });
    expect(Date.now() - began).toBeLessThan(30_000);
    await o.remove(handle);
  }, 60_000);

  it("fails an unschedulable Pod after the Pending limit, with the scheduler's message", async () => {
    const o = orchestrator({
      pendingTimeoutMs: 3_000,
      nodeSelector: { 'containerops.test/pool': 'none' },
    });
    const run = newRun();
    const handle = await o.start(job(run, { stdout: ['never'] }));
    const exit = await o.wait(handle);
    expect(exit).toMatchObject({ exitCode: null, reason: 'error' });
    expect(exit.message).toMatch(
      /^the scheduler cannot place the job's Pod: Unschedulable: 0\/\d+ nodes are available: .*didn't match Pod's node affinity\/selector/,
    );
    await o.remove(handle);
  }, 60_000);

  it('a new plugin instance re-attaches a running job and follows it to its end', async () => {
    const first = orchestrator();
    const run = newRun();
    const spec = job(run, { stdout: ['one', 'two'], sleepMs: 3_000, exitCode: 5 });
    const started = await first.start(spec);
    const second = orchestrator();
    const [handle] = await second.reattach({ runId: run.runId });
    expect(handle).toMatchObject({ id: spec.id, backendId: started.backendId });
    if (handle === undefined) throw new Error('not re-attached');
    const lines = collect(second, handle);
    expect(await second.wait(handle)).toMatchObject({ exitCode: 5, reason: 'exited' });
    expect((await lines).map((l) => l.text)).toEqual(['one', 'two']);
    await second.remove(handle);
  }, 60_000);
});
