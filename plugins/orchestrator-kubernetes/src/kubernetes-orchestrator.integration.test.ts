/**
 * Kubernetes-specific behaviour against the real test control plane (the conformance suite covers
 * the shared contract and needs a node): the Job and claim as created, watch drop and resume,
 * cancel, reattach from a new plugin instance, cleanup, and the Pending limit with the
 * scheduler's message. None of these needs a Pod to run, so they work with the control plane
 * alone (`scripts/k8s/ensure-control-plane.sh`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobLabel } from '@containerops/sdk';
import type { RunContext } from '@containerops/sdk';
import { behaviourJob } from '@containerops/sdk/testing';
import { kubernetesApiCalls } from './api-calls.js';
import { createKubernetesOrchestrator } from './kubernetes-orchestrator.js';
import type { KubernetesOrchestratorOptions } from './kubernetes-options.js';
import { requireKubernetes } from '@containerops/k8s-node-agent/testing';
import { createTestNamespace } from './testing/test-namespace.js';
import type { TestNamespace } from './testing/test-namespace.js';

const gate = await requireKubernetes({ nodeName: false });
const image = 'containerops/busybox:latest';
const session = `k${Date.now().toString(36)}`;
let counter = 0;

describe.skipIf(!gate.available)('kubernetes orchestrator on the control plane', () => {
  let ns: TestNamespace;
  const runs: RunContext[] = [];

  const orchestrator = (extra: KubernetesOrchestratorOptions = {}) =>
    createKubernetesOrchestrator({
      kubeconfig: gate.kubeconfig,
      namespace: ns.name,
      startCheckMs: 0,
      // Nothing can match: Pods stay Pending even once a node exists, which these tests rely on.
      nodeSelector: { 'containerops.test/no-such-node': 'true' },
      ...extra,
    });
  const newRun = (): RunContext => {
    const runId = `${session}-r${++counter}`;
    const run = {
      runId,
      workflow: 'acme/kubernetes/it',
      labels: { [JobLabel.runId]: runId, [JobLabel.managed]: 'true' },
    };
    runs.push(run);
    return run;
  };
  const job = (run: RunContext, extra: Partial<Parameters<typeof behaviourJob>[0]> = {}) =>
    behaviourJob(
      {
        id: `${session}-j${++counter}`,
        runId: run.runId,
        workflow: run.workflow,
        image,
        ...extra,
      },
      { stdout: ['hello'], sleepMs: 1_000 },
    );

  beforeAll(async () => {
    ns = await createTestNamespace(gate.kubeconfig, 'co-k8s-it');
  });
  afterAll(async () => {
    const o = orchestrator();
    for (const run of runs) await o.cleanup(run, { keepWorkspace: false });
    await ns?.delete();
  });

  it('creates one batch/v1 Job per attempt (backoffLimit 0, Never, deadline, TTL, labels) and a claim per run', async () => {
    const o = orchestrator({ storageClassName: 'containerops-local', workspaceSize: '64Mi' });
    const run = newRun();
    await o.prepare(run);
    await o.prepare(run);
    const spec = job(run, {
      timeoutMs: 90_000,
      resources: { cpuMillis: 2000, memoryBytes: 4_000_000_000, memoryLimitBytes: 4_000_000_000 },
      env: { CO_DATA: '{"a":1}', PRICE: '$5 and $(NOT_EXPANDED)' },
    });
    const handle = await o.start(spec);
    expect(handle).toMatchObject({ id: spec.id, runId: run.runId, backendId: spec.id });
    const created = await ns.batch.readNamespacedJob({
      name: handle.backendId,
      namespace: ns.name,
    });
    expect(created.spec).toMatchObject({
      backoffLimit: 0,
      activeDeadlineSeconds: 120,
      ttlSecondsAfterFinished: 86_400,
    });
    expect(created.metadata?.labels).toMatchObject({
      [JobLabel.managed]: 'true',
      [JobLabel.runId]: run.runId,
      [JobLabel.jobId]: spec.id,
    });
    expect(created.metadata?.labels?.[JobLabel.workflow]).not.toBe('acme/kubernetes/it');
    expect(created.metadata?.annotations?.[JobLabel.workflow]).toBe('acme/kubernetes/it');
    const pod = created.spec?.template.spec;
    expect(pod?.restartPolicy).toBe('Never');
    const container = pod?.containers[0];
    expect(container?.resources).toEqual({
      requests: { cpu: '2', memory: '4G' },
      limits: { memory: '4G' },
    });
    expect(container?.env).toContainEqual({ name: 'CO_DATA', value: '{"a":1}' });
    expect(pod?.volumes?.[0]?.persistentVolumeClaim?.claimName).toBe(`co-ws-${run.runId}`);
    const claim = await ns.core.readNamespacedPersistentVolumeClaim({
      name: `co-ws-${run.runId}`,
      namespace: ns.name,
    });
    expect(claim.spec?.storageClassName).toBe('containerops-local');
    await o.stop(handle, { graceMs: 1_000 });
    expect(await o.wait(handle)).toMatchObject({ reason: 'killed', exitCode: null });
    await o.remove(handle);
  });

  it("fails a job whose Pod stays Pending past the limit, with the scheduler's message", async () => {
    const o = orchestrator({ pendingTimeoutMs: 3_000, workspace: 'emptyDir' });
    const run = newRun();
    await o.prepare(run);
    const handle = await o.start(job(run));
    const began = Date.now();
    const exit = await o.wait(handle);
    expect(exit.reason).toBe('error');
    expect(exit.exitCode).toBeNull();
    expect(exit.message).toMatch(
      /scheduler cannot place the job's Pod: Unschedulable: 0\/\d+ nodes are available/,
    );
    expect(exit.message).toMatch(/Pending for more than 3 s/);
    expect(Date.now() - began).toBeGreaterThanOrEqual(2_000);
    // The job is deleted so it cannot start later.
    await expect(
      ns.batch.readNamespacedJob({ name: handle.backendId, namespace: ns.name }),
    ).rejects.toMatchObject({ code: 404 });
    await o.remove(handle);
  });

  it('resumes its watches after they drop, and still sees the change made meanwhile', async () => {
    const o = orchestrator({ workspace: 'emptyDir' });
    const run = newRun();
    await o.prepare(run);
    const handle = await o.start(job(run));
    const cache = o.cache(ns.name);
    const exit = o.wait(handle);
    await new Promise((resolve) => setTimeout(resolve, 500));
    cache.interrupt();
    // Deleted behind the plugin's back while its watch was down: wait() must still learn of it.
    await ns.batch.deleteNamespacedJob({
      name: handle.backendId,
      namespace: ns.name,
      propagationPolicy: 'Background',
    });
    expect(await exit).toMatchObject({
      reason: 'error',
      message: expect.stringMatching(/disappeared before the job ended/) as string,
    });
    const stats = cache.stats();
    expect(stats.jobs.resumes).toBeGreaterThanOrEqual(1);
    expect(stats.jobs.lists).toBe(1);
    await o.remove(handle);
  });

  it("relists when the watch's resourceVersion is too old (410 Gone)", async () => {
    const o = orchestrator({ workspace: 'emptyDir' });
    const source = o.api.watchSource('jobs', ns.name, `${JobLabel.managed}=true`);
    // A version the API server has compacted away (etcd keeps a few minutes): 410 Gone.
    const outcome = await new Promise<unknown>((resolve) => {
      void source
        .watch('1', (event) => resolve(event.type === 'ERROR' ? event.object : event), resolve)
        .then((connection) => setTimeout(() => connection.close(), 5_000));
    });
    expect(outcome).toMatchObject({ code: 410 });
  });

  it('stop() of a Pending job deletes it and reports killed; stop and remove are idempotent', async () => {
    const o = orchestrator({ workspace: 'emptyDir' });
    const run = newRun();
    await o.prepare(run);
    const handle = await o.start(job(run));
    await Promise.all([o.stop(handle, { graceMs: 1_000 }), o.stop(handle, { graceMs: 1_000 })]);
    expect(await o.wait(handle)).toMatchObject({ reason: 'killed', exitCode: null });
    await expect(
      ns.batch.readNamespacedJob({ name: handle.backendId, namespace: ns.name }),
    ).rejects.toMatchObject({ code: 404 });
    await o.stop(handle, { graceMs: 100 });
    await o.remove(handle);
    await o.remove(handle);
  });

  it("a new plugin instance re-attaches the run's Jobs by label, and only that run's", async () => {
    const first = orchestrator({ workspace: 'emptyDir' });
    const run = newRun();
    const other = newRun();
    await first.prepare(run);
    const a = await first.start(job(run));
    const b = await first.start(job(run));
    const c = await first.start(job(other));
    const second = orchestrator({ workspace: 'emptyDir' });
    const found = await second.reattach({ runId: run.runId });
    expect(found.map((h) => h.id).sort()).toEqual([a.id, b.id].sort());
    const byLabel = await second.reattach({ labels: { [JobLabel.runId]: other.runId } });
    expect(byLabel.map((h) => h.id)).toEqual([c.id]);
    // The re-attached handle is fully usable: stop it through the new instance.
    const handle = found[0];
    if (handle === undefined) throw new Error('no handle');
    await second.stop(handle, { graceMs: 1_000 });
    expect(await second.wait(handle)).toMatchObject({ reason: 'killed' });
    for (const h of [a, b, c]) await second.remove(h);
  });

  it("cleanup() removes the run's Jobs and its claim (unless kept); cleanup of an unknown run is safe", async () => {
    const o = orchestrator({ storageClassName: 'containerops-local', workspaceSize: '64Mi' });
    const run = newRun();
    await o.prepare(run);
    await o.start(job(run));
    await o.cleanup(run, { keepWorkspace: true });
    const jobs = await ns.batch.listNamespacedJob({
      namespace: ns.name,
      labelSelector: `${JobLabel.runId}=${run.runId}`,
    });
    expect(jobs.items.filter((j) => j.metadata?.deletionTimestamp === undefined)).toEqual([]);
    const kept = await ns.core.readNamespacedPersistentVolumeClaim({
      name: `co-ws-${run.runId}`,
      namespace: ns.name,
    });
    expect(kept.metadata?.name).toBe(`co-ws-${run.runId}`);
    await o.cleanup(run, { keepWorkspace: false });
    const claim = await ns.core
      .readNamespacedPersistentVolumeClaim({ name: `co-ws-${run.runId}`, namespace: ns.name })
      .catch((error: unknown) => error);
    // Deleted: gone, or held by its protection finalizer until no Pod uses it.
    expect(
      (claim as { code?: number }).code === 404 ||
        (claim as { metadata?: { deletionTimestamp?: unknown } }).metadata?.deletionTimestamp !==
          undefined,
    ).toBe(true);
    await expect(o.cleanup(newRun(), { keepWorkspace: false })).resolves.toBeUndefined();
  });

  it('with namespacePerWorkflow runs each workflow in its own namespace and re-attaches across them', async () => {
    const o = orchestrator({
      namespacePerWorkflow: ns.name,
      createNamespaces: true,
      workspace: 'emptyDir',
    });
    const run = newRun();
    const own = o.namespaceOf(run.workflow);
    expect(own).toMatch(new RegExp(`^${ns.name}-acme-kubernetes-it-[0-9a-f]{8}$`));
    try {
      await o.prepare(run);
      const handle = await o.start(job(run));
      const created = await ns.batch.readNamespacedJob({ name: handle.backendId, namespace: own });
      expect(created.metadata?.namespace).toBe(own);
      const [found] = await orchestrator({ namespacePerWorkflow: ns.name }).reattach({
        runId: run.runId,
      });
      expect(found).toMatchObject({ id: handle.id, backendId: handle.backendId });
      if (found === undefined) throw new Error('not re-attached');
      await o.stop(found, { graceMs: 1_000 });
      expect(await o.wait(found)).toMatchObject({ reason: 'killed' });
      await o.cleanup(run, { keepWorkspace: false });
      const left = await ns.batch.listNamespacedJob({ namespace: own });
      expect(left.items.filter((j) => j.metadata?.deletionTimestamp === undefined)).toEqual([]);
    } finally {
      await ns.core.deleteNamespace({ name: own }).catch(() => undefined);
    }
  });

  it('makes only the API calls listed in kubernetesApiCalls, each counted', async () => {
    const o = orchestrator({ storageClassName: 'containerops-local', workspaceSize: '64Mi' });
    const run = newRun();
    await o.prepare(run);
    const handle = await o.start(job(run));
    await o.reattach({ runId: run.runId });
    await o.stop(handle, { graceMs: 1_000 });
    await o.wait(handle);
    await o.remove(handle);
    await o.cleanup(run, { keepWorkspace: false });
    const calls = o.api.calls.snapshot();
    expect(Object.keys(calls).every((name) => name in kubernetesApiCalls)).toBe(true);
    expect(calls).toMatchObject({
      createJob: 1,
      createClaim: 1,
      deleteClaim: 1,
      watchJobs: expect.any(Number) as number,
    });
  });
});
