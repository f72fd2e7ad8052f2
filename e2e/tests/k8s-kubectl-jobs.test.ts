/**
 * Issue 12 item 2 on the test cluster: a flow file whose first job has only `kubectl: deploy/pod.yaml`
 * (a Pod manifest next to the flow file). The flow is parsed for an orchestrator that applies
 * manifests, with a reader of files under the flow's directory, so the manifest's text reaches
 * the kubernetes orchestrator; the manifest's container prints `[COUT] X = y` with the run's env
 * injected, and a later job (an ordinary image job) reads X through a data link.
 *
 * It runs through the real `Engine` and the real plugin, not the command line: the command line
 * does not yet parse with `orchestrator`/`readManifest`, and the plugin does not yet list
 * `kubectl` in its `jobOptions` (see the plugin README, "`kubectl` jobs"), so the test's
 * orchestrator is the plugin's class with that one capability added.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, parseWorkflow } from '@containerops/core';
import type { OrchestratorCapabilities } from '@containerops/core';
import { requireKubernetes } from '@containerops/k8s-node-agent/testing';
import { KubernetesOrchestrator } from '@containerops/orchestrator-kubernetes';
import type { KubernetesOrchestratorOptions } from '@containerops/orchestrator-kubernetes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeHttp } from '../src/k8s/kube-http.js';
import { createScratchNamespace } from '../src/k8s/scratch-namespace.js';
import type { ScratchNamespace } from '../src/k8s/scratch-namespace.js';

const BUSYBOX = 'containerops/busybox:latest';
const k8s = await requireKubernetes({ images: [BUSYBOX] });

const FLOW = `uri: containerops/e2e/kubectl-jobs
stages:
  - type: start
    name: start
  - type: normal
    name: deploy
    actions:
      - name: apply
        jobs:
          - type: component
            name: pod
            kubectl: deploy/pod.yaml
            environments:
              - CO_DATA: "GREETING=hello"
            outputs:
              - X
  - type: normal
    name: check
    actions:
      - name: read
        jobs:
          - type: component
            name: reader
            endpoint: ${BUSYBOX}
            command: 'echo "linked: $LINKED"; test "$LINKED" = y'
            subscriptions:
              - deploy.apply.pod[X]: LINKED
  - type: end
    name: end
`;

const POD = `apiVersion: v1
kind: Pod
metadata: { name: from-the-repository }
spec:
  containers:
    - name: deployer
      image: ${BUSYBOX}
      imagePullPolicy: Never
      command: [sh, -c, 'echo "data=$CO_DATA greeting=$CO_GREETING"; echo "[COUT] X = y"']
`;

/** The plugin's orchestrator, declaring that it reads `kubectl` (the switch not yet on in the plugin). */
function kubectlKubernetes(options: KubernetesOrchestratorOptions): KubernetesOrchestrator {
  const orchestrator = new KubernetesOrchestrator(options);
  const capabilities: OrchestratorCapabilities = {
    ...orchestrator.capabilities,
    jobOptions: ['kubectl'],
  };
  return Object.defineProperty(orchestrator, 'capabilities', { value: capabilities });
}

describe.skipIf(!k8s.available)('original kubectl jobs on Kubernetes', () => {
  let dir = '';
  let scratch: ScratchNamespace | undefined;
  const kube = k8s.available ? kubeHttp(k8s.kubeconfig) : undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'co-k8s-kubectl-'));
    scratch = await createScratchNamespace(kube!, 'co-kubectl-jobs');
    await mkdir(join(dir, 'deploy'));
    await writeFile(join(dir, 'deploy', 'pod.yaml'), POD);
    await writeFile(join(dir, 'flow.yaml'), FLOW);
  });
  afterAll(async () => {
    await scratch?.delete();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('runs the manifest with the run env; a later job reads its [COUT] output through a data link', async () => {
    const source = await readFile(join(dir, 'flow.yaml'), 'utf8');
    const parsed = parseWorkflow(source, {
      fileName: 'flow.yaml',
      orchestrator: { name: 'kubernetes', jobOptions: ['kubectl'] },
      readManifest: (path) => readFileSync(join(dir, path), 'utf8'),
    });
    expect(parsed.diagnostics).toEqual([]);
    if (parsed.workflow === undefined) throw new Error('the flow did not parse');

    const orchestrator = kubectlKubernetes({
      kubeconfig: k8s.kubeconfig,
      namespace: scratch!.name,
      workspace: 'emptyDir',
      stopGraceMs: 2_000,
    });
    const engine = new Engine({ orchestrator, stopGraceMs: 2_000 });
    const done = await engine.start(parsed.workflow, {}).done;
    const jobs = done.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs));
    const pod = jobs.find((j) => j.name === 'pod');
    const reader = jobs.find((j) => j.name === 'reader');
    expect(pod).toMatchObject({ status: 'succeeded', outputs: { X: 'y' } });
    expect(reader?.status).toBe('succeeded');
    expect(done.status).toBe('succeeded');

    const text = async (jobPath: string) =>
      (await engine.logs.read({ runId: done.runId, jobPath })).map((l) => l.text);
    expect(await text('deploy.apply.pod')).toContain('data=GREETING=hello greeting=hello');
    expect(await text('check.read.reader')).toContain('linked: y');
  }, 180_000);
});
