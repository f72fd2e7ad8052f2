import { describe, expect, it } from 'vitest';
import { containerCreateOptions, expandVars, labels, resolveEnv } from './container-spec.js';
import type { EnvSources } from './container-spec.js';
import type { Container, Pod } from './kube-types.js';

const pod = (container: Partial<Container>, extra: Partial<Pod['spec']> = {}): Pod => ({
  metadata: {
    name: 'job-a-x1',
    namespace: 'runs',
    uid: '0123456789abcdef',
    labels: { app: 'demo' },
  },
  spec: {
    containers: [{ name: 'main', image: 'containerops/busybox:latest', ...container }],
    ...extra,
  },
});

const options = (p: Pod, volumes = new Map<string, string>()) =>
  containerCreateOptions(p, p.spec.containers[0] as Container, {
    nodeName: 'node-1',
    volumes,
    attempt: 0,
  });

describe('containerCreateOptions', () => {
  it('command replaces ENTRYPOINT and args replace CMD', () => {
    const created = options(pod({ command: ['sh', '-c'], args: ['echo hi'] }));
    expect(created.Entrypoint).toEqual(['sh', '-c']);
    expect(created.Cmd).toEqual(['echo hi']);
  });

  it('a command alone drops the image CMD; args alone keep the image ENTRYPOINT', () => {
    expect(options(pod({ command: ['true'] })).Cmd).toEqual([]);
    const argsOnly = options(pod({ args: ['--flag'] }));
    expect(argsOnly.Entrypoint).toBeUndefined();
    expect(argsOnly.Cmd).toEqual(['--flag']);
  });

  it('resolves env values, fieldRefs and $(VAR) references in env, command and args', () => {
    const created = options(
      pod({
        command: ['echo', '$(GREETING)', '$$(GREETING)'],
        env: [
          { name: 'NAME', value: 'world' },
          { name: 'GREETING', value: 'hello $(NAME)' },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        ],
      }),
    );
    expect(created.Entrypoint).toEqual(['echo', 'hello world', '$(GREETING)']);
    expect(created.Env).toEqual([
      'NAME=world',
      'GREETING=hello world',
      'POD=job-a-x1',
      'NS=runs',
      'APP=demo',
    ]);
  });

  it('maps limits to Memory (without swap) and NanoCpus, and working dir and user', () => {
    const created = options(
      pod({
        workingDir: '/work',
        resources: { limits: { memory: '64Mi', cpu: '500m' } },
        securityContext: { runAsUser: 1000, runAsGroup: 1000 },
      }),
    );
    expect(created.HostConfig?.Memory).toBe(64 * 2 ** 20);
    expect(created.HostConfig?.MemorySwap).toBe(64 * 2 ** 20);
    expect(created.HostConfig?.NanoCpus).toBe(500_000_000);
    expect(created.WorkingDir).toBe('/work');
    expect(created.User).toBe('1000:1000');
  });

  it('binds volume mounts to the host directories of their volumes', () => {
    const created = options(
      pod({
        volumeMounts: [
          { name: 'work', mountPath: '/workspace' },
          { name: 'cache', mountPath: '/cache', readOnly: true, subPath: 'npm' },
        ],
      }),
      new Map([
        ['work', '/host/work'],
        ['cache', '/host/cache'],
      ]),
    );
    expect(created.HostConfig?.Binds).toEqual([
      '/host/work:/workspace',
      '/host/cache/npm:/cache:ro',
    ]);
    expect(() => options(pod({ volumeMounts: [{ name: 'nope', mountPath: '/x' }] }))).toThrow(
      'volumeMount "nope" names no volume of the pod',
    );
  });

  it('names and labels the container so a restarted agent finds it', () => {
    const created = options(pod({}));
    expect(created.name).toBe('k8s-co_runs_job-a-x1_main_01234567_0');
    expect(created.Labels).toMatchObject({
      [labels.node]: 'node-1',
      [labels.podUid]: '0123456789abcdef',
      [labels.namespace]: 'runs',
      [labels.podName]: 'job-a-x1',
      [labels.container]: 'main',
      [labels.attempt]: '0',
    });
  });

  it('uses the host network only when the pod asks for it', () => {
    expect(options(pod({}, { hostNetwork: true })).HostConfig?.NetworkMode).toBe('host');
    expect(options(pod({})).HostConfig?.NetworkMode).toBeUndefined();
  });
});

describe('expandVars', () => {
  it('leaves unknown references as written', () => {
    expect(expandVars('$(UNKNOWN) and $(A)', new Map([['A', 'a']]))).toBe('$(UNKNOWN) and a');
  });
});

describe('resolveEnv', () => {
  const sources: EnvSources = {
    configMaps: new Map([['settings', { LEVEL: 'debug', MODE: 'test' }]]),
    secrets: new Map<string, Record<string, string> | undefined>([
      ['creds', { token: 's3cret' }],
      ['gone', undefined],
    ]),
  };
  const env = (container: Partial<Container>) =>
    resolveEnv(pod(container), pod(container).spec.containers[0] as Container, 'n', sources);

  it('takes envFrom first (with its prefix), then env entries, later ones winning', () => {
    const resolved = env({
      envFrom: [
        { configMapRef: { name: 'settings' } },
        { prefix: 'S_', secretRef: { name: 'creds' } },
      ],
      env: [
        { name: 'MODE', value: 'override' },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
        { name: 'LVL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'LEVEL' } } },
      ],
    });
    expect(Object.fromEntries(resolved)).toEqual({
      LEVEL: 'debug',
      MODE: 'override',
      S_token: 's3cret',
      TOKEN: 's3cret',
      LVL: 'debug',
    });
  });

  it('refuses a missing source or key unless optional, as the kubelet words it', () => {
    expect(() => env({ envFrom: [{ secretRef: { name: 'gone' } }] })).toThrow(
      'secret "gone" not found',
    );
    expect(() =>
      env({
        env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'NOPE' } } }],
      }),
    ).toThrow("couldn't find key NOPE in configmap settings");
    expect(
      Object.fromEntries(
        env({
          envFrom: [{ secretRef: { name: 'gone', optional: true } }],
          env: [
            {
              name: 'X',
              valueFrom: { configMapKeyRef: { name: 'settings', key: 'NOPE', optional: true } },
            },
          ],
        }),
      ),
    ).toEqual({});
  });
});
