import type { ContainerCreateOptions } from 'dockerode';
import type { Container, EnvVar, Pod } from './kube-types.js';
import { parseQuantity } from './quantity.js';

/** Labels on every Docker container of the agent: how a restarted agent finds its pods again. */
export const labels = {
  node: 'io.containerops.k8s.node',
  podUid: 'io.containerops.k8s.pod-uid',
  namespace: 'io.containerops.k8s.namespace',
  podName: 'io.containerops.k8s.pod-name',
  container: 'io.containerops.k8s.container',
  /** How many times this container was started before (0 for the first run). */
  attempt: 'io.containerops.k8s.attempt',
} as const;

/** Every container the agent creates has a name starting with this, so nothing else is touched. */
export const containerNamePrefix = 'k8s-co_';

/** Where a pod's volumes are on the Docker host, by volume name. */
export type VolumePaths = ReadonlyMap<string, string>;

/** The data of the ConfigMaps and Secrets a container's env names (undefined: does not exist). */
export interface EnvSources {
  configMaps: ReadonlyMap<string, Record<string, string> | undefined>;
  secrets: ReadonlyMap<string, Record<string, string> | undefined>;
}

const noEnvSources: EnvSources = { configMaps: new Map(), secrets: new Map() };

/** One run of a pod container on this node. */
export interface ContainerRun {
  nodeName: string;
  volumes: VolumePaths;
  /** 0 for the first run, +1 per restart. */
  attempt: number;
  /** Host file mounted at the container's terminationMessagePath. */
  terminationFile?: string;
  /** What `envFrom` and `valueFrom.configMapKeyRef/secretKeyRef` name (see `fetchEnvSources`). */
  envSources?: EnvSources;
}

/** The Docker name of one run (attempt) of a pod's container. */
export function dockerName(pod: Pod, container: string, attempt: number): string {
  const ns = pod.metadata.namespace ?? 'default';
  return `${containerNamePrefix}${ns}_${pod.metadata.name}_${container}_${pod.metadata.uid.slice(0, 8)}_${attempt}`;
}

/**
 * The Docker create options of one pod container, with Kubernetes semantics: `command` replaces
 * the image's ENTRYPOINT and `args` its CMD (only `args` keeps the ENTRYPOINT); `$(VAR)` in
 * command/args expands from the container's env; memory and cpu limits become Memory (swap
 * off, so going beyond is an OOM kill) and NanoCpus. Throws on what cannot be run (a volume
 * mount naming no volume, a bad quantity) with a message for the pod's status.
 */
export function containerCreateOptions(
  pod: Pod,
  container: Container,
  run: ContainerRun,
): ContainerCreateOptions {
  const { nodeName, volumes, attempt, terminationFile } = run;
  const env = resolveEnv(pod, container, nodeName, run.envSources ?? noEnvSources);
  const expand = (words: string[]): string[] => words.map((word) => expandVars(word, env));
  const limits = container.resources?.limits ?? {};
  const memory =
    limits['memory'] === undefined ? undefined : Math.floor(parseQuantity(limits['memory']));
  const cpu =
    limits['cpu'] === undefined ? undefined : Math.floor(parseQuantity(limits['cpu']) * 1e9);
  const binds = (container.volumeMounts ?? []).map((mount) => {
    const hostPath = volumes.get(mount.name);
    if (hostPath === undefined)
      throw new Error(`volumeMount "${mount.name}" names no volume of the pod`);
    const source = mount.subPath === undefined ? hostPath : `${hostPath}/${mount.subPath}`;
    return `${source}:${mount.mountPath}${mount.readOnly === true ? ':ro' : ''}`;
  });
  const user = container.securityContext?.runAsUser;
  const group = container.securityContext?.runAsGroup;
  return {
    name: dockerName(pod, container.name, attempt),
    Image: container.image,
    ...(container.command === undefined ? {} : { Entrypoint: expand(container.command) }),
    // With a command but no args, the image's CMD must not be appended to the new ENTRYPOINT.
    ...(container.args !== undefined
      ? { Cmd: expand(container.args) }
      : container.command !== undefined
        ? { Cmd: [] }
        : {}),
    Env: [...env].map(([name, value]) => `${name}=${value}`),
    ...(container.workingDir === undefined ? {} : { WorkingDir: container.workingDir }),
    ...(user === undefined ? {} : { User: group === undefined ? `${user}` : `${user}:${group}` }),
    Hostname: pod.metadata.name.slice(0, 63),
    Labels: {
      [labels.node]: nodeName,
      [labels.podUid]: pod.metadata.uid,
      [labels.namespace]: pod.metadata.namespace ?? 'default',
      [labels.podName]: pod.metadata.name,
      [labels.container]: container.name,
      [labels.attempt]: String(attempt),
    },
    HostConfig: {
      // The termination message file is a host file bind-mounted into the container, as the
      // kubelet does: it is read after the container exits.
      Binds:
        terminationFile === undefined
          ? binds
          : [
              ...binds,
              `${terminationFile}:${container.terminationMessagePath ?? '/dev/termination-log'}`,
            ],
      ...(memory === undefined ? {} : { Memory: memory, MemorySwap: memory }),
      ...(cpu === undefined ? {} : { NanoCpus: cpu }),
      ...(pod.spec.hostNetwork === true ? { NetworkMode: 'host' } : {}),
    },
  };
}

