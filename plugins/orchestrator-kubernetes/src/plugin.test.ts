import { describe, expect, it } from 'vitest';
import { checkPluginCompatibility } from '@containerops/sdk';
import { kubernetesConfigSchema, kubernetesOrchestratorPlugin } from './plugin.js';

const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

describe('kubernetesOrchestratorPlugin', () => {
  it('is a compatible orchestrator plugin named kubernetes', () => {
    expect(kubernetesOrchestratorPlugin).toMatchObject({
      kind: 'orchestrator',
      name: 'kubernetes',
    });
    expect(() => checkPluginCompatibility(kubernetesOrchestratorPlugin)).not.toThrow();
  });

  it('creates an orchestrator that reports a missing kubeconfig instead of throwing', async () => {
    const orchestrator = await kubernetesOrchestratorPlugin.create(
      kubernetesConfigSchema.parse({ kubeconfig: '/nonexistent/kubeconfig' }),
      { logger },
    );
    expect(orchestrator.name).toBe('kubernetes');
    expect(await orchestrator.isAvailable()).toMatchObject({
      available: false,
      reason: expect.stringContaining('/nonexistent/kubeconfig') as string,
    });
  });
});

describe('kubernetesConfigSchema', () => {
  it('accepts nothing, and every known setting', () => {
    expect(kubernetesConfigSchema.parse(undefined)).toEqual({});
    const full = {
      kubeconfig: '/etc/kube/config',
      context: 'ci',
      namespace: 'containerops',
      namespacePerWorkflow: 'co',
      createNamespaces: true,
      serviceAccountName: 'runner',
      automountServiceAccountToken: false,
      imagePullSecrets: ['regcred'],
      imagePullPolicy: 'IfNotPresent',
      nodeSelector: { pool: 'ci' },
      tolerations: [{ key: 'ci', operator: 'Exists', effect: 'NoSchedule' }],
      workspace: 'pvc',
      storageClassName: 'fast',
      workspaceSize: '10Gi',
      workspaceAccessMode: 'ReadWriteMany',
      stopGraceMs: 5000,
      ttlSecondsAfterFinished: 600,
      deadlineMarginSeconds: 10,
      pendingTimeoutMs: 60000,
      startCheckMs: 0,
      requestTimeoutMs: 2000,
      logStreams: 'merged',
    };
    expect(kubernetesConfigSchema.parse(full)).toEqual(full);
  });

  it('refuses unknown keys and bad values with a message that says what to fix', () => {
    expect(() => kubernetesConfigSchema.parse({ replicas: 2 })).toThrow(
      /unknown setting\(s\) replicas/,
    );
    expect(() => kubernetesConfigSchema.parse({ workspace: 'nfs' })).toThrow(
      /workspace must be one of pvc, emptyDir/,
    );
    expect(() => kubernetesConfigSchema.parse({ pendingTimeoutMs: -1 })).toThrow(
      /non-negative number/,
    );
    expect(() => kubernetesConfigSchema.parse({ imagePullSecrets: 'regcred' })).toThrow(
      /list of secret names/,
    );
    expect(() => kubernetesConfigSchema.parse({ nodeSelector: { pool: 1 } })).toThrow(
      /map label names to strings/,
    );
    expect(() => kubernetesConfigSchema.parse({ namespace: '' })).toThrow(/non-empty string/);
  });
});
