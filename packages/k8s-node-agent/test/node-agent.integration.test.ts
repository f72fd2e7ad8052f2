import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeAgent } from '../src/agent.js';
import type { Container, Pod } from '../src/kube-types.js';
import { ListWatcher } from '../src/list-watcher.js';
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
  startTestAgent,
  unique,
  waitFor,
} from './cluster.js';

const k8s = await requireKubernetes({ images: [busybox] });
/** Each test waits on real controllers and containers on a shared 2-core machine. */
const timeout = 120_000;

interface Job {
  status?: { conditions?: { type: string; status: string; reason?: string }[] };
}

/**
 * The agent from the current sources on its own tainted node, against the real control plane:
 * the real scheduler places the Jobs' pods, the real Job controller judges them, and logs go
 * through the API server's `pods/log` to the agent's kubelet API.
 */
describe.skipIf(!k8s.available)('node agent on the real control plane', () => {
  const nodeName = `co-agent-test-${unique()}`;
  const ns = `co-agent-test-${unique()}`;
  let client: KubeClient;
  let agent: NodeAgent;

  beforeAll(async () => {
    client = await KubeClient.fromKubeconfig(k8s.kubeconfig);
    agent = await startTestAgent(k8s.kubeconfig, nodeName);
    await createNamespace(client, ns);
    // Pods need the namespace's default ServiceAccount (its token is mounted), made by the controller-manager.
    await waitFor('the default ServiceAccount', 30_000, () =>
      client.request('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`).then(() => true),
    );
  });

  afterAll(async () => {
    if (client === undefined) return;
    await deleteNamespace(client, ns);
    // The agent must still run while the namespace's pods are deleted: it finalises them.
    await waitFor('the namespace to be gone', 60_000, () =>
      client.request('GET', `/api/v1/namespaces/${ns}`).then(
        () => undefined,
        () => true,
      ),
    ).catch(() => undefined);
    await agent?.stop();
    await cleanNode(nodeName);
  }, 90_000);

  const createJob = (name: string, script: string): Promise<unknown> =>
    client.request('POST', `/apis/batch/v1/namespaces/${ns}/jobs`, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: {
        backoffLimit: 0,
        template: {
          spec: podSpec(
            nodeName,
            { containers: [{ name: 'main', image: busybox, command: ['sh', '-c', script] }] },
            false,
          ),
        },
      },
    });
  const jobCondition = (name: string, type: string): Promise<{ type: string; reason?: string }> =>
    waitFor(`Job ${name} ${type}`, 60_000, async () => {
      const job = await client.request<Job>('GET', `/apis/batch/v1/namespaces/${ns}/jobs/${name}`);
      return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
    });
  const jobPod = async (name: string): Promise<Pod> =>
    waitFor(`the pod of Job ${name}`, 30_000, async () => {
      const list = await client.request<{ items: Pod[] }>(
        'GET',
        `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(`batch.kubernetes.io/job-name=${name}`)}`,
      );
      return list.items[0];
    });

  it(
    'runs a Job to Complete and streams every line through pods/log?follow=true',
    async () => {
      await createJob(
        'echo',
        'for i in 1 2 3 4 5; do echo "line $i"; sleep 0.4; done; echo "pod $POD"',
      );
      const pod = await jobPod('echo');
      // The API server answers 400 while the container waits to start: follow once it runs.
      await waitFor('the echo pod to start', 30_000, async () => {
        const phase = (await getPod(client, ns, pod.metadata.name)).status?.phase;
        return phase === 'Running' || phase === 'Succeeded' ? phase : undefined;
      });
      const log = await readStream(
        client,
        `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/log?follow=true`,
      );
      expect(log.split('\n').filter((line) => line.startsWith('line '))).toEqual([
        'line 1',
        'line 2',
        'line 3',
        'line 4',
        'line 5',
      ]);
      await jobCondition('echo', 'Complete');
      const done = await getPod(client, ns, pod.metadata.name);
      expect(done.status?.phase).toBe('Succeeded');
      expect(done.status?.containerStatuses?.[0]?.state).toMatchObject({
        terminated: { exitCode: 0, reason: 'Completed' },
      });
      expect(done.status?.startTime).toBeDefined();

      // The other log options, through the API server, on the finished container.
      const path = `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/log`;
      expect(await readStream(client, `${path}?tailLines=2`)).toBe('line 5\npod \n');
      expect(await readStream(client, `${path}?limitBytes=6`)).toBe('line 1');
      expect(await readStream(client, `${path}?timestamps=true&tailLines=1`)).toMatch(
        /^\d{4}-\d\d-\d\dT[\d:.]+Z pod \n$/,
      );
    },
    timeout,
  );

  it(
    'serves stdout and stderr apart through pods/log?stream= (PodLogsQuerySplitStreams)',
    async () => {
      await createPod(
        client,
        ns,
        'streams',
        podSpec(
          nodeName,
          {
            containers: [
              {
                name: 'main',
                image: busybox,
                command: ['sh', '-c', 'echo out1; echo err1 >&2; echo out2'],
              },
            ],
          },
          true,
        ),
      );
      await waitFor('the streams pod to succeed', 60_000, async () =>
        (await getPod(client, ns, 'streams')).status?.phase === 'Succeeded' ? true : undefined,
      );
      const path = `/api/v1/namespaces/${ns}/pods/streams/log`;
      expect(await readStream(client, `${path}?stream=Stdout`)).toBe('out1\nout2\n');
      expect(await readStream(client, `${path}?stream=Stderr`)).toBe('err1\n');
      expect((await readStream(client, `${path}?stream=All`)).split('\n').sort()).toEqual([
        '',
        'err1',
        'out1',
        'out2',
      ]);
    },
    timeout,
  );

  it(
    'marks a Job Failed when its container exits 7, with the exit code in the pod status',
    async () => {
      await createJob('exit7', 'echo failing; exit 7');
      await jobCondition('exit7', 'Failed');
      const pod = await jobPod('exit7');
      expect(pod.status?.phase).toBe('Failed');
      expect(pod.status?.containerStatuses?.[0]?.state).toMatchObject({
        terminated: { exitCode: 7, reason: 'Error' },
      });
    },
    timeout,
  );

  it(
    'reports OOMKilled for a container going beyond its memory limit',
    async () => {
      await createPod(
        client,
        ns,
        'oom',
        podSpec(
          nodeName,
          {
            containers: [
              {
                name: 'main',
                image: busybox,
                command: ['sh', '-c', 'x=aaaaaaaaaaaaaaaa; while true; do x="$x$x"; done'],
                resources: { limits: { memory: '16Mi', cpu: '500m' } },
              },
            ],
          },
          true,
        ),
      );
      const pod = await waitFor('the oom pod to fail', 60_000, async () => {
        const current = await getPod(client, ns, 'oom');
        return current.status?.phase === 'Failed' ? current : undefined;
      });
      expect(pod.status?.containerStatuses?.[0]?.state).toMatchObject({
        terminated: { exitCode: 137, reason: 'OOMKilled' },
      });
    },
    timeout,
  );

  it(
    'leaves a pod with a missing image Pending with ErrImagePull, then ImagePullBackOff',
    async () => {
      const image = 'containerops/does-not-exist:1.0.0';
      await createPod(
        client,
        ns,
        'noimage',
        podSpec(nodeName, { containers: [{ name: 'main', image }] }, true),
      );
      // A watch sees every status the agent writes (polling could miss the short ErrImagePull).
      const seen: string[] = [];
      const watcher = new ListWatcher<Pod>(
        client,
        `/api/v1/namespaces/${ns}/pods?fieldSelector=metadata.name%3Dnoimage`,
        {
          onList: (items) => items.forEach(record),
          onEvent: (_type, pod) => record(pod),
        },
      );
      function record(pod: Pod): void {
        const state = pod.status?.containerStatuses?.[0]?.state;
        if (state === undefined || !('waiting' in state)) return;
        seen.push(`${pod.status?.phase} ${state.waiting.reason}: ${state.waiting.message}`);
      }
      await watcher.start();
      try {
        await waitFor('ErrImagePull, then ImagePullBackOff', 30_000, async () =>
          seen.some((s) => s.includes('ImagePullBackOff')) ? true : undefined,
        );
      } finally {
        await watcher.stop();
      }
      const message = `image "${image}" is not present on node ${nodeName}, and this test node never pulls images`;
      expect(seen[0]).toContain(`Pending ErrImagePull: ${message}`);
      expect(seen.find((s) => s.includes('ImagePullBackOff'))).toContain(
        `Pending ImagePullBackOff: Back-off pulling image "${image}": ${message}`,
      );
    },
    timeout,
  );

  it(
    'stops a deleted pod’s container (SIGTERM, SIGKILL after the grace period) and lets the pod go',
    async () => {
      const created = await createPod(
        client,
        ns,
        'stubborn',
        podSpec(
          nodeName,
          // Ignores SIGTERM, so only the SIGKILL after the 2 s grace period ends it.
          {
            containers: [
              {
                name: 'main',
                image: busybox,
                command: ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done'],
              },
            ],
          },
          true,
        ),
      );
      await waitFor('the stubborn pod to run', 30_000, async () =>
        (await getPod(client, ns, 'stubborn')).status?.phase === 'Running' ? true : undefined,
      );
      const deletedAt = Date.now();
      await client.request('DELETE', `/api/v1/namespaces/${ns}/pods/stubborn`, {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        gracePeriodSeconds: 2,
      });
      await waitFor('the pod object to be gone', 30_000, () =>
        getPod(client, ns, 'stubborn').then(
          () => undefined,
          () => true,
        ),
      );
      // Not a speed check: the container ignores SIGTERM, so the grace period must have been waited out.
      expect(Date.now() - deletedAt).toBeGreaterThanOrEqual(1_900);
      await waitFor('its container to be removed', 15_000, async () =>
        (await containersOf(nodeName, created.metadata.uid)).length === 0 ? true : undefined,
      );
    },
    timeout,
  );

  it(
    'kills a pod past activeDeadlineSeconds: Failed, DeadlineExceeded',
    async () => {
      await createPod(
        client,
        ns,
        'deadline',
        podSpec(
          nodeName,
          {
            activeDeadlineSeconds: 2,
            terminationGracePeriodSeconds: 1,
            containers: [{ name: 'main', image: busybox, command: ['sleep', '60'] }],
          },
          true,
        ),
      );
      const pod = await waitFor('the deadline pod to fail', 30_000, async () => {
        const current = await getPod(client, ns, 'deadline');
        return current.status?.phase === 'Failed' ? current : undefined;
      });
      expect(pod.status).toMatchObject({ reason: 'DeadlineExceeded' });
      expect(pod.status?.containerStatuses?.[0]?.state).toHaveProperty('terminated');
    },
    timeout,
  );

  it(
    'reports the termination message file, and the log tail for FallbackToLogsOnError',
    async () => {
      const run = (name: string, container: Partial<Container>): Promise<Pod> =>
        createPod(
          client,
          ns,
          name,
          podSpec(nodeName, { containers: [{ name: 'main', image: busybox, ...container }] }, true),
        ).then(() =>
          waitFor(`pod ${name} to end`, 60_000, async () => {
            const pod = await getPod(client, ns, name);
            return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
              ? pod
              : undefined;
          }),
        );
      const [file, fallback] = await Promise.all([
        run('message', {
          command: ['sh', '-c', 'echo \'{"result":"ok"}\' > /tmp/containerops-output'],
          terminationMessagePath: '/tmp/containerops-output',
          terminationMessagePolicy: 'File',
        }),
        run('fallback', {
          command: ['sh', '-c', 'echo first; echo last words; exit 3'],
          terminationMessagePolicy: 'FallbackToLogsOnError',
        }),
      ]);
      expect(file.status?.containerStatuses?.[0]?.state).toMatchObject({
        terminated: { exitCode: 0, reason: 'Completed', message: '{"result":"ok"}\n' },
      });
      expect(fallback.status?.containerStatuses?.[0]?.state).toMatchObject({
        terminated: { exitCode: 3, reason: 'Error', message: 'first\nlast words\n' },
      });
    },
    timeout,
  );

  it(
    'gives a container ConfigMap and Secret values as env and as volume files',
    async () => {
      await client.request('POST', `/api/v1/namespaces/${ns}/configmaps`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings' },
        data: { level: 'debug', 'app.yaml': 'port: 8080\n' },
      });
      await client.request('POST', `/api/v1/namespaces/${ns}/secrets`, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds' },
        stringData: { token: 's3cret' },
      });
      await createPod(
        client,
        ns,
        'configured',
        podSpec(
          nodeName,
          {
            volumes: [
              {
                name: 'config',
                configMap: { name: 'settings', items: [{ key: 'app.yaml', path: 'app.yaml' }] },
              },
              { name: 'secret', secret: { secretName: 'creds' } },
            ],
            containers: [
              {
                name: 'main',
                image: busybox,
                command: [
                  'sh',
                  '-c',
                  'echo "$LEVEL $SECRET_token"; cat /config/app.yaml /secret/token; echo; ls /config',
                ],
                envFrom: [{ secretRef: { name: 'creds' }, prefix: 'SECRET_' }],
                env: [
                  {
                    name: 'LEVEL',
                    valueFrom: { configMapKeyRef: { name: 'settings', key: 'level' } },
                  },
                ],
                volumeMounts: [
                  { name: 'config', mountPath: '/config' },
                  { name: 'secret', mountPath: '/secret', readOnly: true },
                ],
              },
            ],
          },
          true,
        ),
      );
      await waitFor('the configured pod to succeed', 60_000, async () =>
        (await getPod(client, ns, 'configured')).status?.phase === 'Succeeded' ? true : undefined,
      );
      expect(await readStream(client, `/api/v1/namespaces/${ns}/pods/configured/log`)).toBe(
        'debug s3cret\nport: 8080\ns3cret\napp.yaml\n',
      );
    },
    timeout,
  );

  it(
    'waits with CreateContainerConfigError while a Secret it needs is missing',
    async () => {
      await createPod(
        client,
        ns,
        'unconfigured',
        podSpec(
          nodeName,
          {
            containers: [
              {
                name: 'main',
                image: busybox,
                command: ['true'],
                env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'absent', key: 'k' } } }],
              },
            ],
          },
          true,
        ),
      );
      const state = await waitFor('CreateContainerConfigError', 30_000, async () => {
        const current = (await getPod(client, ns, 'unconfigured')).status?.containerStatuses?.[0]
          ?.state;
        return current !== undefined &&
          'waiting' in current &&
          current.waiting.reason === 'CreateContainerConfigError'
          ? current
          : undefined;
      });
      expect(state).toEqual({
        waiting: { reason: 'CreateContainerConfigError', message: 'secret "absent" not found' },
      });
      expect((await getPod(client, ns, 'unconfigured')).status?.phase).toBe('Pending');
    },
    timeout,
  );

  it(
    'runs a hostNetwork pod on the host network, podIP 127.0.0.1',
    async () => {
      // The engine here runs with --bridge=none: only host-network pods are reachable from outside.
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      await createPod(
        client,
        ns,
        'web',
        podSpec(
          nodeName,
          {
            hostNetwork: true,
            containers: [
              {
                name: 'main',
                image: busybox,
                command: [
                  'sh',
                  '-c',
                  `mkdir -p /tmp/www && echo hello > /tmp/www/index.html && exec httpd -f -p 127.0.0.1:${port} -h /tmp/www`,
                ],
              },
            ],
          },
          true,
        ),
      );
      const podIP = await waitFor('a running pod with a podIP', 30_000, async () => {
        const pod = await getPod(client, ns, 'web');
        return pod.status?.phase === 'Running' ? pod.status.podIP : undefined;
      });
      expect(podIP).toBe('127.0.0.1');
      const body = await waitFor('the pod to answer', 15_000, async () => {
        const response = await fetch(`http://${podIP}:${port}/`);
        return response.ok ? response.text() : undefined;
      });
      expect(body).toBe('hello\n');
      await client.request('DELETE', `/api/v1/namespaces/${ns}/pods/web`, {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        gracePeriodSeconds: 1,
      });
    },
    timeout,
  );

  it(
    'runs init containers first, in order; a failing one fails the pod and the app never runs',
    async () => {
      const volumes = [{ name: 'shared', emptyDir: {} }];
      const volumeMounts = [{ name: 'shared', mountPath: '/shared' }];
      const step = (name: string, script: string): Container => ({
        name,
        image: busybox,
        command: ['sh', '-c', script],
        volumeMounts,
      });
      const endOf = (name: string): Promise<Pod> =>
        waitFor(`pod ${name} to end`, 60_000, async () => {
          const pod = await getPod(client, ns, name);
          return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
            ? pod
            : undefined;
        });
      await createPod(
        client,
        ns,
        'inits',
        podSpec(
          nodeName,
          {
            volumes,
            initContainers: [
              step('first', 'echo one > /shared/log'),
              step('second', 'echo two >> /shared/log'),
            ],
            containers: [step('main', 'cat /shared/log')],
          },
          true,
        ),
      );
      await createPod(
        client,
        ns,
        'badinit',
        podSpec(
          nodeName,
          {
            volumes,
            initContainers: [step('setup', 'exit 4')],
            containers: [step('main', 'echo never')],
          },
          true,
        ),
      );
      const [good, bad] = await Promise.all([endOf('inits'), endOf('badinit')]);
      expect(good.status?.phase).toBe('Succeeded');
      expect(
        await readStream(client, `/api/v1/namespaces/${ns}/pods/inits/log?container=main`),
      ).toBe('one\ntwo\n');
      expect(good.status?.initContainerStatuses?.map((c) => c.state)).toMatchObject([
        { terminated: { exitCode: 0 } },
        { terminated: { exitCode: 0 } },
      ]);
      expect(bad.status?.phase).toBe('Failed');
      expect(bad.status?.initContainerStatuses?.[0]?.state).toMatchObject({
        terminated: { exitCode: 4, reason: 'Error' },
      });
      expect(bad.status?.containerStatuses?.[0]?.state).toEqual({
        waiting: { reason: 'PodInitializing' },
      });
      expect(await containersOf(nodeName, bad.metadata.uid)).toHaveLength(1);
    },
    timeout,
  );

  it(
    'restarts a failed container under OnFailure (restartCount, previous logs) until it succeeds',
    async () => {
      const script =
        'if [ -f /data/ran ]; then echo second; else touch /data/ran; echo first; exit 1; fi';
      await createPod(
        client,
        ns,
        'retry',
        podSpec(
          nodeName,
          {
            restartPolicy: 'OnFailure',
            volumes: [{ name: 'data', emptyDir: {} }],
            containers: [
              {
                name: 'main',
                image: busybox,
                command: ['sh', '-c', script],
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
              },
            ],
          },
          true,
        ),
      );
      // The first restart waits the 10 s back-off.
      const pod = await waitFor('the retry pod to succeed', 60_000, async () => {
        const current = await getPod(client, ns, 'retry');
        return current.status?.phase === 'Succeeded' ? current : undefined;
      });
      expect(pod.status?.containerStatuses?.[0]).toMatchObject({
        restartCount: 1,
        state: { terminated: { exitCode: 0 } },
      });
      const path = `/api/v1/namespaces/${ns}/pods/retry/log`;
      expect(await readStream(client, path)).toBe('second\n');
      expect(await readStream(client, `${path}?previous=true`)).toBe('first\n');
    },
    timeout,
  );

  it('mounts emptyDir and a provisioned persistentVolumeClaim, and env from fieldRef', async () => {
    await client.request('POST', `/api/v1/namespaces/${ns}/persistentvolumeclaims`, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'workspace' },
      spec: {
        storageClassName: 'containerops-local',
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
      },
    });
    const volumes = [
      { name: 'scratch', emptyDir: {} },
      { name: 'workspace', persistentVolumeClaim: { claimName: 'workspace' } },
    ];
    const volumeMounts = [
      { name: 'scratch', mountPath: '/scratch' },
      { name: 'workspace', mountPath: '/workspace' },
    ];
    const env = [{ name: 'MY_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }];
    const run = async (name: string, script: string): Promise<string> => {
      await createPod(
        client,
        ns,
        name,
        podSpec(
          nodeName,
          {
            volumes,
            containers: [
              { name: 'main', image: busybox, command: ['sh', '-c', script], volumeMounts, env },
            ],
          },
          true,
        ),
      );
      await waitFor(`pod ${name} to succeed`, 60_000, async () => {
        const phase = (await getPod(client, ns, name)).status?.phase;
        if (phase === 'Failed') throw new Error(`pod ${name} failed`);
        return phase === 'Succeeded' ? true : undefined;
      });
      return readStream(client, `/api/v1/namespaces/${ns}/pods/${name}/log`);
    };
    expect(
      await run(
        'writer',
        'echo data > /workspace/file && echo tmp > /scratch/file && echo "ns=$MY_NS"',
      ),
    ).toBe(`ns=${ns}\n`);
    // The claim outlives the pod; the emptyDir does not.
    expect(await run('reader', 'cat /workspace/file; ls /scratch | wc -l')).toBe('data\n0\n');
  });
});
