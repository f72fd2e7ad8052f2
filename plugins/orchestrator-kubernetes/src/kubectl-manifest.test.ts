import { describe, expect, it } from 'vitest';
import { JobLabel } from '@containerops/sdk';
import type { JobSpec } from '@containerops/sdk';
import type { KubeConfig } from '@kubernetes/client-node';
import { CONTAINER_OUTPUT } from './job-manifest.js';
import { kubectlJobManifest, kubectlOptionProblem, podSpecOfManifest } from './kubectl-manifest.js';
import { resolveKubernetesOptions } from './kubernetes-options.js';

const noContext = {
  getContextObject: () => null,
  getCurrentContext: () => '',
} as unknown as KubeConfig;
const settings = resolveKubernetesOptions({ serviceAccountName: 'runner' }, noContext);

const spec: JobSpec = {
  id: 'co-r1-deploy-a-apply-1',
  runId: 'r1',
  workflow: 'acme/app/ci',
  stage: 'deploy',
  action: 'a',
  job: 'apply',
  attempt: 1,
  env: { CO_DATA: 'ref=main', TARGET: 'from-the-flow', PRICE: 'costs $5' },
  resources: {},
  labels: { [JobLabel.runId]: 'r1', [JobLabel.managed]: 'true' },
  timeoutMs: 60_000,
};

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: theirs
  labels: { app: theirs }
spec:
  restartPolicy: Always
  nodeSelector: { disk: ssd }
  containers:
    - name: main
      image: acme/deployer:2
      command: [sh, -c, 'echo "[COUT] X = y"']
      env:
        - { name: TARGET, value: from-the-manifest }
        - { name: KEEP, value: kept }
    - name: sidecar
      image: acme/sidecar:1
  volumes:
    - { name: cache, emptyDir: {} }
`;

const JOB = `apiVersion: batch/v1
kind: Job
metadata: { name: theirs }
spec:
  backoffLimit: 6
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: only
          image: acme/migrate:3
          args: [up]
`;

const envOf = (env: readonly { name: string; value?: string }[] | undefined) =>
  Object.fromEntries((env ?? []).map((e) => [e.name, e.value]));

describe('kubectlJobManifest from a Pod', () => {
  const job = kubectlJobManifest(spec, POD, 'ci', settings);
  const pod = job.spec?.template.spec;
  const [main, sidecar] = pod?.containers ?? [];

  it('is our Job: our name, namespace and labels, one run, the deadline from the timeout', () => {
    expect(job.kind).toBe('Job');
    expect(job.metadata?.name).not.toBe('theirs');
    expect(job.metadata?.namespace).toBe('ci');
    expect(job.metadata?.labels?.[JobLabel.jobId]).toBe(spec.id);
    expect(job.spec?.template.metadata?.labels?.[JobLabel.jobId]).toBe(spec.id);
    expect(job.spec?.template.metadata?.labels).not.toHaveProperty('app');
    expect(job.spec?.backoffLimit).toBe(0);
    expect(job.spec?.activeDeadlineSeconds).toBeGreaterThanOrEqual(60);
    expect(pod?.restartPolicy).toBe('Never');
    expect(pod?.serviceAccountName).toBe('runner');
    expect(job.metadata?.annotations?.['containerops.image']).toBe('acme/deployer:2');
  });

  it("keeps the manifest's pod settings, containers, commands and volumes", () => {
    expect(pod?.nodeSelector).toEqual({ disk: 'ssd' });
    expect(main?.image).toBe('acme/deployer:2');
    expect(main?.command).toEqual(['sh', '-c', 'echo "[COUT] X = y"']);
    expect(sidecar?.image).toBe('acme/sidecar:1');
    expect(pod?.volumes?.map((v) => v.name)).toEqual(['cache', 'workspace']);
  });

  it('makes the first container the job: our name and the output file as termination message', () => {
    expect(main?.name).toBe('job');
    expect(main?.terminationMessagePath).toBe(CONTAINER_OUTPUT);
    expect(main?.terminationMessagePolicy).toBe('File');
    expect(sidecar?.name).toBe('sidecar');
    expect(sidecar?.terminationMessagePath).toBeUndefined();
  });

  it("injects the run's env into every container, over the manifest's same-named variables", () => {
    for (const container of [main, sidecar]) {
      const env = envOf(container?.env);
      expect(env['CO_DATA']).toBe('ref=main');
      expect(env['CO_WORKSPACE']).toBe('/workspace');
      expect(env['CO_OUTPUT']).toBe(CONTAINER_OUTPUT);
      expect(container?.volumeMounts).toContainEqual({
        name: 'workspace',
        mountPath: '/workspace',
      });
    }
    expect(envOf(main?.env)['TARGET']).toBe('from-the-flow');
    expect(envOf(main?.env)['KEEP']).toBe('kept');
    expect(envOf(main?.env)['PRICE']).toBe('costs $$5');
    expect(main?.env?.filter((e) => e.name === 'TARGET')).toHaveLength(1);
  });
});

describe('kubectlJobManifest from a Job', () => {
  it("takes the Job's pod template, not its retry settings", () => {
    const job = kubectlJobManifest(spec, JOB, 'ci', settings);
    const [main] = job.spec?.template.spec?.containers ?? [];
    expect(job.spec?.backoffLimit).toBe(0);
    expect(job.spec?.template.spec?.restartPolicy).toBe('Never');
    expect(main?.image).toBe('acme/migrate:3');
    expect(main?.args).toEqual(['up']);
    expect(envOf(main?.env)['CO_DATA']).toBe('ref=main');
  });

  it("sets the job's resources on the first container when the job declares some", () => {
    const job = kubectlJobManifest({ ...spec, resources: { cpuMillis: 500 } }, JOB, 'ci', settings);
    expect(job.spec?.template.spec?.containers[0]?.resources?.requests?.['cpu']).toBe('500m');
  });
});

describe('manifests that cannot run', () => {
  it('refuses a Service, naming its kind', () => {
    const service = 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: { ports: [] }\n';
    expect(() => podSpecOfManifest(service)).toThrow(
      'the kubectl manifest is a Service: only a Pod or a Job (its pod template) can run as a job',
    );
    expect(kubectlOptionProblem(service)).toContain('is a Service');
  });

  it('refuses text that is not a manifest, or one without containers or images', () => {
    expect(kubectlOptionProblem('pod.yaml')).toBe(
      'the kubectl manifest must be a Pod or a Job object',
    );
    expect(kubectlOptionProblem(42)).toBe('kubectl must be the text of a Pod or Job manifest');
    expect(kubectlOptionProblem('kind: Pod\nspec: { containers: [] }')).toBe(
      'the kubectl Pod manifest has no containers',
    );
    expect(kubectlOptionProblem('kind: Pod\nspec: { containers: [{ name: a }] }')).toBe(
      'every container of the kubectl Pod manifest needs an image',
    );
    expect(kubectlOptionProblem('kind: Pod\n---\nkind: Pod\n')).toContain('not one YAML document');
    expect(kubectlOptionProblem(POD)).toBeUndefined();
  });
});
