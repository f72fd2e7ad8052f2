/**
 * How one job attempt becomes one `batch/v1` Job, and a run's workspace one claim: pure
 * functions from the {@link JobSpec}, so the mapping is unit-tested without a cluster.
 */
import type { V1Job, V1PersistentVolumeClaim, V1Volume, V1EnvVar } from '@kubernetes/client-node';
import { JobLabel, toLabelValue, workspaceOwner } from '@containerops/sdk';
import type { JobSpec, RunContext } from '@containerops/sdk';
import type { ResolvedKubernetesOptions } from './kubernetes-options.js';
import {
  CONTAINER_NAME,
  IMAGE_ANNOTATION,
  WORKSPACE_LABEL,
  WORKSPACE_PATH,
  jobName,
  workspaceClaimName,
} from './names.js';
import { containerResources } from './quantities.js';

/**
 * The `$CO_OUTPUT` file: the container's termination-message file. The kubelet reads it when the
 * container ends and puts it in the Pod's status (`state.terminated.message`), which is the one
 * way to get a file out of a finished Pod through the API alone. Kubernetes keeps at most 4096
 * bytes of it. It lives in the container's own filesystem, not the shared workspace, so one job
 * can neither read nor forge another's outputs.
 */
export const CONTAINER_OUTPUT = '/tmp/containerops-output';

/** The labels of a job's Job and Pod: the spec's fields (made label-safe), the job's own, then ours. */
export function jobLabels(job: JobSpec): Record<string, string> {
  return {
    [JobLabel.workflow]: toLabelValue(job.workflow),
    [JobLabel.stage]: toLabelValue(job.stage),
    [JobLabel.action]: toLabelValue(job.action),
    [JobLabel.job]: toLabelValue(job.job),
    [JobLabel.attempt]: String(job.attempt),
    ...job.labels,
    [JobLabel.managed]: 'true',
    [JobLabel.runId]: toLabelValue(job.runId),
    [JobLabel.jobId]: toLabelValue(job.id),
  };
}

/** Annotations: the originals of label values the label rule changed, and the image as written. */
export function jobAnnotations(job: JobSpec): Record<string, string> {
  const originals: Record<string, string> = {};
  for (const [key, value] of Object.entries({
    [JobLabel.workflow]: job.workflow,
    [JobLabel.stage]: job.stage,
    [JobLabel.action]: job.action,
    [JobLabel.job]: job.job,
  })) {
    if (toLabelValue(value) !== value) originals[key] = value;
  }
  return {
    ...originals,
    ...job.annotations,
    ...(job.image === undefined ? {} : { [IMAGE_ANNOTATION]: job.image }),
  };
}

/** The job's env, then `CO_WORKSPACE` and `CO_OUTPUT`, which always win. Values stay literal. */
export function jobEnv(job: JobSpec): V1EnvVar[] {
  const env: Record<string, string> = {
    ...job.env,
    CO_WORKSPACE: WORKSPACE_PATH,
    CO_OUTPUT: CONTAINER_OUTPUT,
  };
  // `$(NAME)` in a value is expanded by Kubernetes; `$$` is its escape, so values reach the job unchanged.
  return Object.entries(env).map(([name, value]) => ({
    name,
    value: value.replace(/\$/g, '$$$$'),
  }));
}

/** `activeDeadlineSeconds` for a job timeout: the timeout plus a margin, so the engine's own stop comes first. */
export function activeDeadlineSeconds(
  timeoutMs: number | undefined,
  marginSeconds: number,
): number | undefined {
  if (timeoutMs === undefined || timeoutMs <= 0) return undefined;
  return Math.ceil(timeoutMs / 1000) + Math.max(0, Math.round(marginSeconds));
}

/** The workspace volume of a job: the run's claim, or an emptyDir when workspaces are not shared. */
export function workspaceVolume(job: JobSpec, options: ResolvedKubernetesOptions): V1Volume {
  return options.workspace === 'pvc'
    ? {
        name: 'workspace',
        persistentVolumeClaim: { claimName: workspaceClaimName(workspaceOwner(job)) },
      }
    : { name: 'workspace', emptyDir: {} };
}

