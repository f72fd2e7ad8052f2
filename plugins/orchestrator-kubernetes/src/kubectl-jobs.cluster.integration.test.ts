/**
 * `kubectl` jobs on the test cluster (control plane + the repository's node agent:
 * scripts/k8s/ensure-cluster.sh): a Pod manifest and a Job manifest given as `options.kubectl`
 * run as our Job, with the run's env injected, the first container's exit, log and `$CO_OUTPUT`
 * as the job's, and a Service refused before anything is created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobLabel } from '@containerops/sdk';
import type { JobHandle, JobSpec, LogChunk, RunContext } from '@containerops/sdk';
import { createKubernetesOrchestrator } from './kubernetes-orchestrator.js';
import type { KubernetesOrchestrator } from './kubernetes-orchestrator.js';
import { requireKubernetes } from '@containerops/k8s-node-agent/testing';
import { createTestNamespace } from './testing/test-namespace.js';
import type { TestNamespace } from './testing/test-namespace.js';

const gate = await requireKubernetes({ images: ['containerops/busybox:latest'] });
const image = 'containerops/busybox:latest';
const session = `kk${Date.now().toString(36)}`;
let counter = 0;

async function collect(o: KubernetesOrchestrator, handle: JobHandle): Promise<string[]> {
  const lines: LogChunk[] = [];
  for await (const line of o.logs(handle)) lines.push(line);
  return lines.map((l) => l.text);
}

/** Prints an output line, the injected env and the manifest's own variable; writes $CO_OUTPUT. */
const SCRIPT =
  'echo "[COUT] X = y"; echo "data=$CO_DATA target=$TARGET keep=$KEEP"; ' +
  'printf "X=y" > "$CO_OUTPUT"; echo shared > "$CO_WORKSPACE/from-manifest"';

const POD = `apiVersion: v1
kind: Pod
metadata: { name: ignored }
spec:
  containers:
    - name: main
      image: ${image}
      imagePullPolicy: Never
      command: [sh, -c, '${SCRIPT}']
      env:
        - { name: TARGET, value: from-the-manifest }
        - { name: KEEP, value: kept }
    - name: helper
      image: ${image}
      imagePullPolicy: Never
      command: [sh, -c, 'test "$CO_DATA" = "ref=main"']
`;

const FAILING_JOB = `apiVersion: batch/v1
kind: Job
metadata: { name: ignored }
spec:
  backoffLimit: 4
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: only
          image: ${image}
          imagePullPolicy: Never
          command: [sh, -c, 'echo failing; exit 3']
`;

describe.skipIf(!gate.available)('kubectl jobs on the test cluster', () => {
  let ns: TestNamespace;
  const runs: RunContext[] = [];
  const orchestrator = () =>
    createKubernetesOrchestrator({
      kubeconfig: gate.kubeconfig,
      namespace: ns.name,
      workspace: 'emptyDir',
      stopGraceMs: 2_000,
    });
  const kubectlJob = (manifest: string): JobSpec => {
    const runId = `${session}-r${++counter}`;
    const run = { runId, workflow: 'k8s/kubectl', labels: { [JobLabel.runId]: runId } };
    runs.push(run);
    const id = `${session}-j${++counter}`;
    return {
      id,
      runId,
      workflow: run.workflow,
      stage: 'deploy',
      action: 'apply',
      job: 'pod',
      attempt: 1,
      env: { CO_DATA: 'ref=main', TARGET: 'from-the-flow' },
      resources: {},
      labels: { [JobLabel.runId]: runId, [JobLabel.managed]: 'true', [JobLabel.jobId]: id },
      timeoutMs: 60_000,
      options: { kubectl: manifest },
    };
  };

  beforeAll(async () => {
    ns = await createTestNamespace(gate.kubeconfig, 'co-k8s-kubectl');
  });
  afterAll(async () => {
    const o = orchestrator();
    for (const run of runs) await o.cleanup(run, { keepWorkspace: false });
    await ns?.delete();
  });

  it("runs a Pod manifest with the run's env; its first container's log, exit and output are the job's", async () => {
    const o = orchestrator();
    const spec = kubectlJob(POD);
    expect(o.validateJobOptions(spec.options ?? {})).toBeUndefined();
    const handle = await o.start(spec);
    const lines = collect(o, handle);
    expect(await o.wait(handle)).toMatchObject({
      exitCode: 0,
      reason: 'exited',
      outputFile: 'X=y',
    });
    expect(await lines).toEqual(['[COUT] X = y', 'data=ref=main target=from-the-flow keep=kept']);
    const created = await ns.batch.readNamespacedJob({
      name: handle.backendId,
      namespace: ns.name,
    });
    expect(created.spec?.backoffLimit).toBe(0);
    expect(created.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['job', 'helper']);
    await o.remove(handle);
  }, 90_000);

  it('runs a Job manifest once, restartPolicy Never, and reports the exit code of its container', async () => {
    const o = orchestrator();
    const handle = await o.start(kubectlJob(FAILING_JOB));
    expect(await o.wait(handle)).toMatchObject({ exitCode: 3, reason: 'exited' });
    const created = await ns.batch.readNamespacedJob({
      name: handle.backendId,
      namespace: ns.name,
    });
    expect(created.spec?.backoffLimit).toBe(0);
    expect(created.spec?.template.spec?.restartPolicy).toBe('Never');
    await o.remove(handle);
  }, 90_000);

  it('refuses a Service manifest, in validateJobOptions and in start, creating nothing', async () => {
    const o = orchestrator();
    const service = 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: {}\n';
    const spec = kubectlJob(service);
    expect(o.validateJobOptions({ kubectl: service })).toContain('is a Service');
    await expect(o.start(spec)).rejects.toThrow('only a Pod or a Job');
    const jobs = await ns.batch.listNamespacedJob({ namespace: ns.name });
    expect(jobs.items.map((j) => j.metadata?.labels?.[JobLabel.jobId])).not.toContain(spec.id);
  });
});
