import { describe, expect, it } from 'vitest';
import { parseWorkflow } from '@containerops/core';
import type { WorkflowDefinition } from '@containerops/core';
import { FakeOrchestrator } from '@containerops/core/testing';
import { definePlugin, noConfig } from '@containerops/sdk';
import { PluginHost } from '@containerops/sdk/host';
import type { BuiltinPlugin } from '@containerops/sdk/host';
import { builtinPlugins, createPluginHost } from '@containerops/server/plugins';
import { UsageError } from '../usage.js';
import { selectOrchestrator } from './select-orchestrator.js';

const made = new Map<string, FakeOrchestrator>();

/** A built-in whose orchestrator is a fake, remembered under `name` to check which was chosen. */
function named(name: string, available: boolean | 'missing', auto = true): BuiltinPlugin {
  return {
    kind: 'orchestrator',
    name,
    description: name,
    auto,
    load: () => {
      if (available === 'missing') return Promise.resolve(undefined);
      return Promise.resolve(
        definePlugin({
          kind: 'orchestrator',
          name,
          version: '0.1.0',
          sdkVersion: '^0.1.0',
          configSchema: noConfig,
          create: () => {
            const o = new FakeOrchestrator(
              available ? {} : { unavailableReason: `${name} is down` },
            );
            made.set(name, o);
            return o;
          },
        }),
      );
    },
  };
}

/** `selectOrchestrator` over a host holding `entries`. */
function select(
  requested: string | undefined,
  entries: BuiltinPlugin[],
  workflow?: WorkflowDefinition,
) {
  const host = new PluginHost();
  for (const entry of entries) host.addBuiltin(entry);
  return selectOrchestrator(host, requested, workflow);
}

describe('selectOrchestrator', () => {
  it('picks the first installed and available auto entry by default', async () => {
    const entries = [
      named('docker', 'missing'),
      named('swarm', true, false),
      named('k8s', false),
      named('local', true),
    ];
    expect(await select(undefined, entries)).toBe(made.get('local'));
    expect(await select(undefined, [named('docker', true), named('local', true)])).toBe(
      made.get('docker'),
    );
  });

  it('says why when no default is available', async () => {
    await expect(
      select(undefined, [named('docker', 'missing'), named('local', false)]),
    ).rejects.toThrow(
      'no orchestrator is available (docker: is not installed; local: is not available: local is down)',
    );
  });

  it('uses the requested one, non-auto included', async () => {
    expect(await select('swarm', [named('swarm', true, false)])).toBe(made.get('swarm'));
  });

  it('refuses an unknown name as a usage error listing the known ones', async () => {
    const err = await select('nomad', [named('docker', true), named('local', true)]).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe("unknown orchestrator 'nomad'; known: docker, local");
  });

  it('reports a requested orchestrator that is missing or unavailable', async () => {
    await expect(select('docker', [named('docker', 'missing')])).rejects.toMatchObject({
      code: 'ORCHESTRATOR_UNAVAILABLE',
      message: 'the docker orchestrator is not installed',
    });
    await expect(select('docker', [named('docker', false)])).rejects.toThrow(
      'the docker orchestrator is not available: docker is down',
    );
  });

  it('refuses up front a requested orchestrator that cannot run every job, saying why', async () => {
    const parsed = parseWorkflow(
      [
        'uri: examples/hello/ci',
        'stages:',
        '  - type: normal',
        '    name: build',
        '    actions:',
        '      - name: compile',
        '        jobs: [{ name: version, command: echo 1 }]',
      ].join('\n'),
    );
    const err = await select('docker', [named('docker', true)], parsed.workflow).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: 'ORCHESTRATOR_UNAVAILABLE',
      message:
        'the docker orchestrator cannot run this workflow: it needs an image for every job (not: build.compile.version); run it with --orchestrator local, or give those jobs an "endpoint" image',
    });
  });

  it("takes the built-ins from the server's one list: docker preferred over local", () => {
    const host = createPluginHost();
    expect(host.entries('orchestrator').map((e) => e.name)).toEqual([
      'docker',
      'swarm',
      'kubernetes',
      'local',
    ]);
    expect(
      host
        .entries('orchestrator')
        .filter((e) => e.auto)
        .map((e) => e.name),
    ).toEqual(['docker', 'local']);
    expect(builtinPlugins.map((p) => `${p.kind}/${p.name}`)).toContain('logStore/sqlite');
  });

  it('creates the built-in local orchestrator from its plugin definition', async () => {
    const orchestrator = await selectOrchestrator(createPluginHost(), 'local');
    expect(orchestrator.name).toBe('local');
  });
});
