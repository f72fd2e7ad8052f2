import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireKubernetes } from '../src/testing/require-kubernetes.js';
import {
  KubeClient,
  busybox,
  cleanNode,
  containersOf,
  createNamespace,
  createPod,
  deleteNamespace,
  getPod,
  podSpec,
  readStream,
  stateDirOf,
  testTaint,
  tlsFiles,
  unique,
  waitFor,
} from './cluster.js';

const k8s = await requireKubernetes({ images: [busybox] });

/** A SIGKILLed agent and its successor: a pod that finished in between is reported, not run again. */
describe.skipIf(!k8s.available)('node agent restart', () => {
  const nodeName = `co-agent-restart-${unique()}`;
  const ns = `co-agent-restart-${unique()}`;
  let client: KubeClient;
  let agent: ChildProcess | undefined;
  let output = '';

  const startAgent = async (): Promise<ChildProcess> => {
    const entry = fileURLToPath(new URL('./agent-process.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        entry,
        ...[
          '--kubeconfig',
          k8s.kubeconfig,
          '--node-name',
          nodeName,
          '--state-dir',
          stateDirOf(nodeName),
          '--port',
          '0',
        ],
        ...[
          '--tls-cert',
          tlsFiles.certFile,
          '--tls-key',
          tlsFiles.keyFile,
          '--client-ca',
          tlsFiles.clientCaFile,
        ],
        ...[
          '--taint',
          `${testTaint.key}=${testTaint.value}:${testTaint.effect}`,
          '--no-provisioner',
          '--deregister',
        ],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(`the agent to register (output: ${output})`, 60_000, async () => {
      if (child.exitCode !== null) throw new Error(`agent exited ${child.exitCode}: ${output}`);
      return output.includes(`node ${nodeName} registered`) ? true : undefined;
    });
    return child;
  };
  const exited = (child: ChildProcess): Promise<void> =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => child.once('exit', () => resolve()));

  beforeAll(async () => {
    client = await KubeClient.fromKubeconfig(k8s.kubeconfig);
    await createNamespace(client, ns);
    await waitFor('the default ServiceAccount', 30_000, () =>
      client.request('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`).then(() => true),
    );
  });

  afterAll(async () => {
    if (client !== undefined) {
      await deleteNamespace(client, ns);
      await waitFor('the namespace to be gone', 60_000, () =>
        client.request('GET', `/api/v1/namespaces/${ns}`).then(
          () => undefined,
          () => true,
        ),
      ).catch(() => undefined);
    }
    if (agent !== undefined) {
      agent.kill('SIGTERM'); // --deregister: the Node is deleted
      await exited(agent);
    }
    await cleanNode(nodeName);
  }, 90_000);

  it('a pod that ran while the agent was SIGKILLed completes once', async () => {
    const first = await startAgent();
    agent = first;
    const pod = await createPod(
      client,
      ns,
      'once',
      podSpec(
        nodeName,
        {
          containers: [
            { name: 'main', image: busybox, command: ['sh', '-c', 'echo run; sleep 4; echo done'] },
          ],
        },
        true,
      ),
    );
    await waitFor('the pod to run', 30_000, async () =>
      (await getPod(client, ns, 'once')).status?.phase === 'Running' ? true : undefined,
    );
    first.kill('SIGKILL');
    await exited(first);
    // The container finishes while no agent runs.
    await waitFor('the container to exit', 30_000, async () =>
      (await containersOf(nodeName, pod.metadata.uid)).every((c) => c.State === 'exited')
        ? true
        : undefined,
    );
    expect((await getPod(client, ns, 'once')).status?.phase).toBe('Running');

    agent = await startAgent();
    const done = await waitFor('the pod to succeed', 30_000, async () => {
      const current = await getPod(client, ns, 'once');
      return current.status?.phase === 'Succeeded' ? current : undefined;
    });
    expect(done.status?.containerStatuses?.[0]).toMatchObject({
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
    expect(await containersOf(nodeName, pod.metadata.uid)).toHaveLength(1);
    expect(await readStream(client, `/api/v1/namespaces/${ns}/pods/once/log`)).toBe('run\ndone\n');
  }, 180_000);
});
