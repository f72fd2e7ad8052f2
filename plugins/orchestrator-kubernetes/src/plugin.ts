import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import type { V1Toleration } from '@kubernetes/client-node';
import { createKubernetesOrchestrator } from './kubernetes-orchestrator.js';
import { workspaceModes } from './kubernetes-options.js';
import { logStreamModes } from './logs/follow-pod-logs.js';
import type { KubernetesOrchestratorOptions } from './kubernetes-options.js';

const STRINGS = [
  'kubeconfig',
  'context',
  'namespace',
  'namespacePerWorkflow',
  'serviceAccountName',
  'storageClassName',
  'workspaceSize',
] as const;
const BOOLEANS = ['createNamespaces', 'automountServiceAccountToken'] as const;
const NUMBERS = [
  'stopGraceMs',
  'ttlSecondsAfterFinished',
  'deadlineMarginSeconds',
  'pendingTimeoutMs',
  'startCheckMs',
  'requestTimeoutMs',
] as const;
const ENUMS: Record<string, readonly string[]> = {
  imagePullPolicy: ['Always', 'IfNotPresent', 'Never'],
  workspace: workspaceModes,
  workspaceAccessMode: ['ReadWriteOnce', 'ReadWriteMany', 'ReadWriteOncePod'],
  logStreams: logStreamModes,
};
const KEYS = [
  ...STRINGS,
  ...BOOLEANS,
  ...NUMBERS,
  ...Object.keys(ENUMS),
  'imagePullSecrets',
  'nodeSelector',
  'tolerations',
];

function fail(message: string): never {
  throw new Error(`kubernetes: ${message}`);
}

/** Validates the `kubernetes` block of the server config into {@link KubernetesOrchestratorOptions}. */
export const kubernetesConfigSchema: ConfigSchema<KubernetesOrchestratorOptions> = {
  parse(input: unknown): KubernetesOrchestratorOptions {
    if (input === undefined || input === null) return {};
    if (!isConfigObject(input)) fail('the config must be an object');
    const unknownKeys = Object.keys(input).filter((key) => !KEYS.includes(key));
    if (unknownKeys.length > 0)
      fail(`unknown setting(s) ${unknownKeys.join(', ')}; known: ${KEYS.join(', ')}`);
    const out: Record<string, unknown> = {};
    for (const key of STRINGS) {
      const value = input[key];
      if (value === undefined) continue;
      if (typeof value !== 'string' || value === '') fail(`${key} must be a non-empty string`);
      out[key] = value;
    }
    for (const key of BOOLEANS) {
      const value = input[key];
      if (value === undefined) continue;
      if (typeof value !== 'boolean') fail(`${key} must be true or false`);
      out[key] = value;
    }
    for (const key of NUMBERS) {
      const value = input[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        fail(`${key} must be a non-negative number`);
      out[key] = value;
    }
    for (const [key, allowed] of Object.entries(ENUMS)) {
      const value = input[key];
      if (value === undefined) continue;
      if (typeof value !== 'string' || !allowed.includes(value))
        fail(`${key} must be one of ${allowed.join(', ')}`);
      out[key] = value;
    }
    const secrets = input['imagePullSecrets'];
    if (secrets !== undefined) {
      if (!Array.isArray(secrets) || !secrets.every((s) => typeof s === 'string' && s !== ''))
        fail('imagePullSecrets must be a list of secret names');
      out['imagePullSecrets'] = secrets;
    }
    const selector = input['nodeSelector'];
    if (selector !== undefined) {
      if (!isConfigObject(selector) || !Object.values(selector).every((v) => typeof v === 'string'))
        fail('nodeSelector must map label names to strings');
      out['nodeSelector'] = selector;
    }
    const tolerations = input['tolerations'];
    if (tolerations !== undefined) {
      if (!Array.isArray(tolerations) || !tolerations.every((t) => isConfigObject(t)))
        fail(
          'tolerations must be a list of Kubernetes tolerations ({key, operator, value, effect})',
        );
      out['tolerations'] = tolerations as V1Toleration[];
    }
    return out as KubernetesOrchestratorOptions;
  },
};

/** The `kubernetes` orchestrator plugin: one `batch/v1` Job per job attempt, one claim per run. */
export const kubernetesOrchestratorPlugin = definePlugin({
  kind: 'orchestrator',
  name: 'kubernetes',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description:
    'Runs each job as a Kubernetes batch/v1 Job; the run workspace is a PersistentVolumeClaim',
  configSchema: kubernetesConfigSchema,
  create: (config: KubernetesOrchestratorOptions) => createKubernetesOrchestrator(config),
});
