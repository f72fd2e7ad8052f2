/**
 * Issue 12, item 3: every manifest of deploy/kubernetes is accepted by a real API server
 * (server-side dry run, strict field validation, in a fresh namespace), mistakes in them are
 * caught, and the ConfigMap + Secret are a valid server config choosing the `kubernetes`
 * orchestrator.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireKubernetes } from '@containerops/k8s-node-agent/testing';
import { kubernetesConfigSchema } from '@containerops/orchestrator-kubernetes';
import { loadServerConfig } from '@containerops/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeHttp } from '../src/k8s/kube-http.js';
import type { KubeHttp, KubeResponse } from '../src/k8s/kube-http.js';
import {
  collectionPath,
  copyOf,
  deployDir,
  kindPath,
  readManifests,
} from '../src/k8s/manifests.js';
import type { Manifest, ManifestObject } from '../src/k8s/manifests.js';
import { createScratchNamespace } from '../src/k8s/scratch-namespace.js';
import type { ScratchNamespace } from '../src/k8s/scratch-namespace.js';

const manifests = await readManifests();

function only(kind: string): ManifestObject {
  const found = manifests.filter((m) => m.object.kind === kind);
  if (found.length !== 1)
    throw new Error(`expected one ${kind} in deploy/kubernetes, found ${found.length}`);
  return found[0]!.object;
}

describe('deploy/kubernetes files', () => {
  it('has every object the server needs, and kustomization.yaml lists all but cluster-role.yaml', async () => {
    const kinds = manifests.map((m) => m.object.kind).sort();
    expect(kinds).toEqual(
      [
        'ClusterRole',
        'ClusterRole',
        'ClusterRoleBinding',
        'ConfigMap',
        'Deployment',
        'Namespace',
        'PersistentVolumeClaim',
        'Role',
        'RoleBinding',
        'Secret',
        'Service',
        'ServiceAccount',
      ].sort(),
    );
    const kustomization = await readFile(join(deployDir, 'kustomization.yaml'), 'utf8');
    const listed = [...kustomization.matchAll(/^\s+- (\S+\.yaml)$/gm)].map((m) => m[1]).sort();
    const files = [...new Set(manifests.map((m) => m.file))]
      .filter((f) => f !== 'cluster-role.yaml')
      .sort();
    expect(listed).toEqual(files);
  });

  it('the ConfigMap and the Secret are a valid server config on the kubernetes orchestrator', async () => {
    const configMap = only('ConfigMap') as ManifestObject & { data: Record<string, string> };
    const secret = only('Secret') as ManifestObject & { stringData: Record<string, string> };
    const dir = await mkdtemp(join(tmpdir(), 'co-deploy-config-'));
    try {
      const file = join(dir, 'containerops.yaml');
      await writeFile(file, configMap.data['containerops.yaml'] ?? '');
      const config = await loadServerConfig({ file, env: secret.stringData, cwd: dir });
      expect(config.orchestrator).toBe('kubernetes');
      expect(config.host).toBe('0.0.0.0');
      expect(config.port).toBe(8080);
      expect(config.secretKey).toBe(secret.stringData['CONTAINEROPS_SECRET_KEY']);
      // The orchestrator's own schema accepts its block (an unknown key would throw here).
      const options = kubernetesConfigSchema.parse(config.orchestratorConfig);
      expect(options.workspace).toBe('pvc');
      // No kubeconfig and no namespace: in-cluster service account, its own namespace.
      expect(options.kubeconfig).toBeUndefined();
      expect(options.namespace).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the Deployment mounts the data volume where the config puts the data directory', () => {
    const deployment = only('Deployment') as ManifestObject & {
      spec: {
        replicas: number;
        template: {
          spec: {
            containers: { volumeMounts: { name: string; mountPath: string }[] }[];
            volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[];
          };
        };
      };
    };
    const configText = (only('ConfigMap') as ManifestObject & { data: Record<string, string> })
      .data['containerops.yaml'];
    const dataDir = /^data: (\S+)$/m.exec(configText ?? '')?.[1];
    const pod = deployment.spec.template.spec;
    const dataVolume = pod.volumes.find(
      (v) => v.persistentVolumeClaim?.claimName === only('PersistentVolumeClaim').metadata.name,
    );
    expect(dataVolume).toBeDefined();
    const mount = pod.containers[0]?.volumeMounts.find((m) => m.name === dataVolume?.name);
    expect(mount?.mountPath).toBe(dataDir);
    expect(deployment.spec.replicas).toBe(1);
  });
});

const k8s = await requireKubernetes({ nodeName: false });

describe.skipIf(!k8s.available)('deploy/kubernetes on the test control plane (dry run)', () => {
  let kube: KubeHttp;
  let scratch: ScratchNamespace;

  beforeAll(async () => {
    kube = kubeHttp(k8s.kubeconfig);
    scratch = await createScratchNamespace(kube, 'co-deploy-dry');
  });
  afterAll(async () => {
    await scratch?.delete();
  });

  /** The object as `kubectl apply -k` into the scratch namespace would send it. */
  function placed(object: ManifestObject): ManifestObject {
    const copy = copyOf(object);
    // A dry-run create of an existing name would fail with AlreadyExists: name it freshly.
    if (copy.kind === 'Namespace') copy.metadata.name = `${scratch.name}-own`;
    else delete copy.metadata.namespace;
    for (const subject of (copy['subjects'] as { namespace?: string }[] | undefined) ?? [])
      if (subject.namespace !== undefined) subject.namespace = scratch.name;
    return copy;
  }

  async function dryRunCreate(object: ManifestObject): Promise<KubeResponse> {
    const where = await kindPath(kube, object.apiVersion, object.kind);
    return kube.call(
      'POST',
      `${collectionPath(where, scratch.name)}?dryRun=All&fieldValidation=Strict`,
      object,
    );
  }

  const describeObject = (m: Manifest): string =>
    `${m.file}: ${m.object.kind}/${m.object.metadata.name}`;

  it.each(manifests.map((m) => [describeObject(m), m] as const))(
    'accepts %s',
    async (_name, manifest) => {
      const response = await dryRunCreate(placed(manifest.object));
      expect(response.body['message'] ?? '', JSON.stringify(response.body)).toBe('');
      expect(response.status).toBe(201);
      // Dry run: nothing was stored.
      const metadata = response.body['metadata'] as { uid?: string } | undefined;
      expect(metadata?.uid).toBeDefined();
    },
  );

  it('nothing was persisted by the dry runs', async () => {
    const where = await kindPath(kube, 'apps/v1', 'Deployment');
    const list = await kube.call('GET', collectionPath(where, scratch.name));
    expect(list.body['items']).toEqual([]);
  });

  it('rejects a misspelled field (strict field validation)', async () => {
    const deployment = placed(only('Deployment'));
    const container = (
      deployment['spec'] as { template: { spec: { containers: Record<string, unknown>[] } } }
    ).template.spec.containers[0]!;
    container['imagePullPolcy'] = container['imagePullPolicy'];
    delete container['imagePullPolicy'];
    const response = await dryRunCreate(deployment);
    expect(response.status).toBe(400);
    expect(String(response.body['message'])).toContain('unknown field');
    expect(String(response.body['message'])).toContain('imagePullPolcy');
  });

  it('rejects an invalid quantity and a selector that does not match the pod labels', async () => {
    const badMemory = placed(only('PersistentVolumeClaim'));
    (badMemory['spec'] as { resources: { requests: Record<string, string> } }).resources.requests[
      'storage'
    ] = '5 GB';
    const memory = await dryRunCreate(badMemory);
    expect(memory.status).toBeGreaterThanOrEqual(400);
    expect(String(memory.body['message'])).toMatch(/quantit/i);

    const badSelector = placed(only('Deployment'));
    (
      badSelector['spec'] as { template: { metadata: { labels: Record<string, string> } } }
    ).template.metadata.labels['app.kubernetes.io/component'] = 'other';
    const selector = await dryRunCreate(badSelector);
    expect(selector.status).toBe(422);
    expect(String(selector.body['message'])).toContain('selector');
  });
});
