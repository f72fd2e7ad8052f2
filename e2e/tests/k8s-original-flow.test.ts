/**
 * Issue 12 acceptance: "an original flow file with cpu/memory resources and data links runs
 * unchanged on Kubernetes". The flow below is in the 2017 format as the original engine read it
 * (start/normal/end stages, `type: component` jobs named after their image, `resources` as
 * `cpu: 2` / `memory: 4G`, `environments` with CO_DATA, `outputs`, a `subscriptions` data link,
 * `timeout: 0`); nothing in it is ours. It runs through the command line on the test cluster
 * (real API server, Job controller and scheduler; our node agent runs the Pods on Docker).
 *
 * The command line passes no orchestrator settings, so the Jobs go to the kubeconfig context's
 * namespace: the test gives it a scratch one and reads the Job controller's events there.
 *
 * The component is a tiny image built here from the local busybox (no registry is reachable):
 * like the original components it reads CO_DATA and prints `[COUT] KEY = VALUE`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
const BUSYBOX = 'containerops/busybox:latest';
const COMPONENT = 'containerops/e2e-original-echo:latest';
const CLI = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../packages/cli/bin/containerops.js',
);
const k8s = await requireKubernetes({ images: [BUSYBOX] });

/** Prints each KEY=VALUE of CO_DATA as an output, then what a data link gave it. */
const ENTRYPOINT = `#!/bin/sh
for pair in $CO_DATA; do
  echo "[COUT] \${pair%%=*} = \${pair#*=}"
done
if [ -n "$CO_PACKAGE_URL" ]; then echo "linked package: $CO_PACKAGE_URL"; fi
`;

const ORIGINAL_FLOW = `uri: containerops/e2e/original-on-kubernetes
title: A 2017 flow, run unchanged on Kubernetes
version: 1
tag: latest
timeout: 0
stages:
  -
    type: start
    name: start
    title: Start
  -
    type: normal
    name: build
    title: Build
    sequencing: sequence
    actions:
      -
        name: package
        title: package the project
        jobs:
          -
            type: component
            endpoint: ${COMPONENT}
            resources:
              cpu: 2
              memory: 4G
            timeout: 0
            environments:
              - CO_DATA: "URL=http://artifacts.invalid/pkg-1.tgz"
            outputs:
              - URL
  -
    type: normal
    name: test
    title: Test
    sequencing: parallel
    actions:
      -
        name: unit
        title: unit tests
        jobs:
          -
            type: component
            endpoint: ${COMPONENT}
            resources:
              cpu: 0.5
              memory: 512Mi
            timeout: 0
            environments:
              - CO_DATA: "RESULT=passed"
            subscriptions:
              - build.package.e2e-original-echo[URL]: CO_PACKAGE_URL
  -
    type: end
    name: end
    title: End
`;

describe.skipIf(!k8s.available)('a 2017 flow on Kubernetes', () => {
  let dir = '';
  let scratch: ScratchNamespace | undefined;
  const kube = k8s.available ? kubeHttp(k8s.kubeconfig) : undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'co-k8s-original-'));
    scratch = await createScratchNamespace(kube!, 'co-original-flow');
    await kubeconfigIn(k8s.kubeconfig, scratch.name, join(dir, 'kubeconfig'));
    const context = join(dir, 'image');
    await run('mkdir', ['-p', context]);
    await writeFile(join(context, 'entrypoint.sh'), ENTRYPOINT, { mode: 0o755 });
    await writeFile(
      join(context, 'Dockerfile'),
      `FROM ${BUSYBOX}\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n`,
    );
    await run('docker', ['build', '-q', '-t', COMPONENT, context]);
    await writeFile(join(dir, 'flow.yaml'), ORIGINAL_FLOW);
  }, 120_000);

  afterAll(async () => {
    await scratch?.delete();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('runs with its resources and its data link, every job a Kubernetes Job', async () => {
    const { stdout } = await run(
      process.execPath,
      [CLI, 'run', join(dir, 'flow.yaml'), '--orchestrator', 'kubernetes', '--plain'],
      {
        cwd: dir,
        env: { ...process.env, KUBECONFIG: join(dir, 'kubeconfig'), NO_COLOR: '1' },
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(stdout).toContain('on the kubernetes orchestrator');
    expect(stdout).toContain('[COUT] URL = http://artifacts.invalid/pkg-1.tgz');
    expect(stdout).toContain(
      '[test.unit.e2e-original-echo] linked package: http://artifacts.invalid/pkg-1.tgz',
    );
    expect(stdout).toMatch(/✓ containerops\/e2e\/original-on-kubernetes succeeded/);
    // Each job was a batch/v1 Job: the real Job controller created a Pod for each.
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
