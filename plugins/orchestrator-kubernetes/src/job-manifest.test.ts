import { describe, expect, it } from 'vitest';
import { JobLabel } from '@containerops/sdk';
import type { JobSpec } from '@containerops/sdk';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  CONTAINER_OUTPUT,
  activeDeadlineSeconds,
  jobEnv,
  jobLabels,
  jobManifest,
  workspaceClaim,
} from './job-manifest.js';
import { resolveKubernetesOptions } from './kubernetes-options.js';
import type { KubernetesOrchestratorOptions } from './kubernetes-options.js';

const noContext = {
  getContextObject: () => null,
  getCurrentContext: () => '',
} as unknown as KubeConfig;
const settings = (options: KubernetesOrchestratorOptions = {}) =>
  resolveKubernetesOptions(options, noContext);

const spec: JobSpec = {
  id: 'co-r1-build-a-compile-1',
  runId: 'r1',
  workflow: 'acme/app/ci',
  stage: 'build',
  action: 'a',
  job: 'compile',
  attempt: 1,
  image: 'registry.example/acme/builder:1.2',
  command: ['sh', '-c', 'make'],
  env: { CO_DATA: '{"ref":"main"}', PRICE: 'costs $5, see $(HOME)' },
  resources: { cpuMillis: 2000, memoryBytes: 4_000_000_000 },
  labels: { [JobLabel.runId]: 'r1', [JobLabel.managed]: 'true', team: 'core' },
  annotations: { 'containerops.note': 'free text / allowed here' },
  timeoutMs: 90_500,
};

