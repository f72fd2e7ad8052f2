/**
 * Issue 12, item 3, end to end: the server image (containerops/server:0.1.0, built by
 * scripts/docker/build-server-image.sh) runs on the test cluster from deploy/kubernetes' own
 * ServiceAccount, Role, ConfigMap, Secret, PVC and Deployment, talks to the API server with its
 * in-cluster service account and runs a one-job workflow whose job is a Kubernetes Job.
 *
 * What this test changes in the manifests, and why (the test node is not a full kubelet):
 * - `hostNetwork: true` and KUBERNETES_SERVICE_HOST/PORT = the API server's loopback address:
 *   the node has no pod network, Services or kube-proxy (e2e cannot reach a pod otherwise);
 * - the server listens on 127.0.0.1 and a free port (host network on a shared machine);
 * - the claims use the node's `containerops-local` StorageClass, and an init container gives the
 *   data directory to uid 10001 (the node does not apply `fsGroup`).
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { requireKubernetes } from '@containerops/k8s-node-agent/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { kubeHttp } from '../src/k8s/kube-http.js';
import type { KubeHttp } from '../src/k8s/kube-http.js';
import { copyOf, readManifests } from '../src/k8s/manifests.js';
import type { ManifestObject } from '../src/k8s/manifests.js';
import { createScratchNamespace } from '../src/k8s/scratch-namespace.js';
import type { ScratchNamespace } from '../src/k8s/scratch-namespace.js';
import { gql, waitFor } from '../src/server-child.js';

const SERVER_IMAGE = 'containerops/server:0.1.0';
const BUSYBOX = 'containerops/busybox:latest';
const k8s = await requireKubernetes({ images: [SERVER_IMAGE, BUSYBOX] });
const manifests = (await readManifests()).map((m) => m.object);
const kind = (k: string): ManifestObject => {
  const found = manifests.find((m) => m.kind === k);
  if (found === undefined) throw new Error(`deploy/kubernetes has no ${k}`);
  return copyOf(found);
};

const WORKFLOW = `
uri: default/e2e/k8s-deploy
stages:
  - { type: start, name: start }
  - type: normal
    name: work
    actions:
      - name: greet
        jobs:
          - name: hello
            endpoint: ${BUSYBOX}
            command: 'echo "hello from a Kubernetes Job in $(hostname)"'
  - { type: end, name: end }
`;
const RUN = `query($id: ID!) { run(id: $id) { status stages { actions { jobs { path status } } } } }`;
const LOGS = `query($id: ID!, $path: String!) { jobLogs(runId: $id, jobPath: $path, afterSeq: 0, limit: 100) { text } }`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

describe.skipIf(!k8s.available)('the server image as a pod on the test cluster', () => {
  let kube: KubeHttp;
  let scratch: ScratchNamespace;
  let port: number;

  async function create(path: string, body: ManifestObject): Promise<void> {
    delete body.metadata.namespace;
    const response = await kube.call('POST', path, body);
    if (response.status !== 201)
      throw new Error(
        `create ${body.kind}/${body.metadata.name}: ${JSON.stringify(response.body)}`,
      );
  }

  beforeAll(async () => {
    kube = kubeHttp(k8s.kubeconfig);
    scratch = await createScratchNamespace(kube, 'co-deploy-pod');
    port = await freePort();
    const ns = `/api/v1/namespaces/${scratch.name}`;
    const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${scratch.name}`;
    await create(`${ns}/serviceaccounts`, kind('ServiceAccount'));
    await create(`${rbac}/roles`, kind('Role'));
    await create(`${rbac}/rolebindings`, kind('RoleBinding'));

    const configMap = kind('ConfigMap') as ManifestObject & { data: Record<string, string> };
    const config = parse(configMap.data['containerops.yaml'] ?? '') as Record<string, unknown> & {
      orchestratorConfig: Record<string, unknown>;
    };
    config['host'] = '127.0.0.1';
    config['port'] = port;
    config.orchestratorConfig['storageClassName'] = 'containerops-local';
    configMap.data['containerops.yaml'] = stringify(config);
    await create(`${ns}/configmaps`, configMap);

    const secret = kind('Secret') as ManifestObject & { stringData: Record<string, string> };
    secret.stringData['CONTAINEROPS_SECRET_KEY'] = Buffer.from(
      crypto.getRandomValues(new Uint8Array(32)),
    ).toString('base64');
    await create(`${ns}/secrets`, secret);

    const claim = kind('PersistentVolumeClaim') as ManifestObject & {
      spec: { storageClassName?: string; resources: { requests: Record<string, string> } };
    };
    claim.spec.storageClassName = 'containerops-local';
    claim.spec.resources.requests['storage'] = '1Gi';
    await create(`${ns}/persistentvolumeclaims`, claim);

    const deployment = kind('Deployment') as ManifestObject & {
      spec: {
        template: {
          spec: {
            hostNetwork?: boolean;
            initContainers?: unknown[];
            containers: {
              env?: { name: string; value: string }[];
              volumeMounts: { name: string; mountPath: string }[];
            }[];
          };
        };
      };
    };
    const apiServer = new URL(
      ((await readFile(k8s.kubeconfig, 'utf8')).match(/server:\s*(\S+)/) ?? [])[1] ?? '',
    );
    const pod = deployment.spec.template.spec;
    pod.hostNetwork = true;
    const server = pod.containers[0]!;
    server.env = [
      { name: 'KUBERNETES_SERVICE_HOST', value: apiServer.hostname },
      { name: 'KUBERNETES_SERVICE_PORT', value: apiServer.port || '443' },
    ];
    const dataMount = server.volumeMounts.find((m) => m.name === 'data')!;
    pod.initContainers = [
      {
        name: 'data-owner',
        image: BUSYBOX,
        command: ['chown', '10001:10001', dataMount.mountPath],
        securityContext: { runAsUser: 0, runAsNonRoot: false },
        volumeMounts: [{ name: 'data', mountPath: dataMount.mountPath }],
      },
    ];
    await create(`/apis/apps/v1/namespaces/${scratch.name}/deployments`, deployment);
  }, 60_000);

  afterAll(async () => {
    await scratch?.delete();
  });

  it(
    'starts from the manifests, is ready, and runs a workflow whose job is a Kubernetes Job',
    { timeout: 300_000 },
    async () => {
      const started = Date.now();
      const podName = await waitFor(
        'the Deployment’s pod to run',
        async () => {
          const pods = await kube.call(
            'GET',
            `/api/v1/namespaces/${scratch.name}/pods?labelSelector=app.kubernetes.io/component%3Dserver`,
          );
          const running = (
            pods.body['items'] as { metadata: { name: string }; status?: { phase?: string } }[]
          ).find((p) => p.status?.phase === 'Running');
          return running?.metadata.name;
        },
        120_000,
      );
      const log = async (): Promise<string> =>
        String(
          (
            await kube.call(
              'GET',
              `/api/v1/namespaces/${scratch.name}/pods/${podName}/log?container=server`,
            )
          ).body['message'] ?? '',
        );
      const token = await waitFor(
        'the admin token in the pod’s log',
        async () => /Admin API token[^:]*: (co_\S+)/.exec(await log())?.[1],
        60_000,
      );
      const url = `http://127.0.0.1:${port}`;
      const ready = await waitFor(
        '/readyz',
        async () => {
          const res = await fetch(`${url}/readyz`);
          return res.status === 200
            ? ((await res.json()) as { checks: Record<string, string> })
            : undefined;
        },
        60_000,
      );
      const readyMs = Date.now() - started;
      expect(ready.checks['orchestrator']).toBe('ok');
      expect(await log()).toContain('orchestrator kubernetes');

      const server = { url };
      await gql(server, token, `mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }`, {
        y: WORKFLOW,
      });
      const { triggerRun } = await gql<{ triggerRun: { id: string } }>(
        server,
        token,
        `mutation { triggerRun(workflow: "default/e2e/k8s-deploy") { id } }`,
      );
      const runStarted = Date.now();
      const done = await waitFor(
        'the run to finish',
        async () => {
          const view = await gql<{
            run: {
              status: string;
              stages: { actions: { jobs: { path: string; status: string }[] }[] }[];
            };
          }>(server, token, RUN, { id: triggerRun.id });
          return ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].includes(view.run.status)
            ? view
            : undefined;
        },
        180_000,
      );
      const runMs = Date.now() - runStarted;
      const { jobLogs } = await gql<{ jobLogs: { text: string }[] }>(server, token, LOGS, {
        id: triggerRun.id,
        path: 'work.greet.hello',
      });
      expect({ status: done.run.status, logs: jobLogs.map((l) => l.text) }).toEqual({
        status: 'SUCCEEDED',
        logs: [expect.stringMatching(/^hello from a Kubernetes Job in /)],
      });
      // The job ran as a batch/v1 Job in the server's namespace (the only place its Role allows
      // it). The engine deletes the Job once it has finished, often before a poll could see it;
      // the Job controller's events about it stay.
      const jobsSeen = await waitFor(
        'the Job controller’s events',
        async () => {
          const events = await kube.call(
            'GET',
            `/api/v1/namespaces/${scratch.name}/events?fieldSelector=involvedObject.kind%3DJob`,
          );
          const names = (
            (events.body['items'] as { involvedObject: { name: string }; reason: string }[]) ?? []
          )
            .filter((e) => e.reason === 'SuccessfulCreate')
            .map((e) => e.involvedObject.name);
          return names.length > 0 ? names : undefined;
        },
        30_000,
      );
      expect(jobsSeen).toEqual([expect.stringMatching(/^work-greet-hello-/)]);
      process.stderr.write(
        `[k8s-deploy] pod ready ${readyMs} ms after the Deployment was created; one-job run ${runMs} ms; Jobs: ${jobsSeen.join(', ')}\n`,
      );
    },
  );
});