/**
 * The container's env as the kubelet builds it: `envFrom` first (each key, with the prefix),
 * then `env` in order (later entries win): literal values with `$(VAR)` expansion, ConfigMap and
 * Secret keys, and the downward-API fields that are cheap here. A missing source or key that is
 * not `optional` throws, with the kubelet's wording, for CreateContainerConfigError.
 */
export function resolveEnv(
  pod: Pod,
  container: Container,
  nodeName: string,
  sources: EnvSources,
): Map<string, string> {
  const env = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (ref === undefined) continue;
    const kind = from.configMapRef !== undefined ? 'configmap' : 'secret';
    const data = (kind === 'configmap' ? sources.configMaps : sources.secrets).get(ref.name);
    if (data === undefined) {
      if (ref.optional === true) continue;
      throw new Error(`${kind} "${ref.name}" not found`);
    }
    for (const [key, value] of Object.entries(data)) env.set(`${from.prefix ?? ''}${key}`, value);
  }
  for (const variable of container.env ?? []) {
    const value = envValue(pod, variable, nodeName, sources, env);
    if (value !== undefined) env.set(variable.name, value);
  }
  return env;
}

function envValue(
  pod: Pod,
  variable: EnvVar,
  nodeName: string,
  sources: EnvSources,
  env: ReadonlyMap<string, string>,
): string | undefined {
  const from = variable.valueFrom;
  if (from?.fieldRef !== undefined) return fieldValue(pod, from.fieldRef.fieldPath, nodeName);
  const ref = from?.configMapKeyRef ?? from?.secretKeyRef;
  if (ref !== undefined) {
    const kind = from?.configMapKeyRef !== undefined ? 'configmap' : 'secret';
    const data = (kind === 'configmap' ? sources.configMaps : sources.secrets).get(ref.name);
    const value = data?.[ref.key];
    if (value === undefined && ref.optional !== true) {
      throw new Error(
        data === undefined
          ? `${kind} "${ref.name}" not found`
          : `couldn't find key ${ref.key} in ${kind} ${ref.name}`,
      );
    }
    return value;
  }
  // Kubernetes expands $(VAR) of earlier variables inside a value, too.
  return expandVars(variable.value ?? '', env);
}

function fieldValue(pod: Pod, fieldPath: string, nodeName: string): string | undefined {
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace ?? 'default';
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'spec.nodeName':
      return nodeName;
    case 'status.hostIP':
      return '127.0.0.1';
    default: {
      const label = /^metadata\.labels\['(.+)'\]$/.exec(fieldPath);
      return label === null ? undefined : pod.metadata.labels?.[label[1] ?? ''];
    }
  }
}

/** `$(NAME)` → its value when defined, `$$(NAME)` → literal `$(NAME)`; unknown names stay as written. */
export function expandVars(text: string, env: ReadonlyMap<string, string>): string {
  return text.replace(
    /\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g,
    (whole, name: string | undefined) => {
      if (whole === '$$') return '$';
      return name !== undefined && env.has(name) ? (env.get(name) ?? '') : whole;
    },
  );
}
