/** A plugin host whose built-in orchestrators are given instances (fakes), for CLI tests. */
import type { Orchestrator } from '@containerops/sdk';
import { definePlugin, noConfig } from '@containerops/sdk';
import { PluginHost } from '@containerops/sdk/host';

export interface FakeEntry {
  readonly name: string;
  readonly orchestrator: Orchestrator;
  readonly auto?: boolean;
}

export function fakeHost(entries: readonly FakeEntry[]): PluginHost {
  const host = new PluginHost();
  for (const { name, orchestrator, auto = true } of entries) {
    const definition = definePlugin({
      kind: 'orchestrator',
      name,
      version: '0.1.0',
      sdkVersion: '^0.1.0',
      configSchema: noConfig,
      create: () => orchestrator,
    });
    host.addBuiltin({
      kind: 'orchestrator',
      name,
      description: name,
      auto,
      load: () => Promise.resolve(definition),
    });
  }
  return host;
}
