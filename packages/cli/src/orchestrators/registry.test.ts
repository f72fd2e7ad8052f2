import { describe, expect, it } from 'vitest';
import { parseWorkflow } from '@containerops/core';
import { FakeOrchestrator } from '@containerops/core/testing';
import { UsageError } from '../usage.js';
import {
  importOptional,
  orchestratorRegistry,
  pluginEntry,
  selectOrchestrator,
} from './registry.js';
import type { OrchestratorEntry } from './registry.js';

const made = new Map<string, FakeOrchestrator>();

/** An entry whose orchestrator is a fake, remembered under `name` to check which was chosen. */
function named(name: string, available: boolean | 'missing', auto = true): OrchestratorEntry {
  return {
    name,
    description: name,
    auto,
    load: () => {
      if (available === 'missing') return Promise.resolve(undefined);
      const o = new FakeOrchestrator(available ? {} : { unavailableReason: `${name} is down` });
      made.set(name, o);
      return Promise.resolve(o);
    },
  };
}

describe('selectOrchestrator', () => {
  it('picks the first installed and available auto entry by default', async () => {
    const entries = [
      named('docker', 'missing'),
      named('swarm', true, false),
      named('k8s', false),
      named('local', true),
    ];
    expect(await selectOrchestrator(undefined, entries)).toBe(made.get('local'));
    expect(await selectOrchestrator(undefined, [named('docker', true), named('local', true)])).toBe(
      made.get('docker'),
    );
  });

  it('says why when no default is available', async () => {
    await expect(
      selectOrchestrator(undefined, [named('docker', 'missing'), named('local', false)]),
    ).rejects.toThrow(
      'no orchestrator is available (docker: is not installed; local: is not available: local is down)',
    );
  });

  it('uses the requested one, non-auto included', async () => {
    expect(await selectOrchestrator('swarm', [named('swarm', true, false)])).toBe(
      made.get('swarm'),
    );
  });

  it('refuses an unknown name as a usage error listing the known ones', async () => {
    const err = await selectOrchestrator('nomad', [
      named('docker', true),
      named('local', true),
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe("unknown orchestrator 'nomad'; known: docker, local");
  });

  it('reports a requested orchestrator that is missing or unavailable', async () => {
    await expect(selectOrchestrator('docker', [named('docker', 'missing')])).rejects.toMatchObject({
      code: 'ORCHESTRATOR_UNAVAILABLE',
      message: 'the docker orchestrator is not installed',
    });
    await expect(selectOrchestrator('docker', [named('docker', false)])).rejects.toThrow(
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
    const err = await selectOrchestrator('docker', [named('docker', true)], parsed.workflow).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: 'ORCHESTRATOR_UNAVAILABLE',
      message:
        'the docker orchestrator cannot run this workflow: it needs an image for every job (not: build.compile.version); run it with --orchestrator local, or give those jobs an "endpoint" image',
    });
  });

  it('registers local, docker and swarm, docker preferred over local', () => {
    expect(orchestratorRegistry.map((e) => e.name)).toEqual(['docker', 'swarm', 'local']);
    expect(orchestratorRegistry.filter((e) => e.auto).map((e) => e.name)).toEqual([
      'docker',
      'local',
    ]);
  });
});

describe('plugin entries', () => {
  it('importOptional is undefined for a package that is not installed', async () => {
    await expect(importOptional('@containerops/no-such-plugin')).resolves.toBeUndefined();
  });

  it('create the orchestrator from the plugin definition the package exports', async () => {
    const local = orchestratorRegistry.find((e) => e.name === 'local');
    const orchestrator = await local?.load();
    expect(orchestrator?.name).toBe('local');
    await expect(orchestrator?.isAvailable()).resolves.toEqual({ available: true });
  });

  it('fail to load a package without that plugin', async () => {
    const entry = pluginEntry('nomad', 'x', true, () => import('@containerops/orchestrator-local'));
    await expect(entry.load()).rejects.toThrow(
      'its package exports no orchestrator plugin named "nomad"',
    );
    await expect(selectOrchestrator(undefined, [entry])).rejects.toThrow(
      'no orchestrator is available (nomad: failed to load: its package exports no orchestrator plugin named "nomad")',
    );
  });
});
