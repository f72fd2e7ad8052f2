/**
 * Issue 12 item 2 on the test cluster, through the command line as a user runs it: a flow file
 * whose first job has only `kubectl: deploy/pod.yaml` (a Pod manifest next to the flow file),
 * run with `containerops run --orchestrator kubernetes`. The CLI parses the flow for the chosen
 * orchestrator, reads the manifest from the flow's directory, and the kubernetes plugin runs it
 * as the job's Job: the manifest's container prints `[COUT] X = y` with the run's env injected,
 * and a later job (an ordinary image job) reads X through a data link.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { requireKubernetes } from '@containerops/k8s-node-agent/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeHttp } from '../src/k8s/kube-http.js';
import { kubeconfigIn } from '../src/k8s/kubeconfig-in.js';
import { createScratchNamespace } from '../src/k8s/scratch-namespace.js';
import type { ScratchNamespace } from '../src/k8s/scratch-namespace.js';

const run = promisify(execFile);
const CLI = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../packages/cli/bin/containerops.js',
);
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
    await kubeconfigIn(k8s.kubeconfig, scratch.name, join(dir, 'kubeconfig'));
  });
  afterAll(async () => {
    await scratch?.delete();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('runs the manifest with the run env; a later job reads its [COUT] output through a data link', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [CLI, 'run', 'flow.yaml', '--orchestrator', 'kubernetes', '--plain'],
      {
        cwd: dir,
        env: { ...process.env, KUBECONFIG: join(dir, 'kubeconfig'), NO_COLOR: '1' },
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    // No `kubectl-ignored` or other diagnostic: the manifest was read and applied.
    expect(stderr).toBe('');
    expect(stdout).toContain('on the kubernetes orchestrator');
    expect(stdout).toContain('[deploy.apply.pod] data=GREETING=hello greeting=hello');
    expect(stdout).toContain('[check.read.reader] linked: y');
    expect(stdout).toMatch(/✓ containerops\/e2e\/kubectl-jobs succeeded/);
    // Both jobs were batch/v1 Jobs (the manifest's Pod spec became the first one's template):
    // the real Job controller created a Pod for each. The line above could only come from the
    // manifest's own command: the job has no endpoint image.
    const events = await kube!.call(
      'GET',
      `/api/v1/namespaces/${scratch!.name}/events?fieldSelector=involvedObject.kind%3DJob`,
    );
    const created = ((events.body['items'] ?? []) as { reason: string }[]).filter(
      (event) => event.reason === 'SuccessfulCreate',
    );
    expect(created).toHaveLength(2);
  }, 200_000);
});
