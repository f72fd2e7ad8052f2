/**
 * The original format's `kubectl:` jobs: the job's own Pod or Job manifest, run as our Job. The
 * manifest gives the pod spec (containers, volumes, node placement...); everything the engine
 * relies on is ours and replaces what the manifest says: names, labels, namespace, the env, the
 * workspace volume, the output file, one run (`backoffLimit: 0`, `restartPolicy: Never`) and the
 * deadline. The FIRST container is the job's: its exit code, log and `$CO_OUTPUT` are the job's
 * result; other containers get the same env and workspace but do not count.
 */
import { loadYaml } from '@kubernetes/client-node';
import type { V1Container, V1EnvVar, V1Job, V1PodSpec } from '@kubernetes/client-node';
import type { JobSpec } from '@containerops/sdk';
import { CONTAINER_OUTPUT, jobEnv, jobManifest } from './job-manifest.js';
import type { ResolvedKubernetesOptions } from './kubernetes-options.js';
import { CONTAINER_NAME, IMAGE_ANNOTATION, WORKSPACE_PATH } from './names.js';
import { containerResources } from './quantities.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The pod spec of a `kubectl` manifest's text: a `Pod`'s `spec`, or a `Job`'s
 * `spec.template.spec`. Throws an Error saying what is wrong for anything else (another kind,
 * not YAML, no containers, a container without an image).
 */
export function podSpecOfManifest(text: string): V1PodSpec {
  let manifest: unknown;
  try {
    manifest = loadYaml<unknown>(text);
  } catch (error) {
    throw new Error(`the kubectl manifest is not one YAML document: ${(error as Error).message}`);
  }
  if (!isObject(manifest)) throw new Error('the kubectl manifest must be a Pod or a Job object');
  const kind = manifest['kind'];
  const spec = manifest['spec'];
  let pod: unknown;
  if (kind === 'Pod') pod = spec;
  else if (kind === 'Job')
    pod = isObject(spec) && isObject(spec['template']) ? spec['template']['spec'] : undefined;
  else
    throw new Error(
      `the kubectl manifest is a ${typeof kind === 'string' ? kind : 'object without a kind'}: only a Pod or a Job (its pod template) can run as a job`,
    );
  if (!isObject(pod)) throw new Error(`the kubectl ${kind} manifest has no pod spec`);
  const containers = pod['containers'];
  if (!Array.isArray(containers) || containers.length === 0)
    throw new Error(`the kubectl ${kind} manifest has no containers`);
  for (const container of [...containers, ...((pod['initContainers'] as unknown[]) ?? [])]) {
    if (!isObject(container) || typeof container['image'] !== 'string' || container['image'] === '')
      throw new Error(`every container of the kubectl ${kind} manifest needs an image`);
  }
  if (containers.slice(1).some((c) => (c as Record<string, unknown>)['name'] === CONTAINER_NAME))
    throw new Error(
      `the kubectl manifest names a container "${CONTAINER_NAME}" that is not its first: that name is the job's (first) container`,
    );
  // Checked above as far as we rely on it; the API server validates the rest when the Job is created.
  return pod as unknown as V1PodSpec;
}

/** Why `options.kubectl` cannot be run, or undefined when it is a usable manifest. */
export function kubectlOptionProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'kubectl must be the text of a Pod or Job manifest';
  try {
    podSpecOfManifest(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** `container` with our env (over its own same-named variables) and the workspace mounted. */
function injected(container: V1Container, env: readonly V1EnvVar[]): V1Container {
  const ours = new Set(env.map((e) => e.name));
  return {
    ...container,
    env: [...(container.env ?? []).filter((e) => !ours.has(e.name)), ...env],
    volumeMounts: [
      ...(container.volumeMounts ?? []).filter(
        (m) => m.name !== 'workspace' && m.mountPath !== WORKSPACE_PATH,
      ),
      { name: 'workspace', mountPath: WORKSPACE_PATH },
    ],
  };
}

/**
 * The Job of a `kubectl` job attempt: {@link jobManifest}'s Job (labels, annotations, name,
 * namespace, one run, deadline, placement settings of the plugin), whose pod spec is the
 * manifest's with ours laid over it. The env ({@link jobEnv}: CO_DATA, the run's and the job's
 * env, `CO_WORKSPACE`, `CO_OUTPUT`) goes into every container and wins over the manifest's
 * variables of the same name; the first container is renamed to ours and writes `$CO_OUTPUT`.
 * The job's `resources`, when it sets any, replace the first container's.
 */
export function kubectlJobManifest(
  job: JobSpec,
  manifestText: string,
  namespace: string,
  options: ResolvedKubernetesOptions,
): V1Job {
  const pod = podSpecOfManifest(manifestText);
  const [first, ...rest] = pod.containers as [V1Container, ...V1Container[]];
  const base = jobManifest(job, first.image as string, namespace, options);
  const template = base.spec?.template;
  const ourPod = template?.spec as V1PodSpec;
  const env = jobEnv(job);
  const resources = containerResources(job.resources);
  const main: V1Container = {
    ...injected(first, env),
    name: CONTAINER_NAME,
    ...(resources === undefined ? {} : { resources }),
    ...(first.imagePullPolicy !== undefined || options.imagePullPolicy === undefined
      ? {}
      : { imagePullPolicy: options.imagePullPolicy }),
    terminationMessagePath: CONTAINER_OUTPUT,
    terminationMessagePolicy: 'File',
  };
  const { containers: _c, volumes: _v, ...settings } = ourPod;
  const spec: V1PodSpec = {
    ...pod,
    ...settings,
    containers: [main, ...rest.map((c) => injected(c, env))],
    ...(pod.initContainers === undefined
      ? {}
      : { initContainers: pod.initContainers.map((c) => injected(c, env)) }),
    volumes: [...(pod.volumes ?? []).filter((v) => v.name !== 'workspace'), ...(_v ?? [])],
  };
  const annotations = { ...template?.metadata?.annotations, [IMAGE_ANNOTATION]: main.image ?? '' };
  return {
    ...base,
    metadata: { ...base.metadata, annotations },
    spec: {
      ...base.spec,
      template: { metadata: { ...template?.metadata, annotations }, spec },
    },
  };
}
