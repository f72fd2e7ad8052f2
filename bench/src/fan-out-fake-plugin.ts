/**
 * An orchestrator plugin for the fan-out GraphQL bench (`fan-out-graphql.bench.ts`): the fake
 * orchestrator under the name `bench-fake`, loaded by the real server from this file through its
 * `plugins:` config like any plugin. Jobs run in process memory (driven by their `FAKE_*` env),
 * so a 100,000-instance fan-out runs through the real engine, store and API in seconds.
 *
 * The fake keeps every JobSpec and call it got, for test assertions; a real backend keeps nothing
 * in the server's process, so those records are dropped as the run goes.
 */
import { definePlugin, SDK_VERSION } from '@containerops/sdk';
import { FakeOrchestrator } from '@containerops/sdk/testing';

export default definePlugin({
  kind: 'orchestrator',
  name: 'bench-fake',
  version: '0.1.0',
  sdkVersion: `^${SDK_VERSION}`,
  configSchema: { parse: (): Record<string, never> => ({}) },
  create: () => {
    const fake = new FakeOrchestrator();
    setInterval(() => {
      fake.started.length = 0;
      fake.events.length = 0;
    }, 100).unref();
    return fake;
  },
});