/**
 * The Job of one attempt:
 * - `backoffLimit: 0` and `restartPolicy: Never`: one Pod, run once (retries are the engine's,
 *   with their own attempt ids); `podReplacementPolicy: Failed` so a Pod being deleted is never
 *   replaced by a second one while it terminates;
 * - `activeDeadlineSeconds` from the timeout (see {@link activeDeadlineSeconds}),
 *   `ttlSecondsAfterFinished` as a safety net;
 * - `command` replaces the image's ENTRYPOINT and CMD and runs in `/workspace`; without it the
 *   image's own entrypoint and directory apply;
 * - labels on the Job and its Pod; annotations on both.
 */
export function jobManifest(
  job: JobSpec,
  image: string,
  namespace: string,
  options: ResolvedKubernetesOptions,
): V1Job {
  const labels = jobLabels(job);
  const annotations = jobAnnotations(job);
  const command =
    job.command !== undefined && job.command.length > 0 ? [...job.command] : undefined;
  const resources = containerResources(job.resources);
  const deadline = activeDeadlineSeconds(job.timeoutMs, options.deadlineMarginSeconds);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: jobName(job), namespace, labels, annotations },
    spec: {
      backoffLimit: 0,
      podReplacementPolicy: 'Failed',
      ttlSecondsAfterFinished: options.ttlSecondsAfterFinished,
      ...(deadline === undefined ? {} : { activeDeadlineSeconds: deadline }),
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: Math.ceil(options.stopGraceMs / 1000),
          automountServiceAccountToken: options.automountServiceAccountToken,
          // Service links would add every Service of the namespace to the env: jobs get theirs only.
          enableServiceLinks: false,
          ...(options.serviceAccountName === undefined
            ? {}
            : { serviceAccountName: options.serviceAccountName }),
          ...(options.imagePullSecrets.length === 0
            ? {}
            : { imagePullSecrets: options.imagePullSecrets.map((name) => ({ name })) }),
          ...(Object.keys(options.nodeSelector).length === 0
            ? {}
            : { nodeSelector: { ...options.nodeSelector } }),
          ...(options.tolerations.length === 0
            ? {}
            : { tolerations: options.tolerations.map((t) => ({ ...t })) }),
          containers: [
            {
              name: CONTAINER_NAME,
              image,
              ...(options.imagePullPolicy === undefined
                ? {}
                : { imagePullPolicy: options.imagePullPolicy }),
              ...(command === undefined ? {} : { command, workingDir: WORKSPACE_PATH }),
              env: jobEnv(job),
              ...(resources === undefined ? {} : { resources }),
              volumeMounts: [{ name: 'workspace', mountPath: WORKSPACE_PATH }],
              terminationMessagePath: CONTAINER_OUTPUT,
              terminationMessagePolicy: 'File',
              stdin: false,
              tty: false,
            },
          ],
          volumes: [workspaceVolume(job, options)],
        },
      },
    },
  };
}

/** The claim holding a run's workspace (the borrowed run's for a re-run). */
export function workspaceClaim(
  run: RunContext,
  namespace: string,
  options: ResolvedKubernetesOptions,
): V1PersistentVolumeClaim {
  const owner = workspaceOwner(run);
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: workspaceClaimName(owner),
      namespace,
      labels: {
        ...run.labels,
        [JobLabel.managed]: 'true',
        [JobLabel.runId]: toLabelValue(owner),
        [WORKSPACE_LABEL]: toLabelValue(owner),
      },
    },
    spec: {
      accessModes: [options.workspaceAccessMode],
      resources: { requests: { storage: options.workspaceSize } },
      ...(options.storageClassName === undefined
        ? {}
        : { storageClassName: options.storageClassName }),
    },
  };
}
