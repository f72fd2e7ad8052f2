import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readConfigMap, readSecret } from './env-sources.js';
import type { KubeClient } from './kube-client.js';
import type { Pod, Volume } from './kube-types.js';

interface ProjectedSource {
  serviceAccountToken?: { path: string; audience?: string; expirationSeconds?: number };
  configMap?: { name: string; items?: { key: string; path: string }[] };
  secret?: { name: string; items?: { key: string; path: string }[] };
  downwardAPI?: { items?: { path: string; fieldRef?: { fieldPath: string } }[] };
}

/**
 * Makes the host directories behind a pod's volumes, under `<stateDir>/pods/<uid>/volumes`:
 * `emptyDir` (an empty directory per pod), `persistentVolumeClaim` (the bound PersistentVolume's
 * hostPath, which the agent's provisioner made), `hostPath`, `configMap` and `secret` (their keys
 * as files, written once: no live updates), and `projected` — the API server's
 * admission adds one to every pod (`kube-api-access-*`: a service-account token, the cluster CA
 * and the namespace), so it is written the way the kubelet would, once, without token refresh.
 * Directories are world-writable: containers may run as any user. Throws with a message for the
 * pod's status when a volume cannot be made (an unbound claim, an unsupported kind).
 */
export async function preparePodVolumes(
  client: KubeClient,
  stateDir: string,
  pod: Pod,
): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const volume of pod.spec.volumes ?? []) {
    paths.set(
      volume.name,
      await prepareVolume(client, podDir(stateDir, pod.metadata.uid), pod, volume),
    );
  }
  return paths;
}

/** Where a pod's own files (emptyDirs, projected volumes) live on the host. */
export function podDir(stateDir: string, uid: string): string {
  return path.join(stateDir, 'pods', uid);
}

/** Deletes a pod's own files (never a claim's: those belong to the PersistentVolume). */
export async function removePodDir(stateDir: string, uid: string): Promise<void> {
  await rm(podDir(stateDir, uid), { recursive: true, force: true });
}

async function prepareVolume(
  client: KubeClient,
  dir: string,
  pod: Pod,
  volume: Volume,
): Promise<string> {
  const own = path.join(dir, 'volumes', volume.name);
  if (volume.emptyDir !== undefined) {
    await makeShared(own);
    return own;
  }
  if (volume.hostPath !== undefined) return volume.hostPath.path;
  if (volume.persistentVolumeClaim !== undefined) {
    return claimPath(
      client,
      pod.metadata.namespace ?? 'default',
      volume.persistentVolumeClaim.claimName,
    );
  }
  if (volume.configMap !== undefined || volume.secret !== undefined) {
    await makeShared(own);
    const namespace = pod.metadata.namespace ?? 'default';
    const source = volume.configMap ?? volume.secret;
    const name = volume.configMap?.name ?? volume.secret?.secretName ?? '';
    const kind = volume.configMap !== undefined ? 'configmap' : 'secret';
    const data =
      kind === 'configmap'
        ? await readConfigMap(client, namespace, name)
        : await readSecret(client, namespace, name);
    if (data === undefined && source?.optional !== true)
      throw new Error(`${kind} "${name}" not found`);
    await writeKeys(own, data ?? {}, source?.items);
    return own;
  }
  if (volume.projected !== undefined) {
    await makeShared(own);
    const sources = (volume.projected as { sources?: ProjectedSource[] }).sources ?? [];
    for (const source of sources) await writeProjected(client, own, pod, source);
    return own;
  }
  throw new Error(
    `volume "${volume.name}": only emptyDir, persistentVolumeClaim, hostPath, configMap, secret and projected volumes are supported by this test node`,
  );
}

async function claimPath(client: KubeClient, namespace: string, claim: string): Promise<string> {
  const pvc = await client.request<{ spec: { volumeName?: string }; status?: { phase?: string } }>(
    'GET',
    `/api/v1/namespaces/${namespace}/persistentvolumeclaims/${claim}`,
  );
  if (pvc.status?.phase !== 'Bound' || pvc.spec.volumeName === undefined) {
    throw new Error(`persistentVolumeClaim "${claim}" is not bound yet`);
  }
  const pv = await client.request<{
    spec: { hostPath?: { path: string }; local?: { path: string } };
  }>('GET', `/api/v1/persistentvolumes/${pvc.spec.volumeName}`);
  const hostPath = pv.spec.hostPath?.path ?? pv.spec.local?.path;
  if (hostPath === undefined)
    throw new Error(`persistentVolume "${pvc.spec.volumeName}" is neither hostPath nor local`);
  await makeShared(hostPath);
  return hostPath;
}

async function writeProjected(
  client: KubeClient,
  dir: string,
  pod: Pod,
  source: ProjectedSource,
): Promise<void> {
  const namespace = pod.metadata.namespace ?? 'default';
  if (source.serviceAccountToken !== undefined) {
    const account = pod.spec.serviceAccountName ?? 'default';
    const request = await client.request<{ status: { token: string } }>(
      'POST',
      `/api/v1/namespaces/${namespace}/serviceaccounts/${account}/token`,
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          ...(source.serviceAccountToken.audience === undefined
            ? {}
            : { audiences: [source.serviceAccountToken.audience] }),
          expirationSeconds: source.serviceAccountToken.expirationSeconds ?? 3607,
          boundObjectRef: {
            apiVersion: 'v1',
            kind: 'Pod',
            name: pod.metadata.name,
            uid: pod.metadata.uid,
          },
        },
      },
    );
    await writeShared(path.join(dir, source.serviceAccountToken.path), request.status.token);
  }
  if (source.configMap !== undefined) {
    const data = await readConfigMap(client, namespace, source.configMap.name);
    if (data === undefined) throw new Error(`configmap "${source.configMap.name}" not found`);
    await writeKeys(dir, data, source.configMap.items);
  }
  if (source.secret !== undefined) {
    const data = await readSecret(client, namespace, source.secret.name);
    if (data === undefined) throw new Error(`secret "${source.secret.name}" not found`);
    await writeKeys(dir, data, source.secret.items);
  }
  for (const item of source.downwardAPI?.items ?? []) {
    const field = item.fieldRef?.fieldPath;
    const value =
      field === 'metadata.namespace'
        ? namespace
        : field === 'metadata.name'
          ? pod.metadata.name
          : '';
    await writeShared(path.join(dir, item.path), value);
  }
}

/** Each key as a file (or only the listed items, at their paths). */
async function writeKeys(
  dir: string,
  data: Record<string, string>,
  items?: { key: string; path: string }[],
): Promise<void> {
  for (const item of items ?? Object.keys(data).map((key) => ({ key, path: key }))) {
    const value = data[item.key];
    if (value === undefined) throw new Error(`couldn't find key ${item.key}`);
    await writeShared(path.join(dir, item.path), value);
  }
}

async function makeShared(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o777);
}

async function writeShared(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content, { mode: 0o644 });
}
