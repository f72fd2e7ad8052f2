import type { EnvSources } from './container-spec.js';
import type { KubeClient } from './kube-client.js';
import { isStatus } from './kube-client.js';
import type { Container } from './kube-types.js';

/**
 * Reads the ConfigMaps and Secrets a container's `envFrom` and `valueFrom` name, once each
 * (Secret values decoded from base64). A missing one is recorded as undefined, for
 * `resolveEnv` to judge (it may be optional).
 */
export async function fetchEnvSources(
  client: KubeClient,
  namespace: string,
  container: Container,
): Promise<EnvSources> {
  const configMapNames = new Set<string>();
  const secretNames = new Set<string>();
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef !== undefined) configMapNames.add(from.configMapRef.name);
    if (from.secretRef !== undefined) secretNames.add(from.secretRef.name);
  }
  for (const variable of container.env ?? []) {
    if (variable.valueFrom?.configMapKeyRef !== undefined)
      configMapNames.add(variable.valueFrom.configMapKeyRef.name);
    if (variable.valueFrom?.secretKeyRef !== undefined)
      secretNames.add(variable.valueFrom.secretKeyRef.name);
  }
  const configMaps = new Map<string, Record<string, string> | undefined>();
  const secrets = new Map<string, Record<string, string> | undefined>();
  for (const name of configMapNames)
    configMaps.set(name, await readConfigMap(client, namespace, name));
  for (const name of secretNames) secrets.set(name, await readSecret(client, namespace, name));
  return { configMaps, secrets };
}

/** A ConfigMap's `data`, or undefined when it does not exist. */
export async function readConfigMap(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<Record<string, string> | undefined> {
  const map = await getOrUndefined<{ data?: Record<string, string> }>(
    client,
    `/api/v1/namespaces/${namespace}/configmaps/${name}`,
  );
  return map === undefined ? undefined : (map.data ?? {});
}

/** A Secret's `data` decoded (and its `stringData`-born values), or undefined when it does not exist. */
export async function readSecret(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<Record<string, string> | undefined> {
  const secret = await getOrUndefined<{ data?: Record<string, string> }>(
    client,
    `/api/v1/namespaces/${namespace}/secrets/${name}`,
  );
  if (secret === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
}

async function getOrUndefined<T>(client: KubeClient, path: string): Promise<T | undefined> {
  try {
    return await client.request<T>('GET', path);
  } catch (error) {
    if (isStatus(error, 404)) return undefined;
    throw error;
  }
}