describe('jobManifest', () => {
  const job = jobManifest(spec, spec.image ?? '', 'ci', settings({ serviceAccountName: 'runner' }));
  const pod = job.spec?.template.spec;
  const container = pod?.containers[0];

  it('is one batch/v1 Job run once: backoffLimit 0, restartPolicy Never, deadline from the timeout, TTL', () => {
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job' });
    expect(job.metadata).toMatchObject({ name: spec.id, namespace: 'ci' });
    expect(job.spec).toMatchObject({
      backoffLimit: 0,
      podReplacementPolicy: 'Failed',
      ttlSecondsAfterFinished: 86_400,
      activeDeadlineSeconds: 91 + 30,
    });
    expect(pod).toMatchObject({
      restartPolicy: 'Never',
      serviceAccountName: 'runner',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 10,
    });
  });

  it('labels the Job and its Pod alike under the label rule, keeping originals as annotations', () => {
    expect(job.metadata?.labels).toEqual(job.spec?.template.metadata?.labels);
    const labels = job.metadata?.labels ?? {};
    expect(labels).toMatchObject({
      [JobLabel.managed]: 'true',
      [JobLabel.runId]: 'r1',
      [JobLabel.jobId]: spec.id,
      [JobLabel.stage]: 'build',
      [JobLabel.attempt]: '1',
      team: 'core',
    });
    for (const value of Object.values(labels)) {
      expect(value.length).toBeLessThanOrEqual(63);
      expect(value).toMatch(/^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/);
    }
    expect(labels[JobLabel.workflow]).not.toBe('acme/app/ci');
    expect(job.metadata?.annotations).toMatchObject({
      [JobLabel.workflow]: 'acme/app/ci',
      'containerops.note': 'free text / allowed here',
      'containerops.image': spec.image,
    });
  });

  it('runs the command in /workspace with env (CO_DATA, escaped $), CO_WORKSPACE and CO_OUTPUT', () => {
    expect(container).toMatchObject({
      image: spec.image,
      command: ['sh', '-c', 'make'],
      workingDir: '/workspace',
      terminationMessagePath: CONTAINER_OUTPUT,
      terminationMessagePolicy: 'File',
    });
    expect(container?.args).toBeUndefined();
    expect(container?.env).toEqual([
      { name: 'CO_DATA', value: '{"ref":"main"}' },
      // Kubernetes turns `$$` into `$` and leaves nothing else to expand: the job sees the original.
      { name: 'PRICE', value: 'costs $$5, see $$(HOME)' },
      { name: 'CO_WORKSPACE', value: '/workspace' },
      { name: 'CO_OUTPUT', value: CONTAINER_OUTPUT },
    ]);
    expect(container?.resources).toEqual({ requests: { cpu: '2', memory: '4000000000' } });
  });

  it('CO_WORKSPACE and CO_OUTPUT win over the job env', () => {
    const env = jobEnv({ ...spec, env: { CO_OUTPUT: '/elsewhere', CO_WORKSPACE: '/x' } });
    expect(env).toEqual([
      { name: 'CO_OUTPUT', value: CONTAINER_OUTPUT },
      { name: 'CO_WORKSPACE', value: '/workspace' },
    ]);
  });

  it("mounts the run's claim (the borrowed run's for a re-run), or an emptyDir when not shared", () => {
    expect(pod?.volumes).toEqual([
      { name: 'workspace', persistentVolumeClaim: { claimName: 'co-ws-r1' } },
    ]);
    expect(container?.volumeMounts).toEqual([{ name: 'workspace', mountPath: '/workspace' }]);
    const rerun = jobManifest({ ...spec, workspaceRunId: 'r0' }, 'img', 'ci', settings());
    expect(rerun.spec?.template.spec?.volumes?.[0]?.persistentVolumeClaim?.claimName).toBe(
      'co-ws-r0',
    );
    const scratch = jobManifest(spec, 'img', 'ci', settings({ workspace: 'emptyDir' }));
    expect(scratch.spec?.template.spec?.volumes).toEqual([{ name: 'workspace', emptyDir: {} }]);
  });

  it('carries pull secrets, node selector, tolerations and pull policy from the config', () => {
    const job2 = jobManifest(
      { ...spec, command: [] },
      'img',
      'ci',
      settings({
        imagePullSecrets: ['regcred'],
        nodeSelector: { pool: 'ci' },
        tolerations: [{ key: 'ci', operator: 'Exists', effect: 'NoSchedule' }],
        imagePullPolicy: 'IfNotPresent',
      }),
    );
    const pod2 = job2.spec?.template.spec;
    expect(pod2).toMatchObject({
      imagePullSecrets: [{ name: 'regcred' }],
      nodeSelector: { pool: 'ci' },
      tolerations: [{ key: 'ci', operator: 'Exists', effect: 'NoSchedule' }],
    });
    // No command: the image's entrypoint and working directory apply.
    expect(pod2?.containers[0]?.command).toBeUndefined();
    expect(pod2?.containers[0]?.workingDir).toBeUndefined();
    expect(pod2?.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
  });

  it('gives a Job no deadline without a timeout', () => {
    expect(activeDeadlineSeconds(undefined, 30)).toBeUndefined();
    expect(activeDeadlineSeconds(1, 0)).toBe(1);
    const { timeoutMs: _omit, ...untimed } = spec;
    expect(
      jobManifest(untimed, 'img', 'ci', settings()).spec?.activeDeadlineSeconds,
    ).toBeUndefined();
  });

  it('keeps label values the engine gave under the rule as they are', () => {
    expect(jobLabels({ ...spec, runId: 'r2' })[JobLabel.runId]).toBe('r2');
  });
});

describe('workspaceClaim', () => {
  it('asks for the configured class, size and access mode, labelled with the run', () => {
    const claim = workspaceClaim(
      { runId: 'r1', workflow: 'w', labels: { [JobLabel.runId]: 'r1' } },
      'ci',
      settings({ storageClassName: 'containerops-local', workspaceSize: '5Gi' }),
    );
    expect(claim).toMatchObject({
      metadata: {
        name: 'co-ws-r1',
        namespace: 'ci',
        labels: {
          [JobLabel.managed]: 'true',
          [JobLabel.runId]: 'r1',
          'containerops.workspace': 'r1',
        },
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '5Gi' } },
        storageClassName: 'containerops-local',
      },
    });
  });
});
