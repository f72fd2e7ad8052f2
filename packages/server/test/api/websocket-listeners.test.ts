/**
 * Issue 10: one WebSocket holding more than 10 subscriptions printed
 * `MaxListenersExceededWarning: Possible EventTarget memory leak detected. 11 abort listeners
 * added to [AbortSignal]`. Every subscription of a connection listens to that connection's one
 * "rights revoked" signal, legitimately, up to MAX_SUBSCRIPTIONS_PER_CONNECTION of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../../src/graphql/transport/websocket.js';
import { collect, waitFor, wsClient } from './support/api-client.js';
import type { LocalApi } from './support/local-api.js';
import { startLocalApi } from './support/local-api.js';
import type { MemoryServices } from './support/memory-services.js';
import { createMemoryServices, sampleRun } from './support/memory-services.js';

let services: MemoryServices;
let api: LocalApi;
let token: string;

beforeAll(async () => {
  services = createMemoryServices();
  token = services.addUser('alice', { acme: 'admin' });
  services.addRun(sampleRun('run1'));
  api = await startLocalApi(services);
});
afterAll(async () => {
  await api.close();
});

describe('many subscriptions on one WebSocket', () => {
  it('hold the maximum number of subscriptions without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const client = wsClient(api.wsUrl, token);
      const before = services.feedSignals.length;
      const subs = Array.from({ length: MAX_SUBSCRIPTIONS_PER_CONNECTION }, (_, i) =>
        collect(
          client,
          i % 2 === 0
            ? 'subscription { runUpdates(runId: "run1", afterSeq: 1000) { event { seq } } }'
            : 'subscription { jobLog(runId: "run1", jobPath: "test.unit.go", afterSeq: 1000) { lines { seq } } }',
          {},
          1,
        ),
      );
      await waitFor(
        () => services.feedSignals.length === before + MAX_SUBSCRIPTIONS_PER_CONNECTION,
        20_000,
        'every feed to open',
      );
      // Process warnings are emitted on a later tick.
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const sub of subs) sub.stop();
      await client.dispose();
      await Promise.allSettled(subs.map((s) => s.done));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
