/** Options of the `kubernetes` orchestrator, their defaults, and how the API client is built. */
import { KubeConfig } from '@kubernetes/client-node';
import type { V1Toleration } from '@kubernetes/client-node';
import type { LogStreamMode } from './logs/follow-pod-logs.js';

/**
 * Where a run's workspace lives: `pvc` (default) a PersistentVolumeClaim per run, shared by its
 * jobs; `emptyDir` a fresh empty directory per job (jobs of a run then share nothing, which is
 * right only for workflows whose jobs pass data through outputs alone).
 */
export type WorkspaceMode = 'pvc' | 'emptyDir';
export const workspaceModes: readonly WorkspaceMode[] = ['pvc', 'emptyDir'];

/** Options of {@link createKubernetesOrchestrator}; every field is optional. */
export interface KubernetesOrchestratorOptions {
  /**
   * Kubeconfig file. Default: `KUBECONFIG`, then `~/.kube/config`, then the in-cluster service
   * account (`/var/run/secrets/kubernetes.io/serviceaccount`), as `kubectl` looks.
   */
  readonly kubeconfig?: string;
  /** Context of the kubeconfig to use; default its current context. */
  readonly context?: string;
  /** Namespace of the Jobs and claims; default the kubeconfig context's namespace, else `default`. */
  readonly namespace?: string;
  /**
   * When set, each workflow runs in its own namespace `<prefix>-<workflow>` (which must exist, or
   * be creatable: see {@link createNamespaces}) instead of {@link namespace}.
   */
  readonly namespacePerWorkflow?: string;
  /** Create a missing per-workflow namespace (needs `create namespaces` cluster-wide); default false. */
  readonly createNamespaces?: boolean;
  /** Service account of the job Pods; default the namespace's `default`. */
  readonly serviceAccountName?: string;
  /** Mount the service account's token into job Pods; default false (jobs get no API access). */
  readonly automountServiceAccountToken?: boolean;
  /** Names of `kubernetes.io/dockerconfigjson` secrets used to pull job images. */
  readonly imagePullSecrets?: readonly string[];
  /** `imagePullPolicy` of job containers; default Kubernetes' own (`IfNotPresent` unless `:latest`). */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** Node selector of every job Pod. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Tolerations of every job Pod. */
  readonly tolerations?: readonly V1Toleration[];
  /** See {@link WorkspaceMode}; default `pvc`. */
  readonly workspace?: WorkspaceMode;
  /** Storage class of workspace claims; default the cluster's default class. */
  readonly storageClassName?: string;
  /** Size of workspace claims (a quantity); default `1Gi`. */
  readonly workspaceSize?: string;
  /** Access mode of workspace claims; default `ReadWriteOnce` (jobs of a run on one node). */
  readonly workspaceAccessMode?: 'ReadWriteOnce' | 'ReadWriteMany' | 'ReadWriteOncePod';
  /** `terminationGracePeriodSeconds` of job Pods in ms (for deletions not made by `stop`); default 10 000. */
  readonly stopGraceMs?: number;
  /** `ttlSecondsAfterFinished` of Jobs, in seconds: a safety net if the engine never removes them; default 86 400. */
  readonly ttlSecondsAfterFinished?: number;
  /**
   * Seconds added to the job's timeout for the Job's `activeDeadlineSeconds`: the engine stops a
   * job at its timeout itself; the deadline only ends it when the engine is gone. Default 30.
   */
  readonly deadlineMarginSeconds?: number;
  /**
   * How long a job's Pod may stay Pending (not scheduled, volume not bound, image not pulled
   * yet...) before the job fails with the scheduler's (or kubelet's) message; default 120 000 ms.
   */
  readonly pendingTimeoutMs?: number;
  /**
   * How long `start()` waits for the Pod to get past its image pull, so a missing image throws
   * `IMAGE_NOT_FOUND` there instead of failing later in `wait()`; 0 = do not wait. Default 20 000.
   */
  readonly startCheckMs?: number;
  /** How long `isAvailable()` waits for the API server; default 5 000 ms. */
  readonly requestTimeoutMs?: number;
  /**
   * `auto` (default): stdout and stderr read apart when the API server can
   * (`PodLogsQuerySplitStreams`), else merged as stdout; `split` / `merged` force one.
   */
  readonly logStreams?: LogStreamMode;
}

export interface ResolvedKubernetesOptions {
  readonly namespace: string;
  readonly namespacePerWorkflow?: string;
  readonly createNamespaces: boolean;
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken: boolean;
  readonly imagePullSecrets: readonly string[];
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly V1Toleration[];
  readonly workspace: WorkspaceMode;
  readonly storageClassName?: string;
  readonly workspaceSize: string;
  readonly workspaceAccessMode: 'ReadWriteOnce' | 'ReadWriteMany' | 'ReadWriteOncePod';
  readonly stopGraceMs: number;
  readonly ttlSecondsAfterFinished: number;
  readonly deadlineMarginSeconds: number;
  readonly pendingTimeoutMs: number;
  readonly startCheckMs: number;
  readonly requestTimeoutMs: number;
  readonly logStreams: LogStreamMode;
}

/** Loads the kubeconfig the options name (file, `KUBECONFIG`, home, in-cluster). */
export function loadKubeConfig(options: KubernetesOrchestratorOptions): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  if (options.context !== undefined) kc.setCurrentContext(options.context);
  return kc;
}

export function resolveKubernetesOptions(
  options: KubernetesOrchestratorOptions,
  kc: KubeConfig,
): ResolvedKubernetesOptions {
  const contextNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace;
  const optional = <K extends keyof KubernetesOrchestratorOptions>(
    key: K,
  ): Partial<Pick<KubernetesOrchestratorOptions, K>> =>
    options[key] === undefined
      ? {}
      : ({ [key]: options[key] } as Pick<KubernetesOrchestratorOptions, K>);
  return {
    namespace: options.namespace ?? contextNamespace ?? 'default',
    ...optional('namespacePerWorkflow'),
    createNamespaces: options.createNamespaces ?? false,
    ...optional('serviceAccountName'),
    automountServiceAccountToken: options.automountServiceAccountToken ?? false,
    imagePullSecrets: options.imagePullSecrets ?? [],
    ...optional('imagePullPolicy'),
    nodeSelector: options.nodeSelector ?? {},
    tolerations: options.tolerations ?? [],
    workspace: options.workspace ?? 'pvc',
    ...optional('storageClassName'),
    workspaceSize: options.workspaceSize ?? '1Gi',
    workspaceAccessMode: options.workspaceAccessMode ?? 'ReadWriteOnce',
    stopGraceMs: options.stopGraceMs ?? 10_000,
    ttlSecondsAfterFinished: options.ttlSecondsAfterFinished ?? 86_400,
    deadlineMarginSeconds: options.deadlineMarginSeconds ?? 30,
    pendingTimeoutMs: options.pendingTimeoutMs ?? 120_000,
    startCheckMs: options.startCheckMs ?? 20_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
    logStreams: options.logStreams ?? 'auto',
  };
}
