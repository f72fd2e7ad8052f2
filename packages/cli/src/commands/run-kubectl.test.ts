/**
 * `containerops run` with the 2017 format's `kubectl: <manifest>` jobs: the manifest is read from
 * the flow file's directory and reaches an orchestrator that applies manifests as the job's
 * `options.kubectl` text; on one that does not, the field is a warning (or, for a job with nothing
 * else to run, an error) before anything runs. The orchestrators are in-memory fakes; the real
 * Kubernetes run is e2e/tests/k8s-kubectl-jobs.test.ts.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrchestratorCapabilities } from '@containerops/core';
import { FakeOrchestrator } from '@containerops/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeHost } from '../../test/fake-plugin-host.js';
import { MemoryIo } from '../../test/memory-io.js';
import { createRunCommand } from './run.js';

/** A fake that declares, as the kubernetes plugin does, that it applies `kubectl` manifests. */
function manifestReading(): FakeOrchestrator {
  const orchestrator = new FakeOrchestrator();
  const capabilities: OrchestratorCapabilities = {
    ...orchestrator.capabilities,
    jobOptions: ['kubectl'],
  };
  return Object.defineProperty(orchestrator, 'capabilities', { value: capabilities });
}

const POD =
  'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: c\n      image: busybox\n';

function flow(job: string): string {
  return `uri: acme/demo/kubectl
stages:
  - type: normal
    name: deploy
    actions:
      - name: apply
        jobs:
          - type: component
            name: pod
${job}`;
}

describe('containerops run: kubectl manifests', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'co-cli-kubectl-'));
    await mkdir(join(dir, 'deploy'));
    await writeFile(join(dir, 'deploy', 'pod.yaml'), POD);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function write(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it('hands a kubectl-only job its manifest text on an orchestrator that applies manifests', async () => {
    const kube = manifestReading();
    const run = createRunCommand(() =>
      fakeHost([{ name: 'kube', orchestrator: kube, auto: false }]),
    );
    const file = await write('only.yaml', flow('            kubectl: deploy/pod.yaml\n'));
    const io = new MemoryIo({ cwd: dir });
    await expect(run.run([file, '--orchestrator', 'kube', '--plain'], io)).resolves.toBe(0);
    expect(io.stderr.text).toBe('');
    expect(kube.started).toHaveLength(1);
    expect(kube.started[0]?.options).toEqual({ kubectl: POD });
  });

  it('reports a manifest missing next to the flow file at its line and runs nothing', async () => {
    const kube = manifestReading();
    const run = createRunCommand(() =>
      fakeHost([{ name: 'kube', orchestrator: kube, auto: false }]),
    );
    const file = await write('missing.yaml', flow('            kubectl: deploy/nope.yaml\n'));
    const io = new MemoryIo({ cwd: dir });
    await expect(run.run([file, '-o', 'kube', '--plain'], io)).resolves.toBe(1);
    expect(io.stderr.text).toContain(
      ':10:22: error invalid-value: kubectl manifest "deploy/nope.yaml" cannot be read next to the flow file',
    );
    expect(kube.started).toHaveLength(0);
  });

  it('warns that kubectl is ignored elsewhere and runs the endpoint image', async () => {
    const docker = new FakeOrchestrator();
    const run = createRunCommand(() => fakeHost([{ name: 'docker', orchestrator: docker }]));
    const file = await write(
      'both.yaml',
      flow('            endpoint: acme/deployer:1\n            kubectl: deploy/pod.yaml\n'),
    );
    const io = new MemoryIo({ cwd: dir });
    await expect(run.run([file, '--plain'], io)).resolves.toBe(0);
    expect(io.stderr.text).toMatch(
      /:11:13: warning kubectl-ignored: kubectl is ignored on the fake orchestrator: only kubernetes applies manifests; the job runs its endpoint image\n/,
    );
    expect(docker.started).toHaveLength(1);
    expect(docker.started[0]?.image).toBe('acme/deployer:1');
    expect(docker.started[0]?.options ?? {}).toEqual({});
  });

  it('refuses a kubectl-only job on an orchestrator that does not apply manifests', async () => {
    const docker = new FakeOrchestrator();
    const run = createRunCommand(() => fakeHost([{ name: 'docker', orchestrator: docker }]));
    const file = await write('refused.yaml', flow('            kubectl: deploy/pod.yaml\n'));
    const io = new MemoryIo({ cwd: dir });
    // Without --orchestrator the file is refused as before: no orchestrator is probed for it.
    await expect(run.run([file, '--plain'], io)).resolves.toBe(1);
    expect(io.stderr.text).toContain('error missing-image:');
    const named = new MemoryIo({ cwd: dir });
    await expect(run.run([file, '-o', 'docker', '--plain'], named)).resolves.toBe(1);
    expect(named.stderr.text).toMatch(
      /:8:13: error kubectl-unsupported: kubectl is ignored on the fake orchestrator: only kubernetes applies manifests, and this job has no "endpoint" image to run instead\n[^\n]*is invalid; nothing was run\n$/,
    );
    expect(docker.started).toHaveLength(0);
  });
});
