/**
 * Subscriptions over graphql-ws against in-memory services: replay then follow, and the feed's
 * AbortSignal fires on unsubscribe and on disconnect even while the feed waits for an event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_UNAUTHENTICATED } from '../../src/graphql/index.js';
import { collect, firstCode, waitFor, wsClient } from './support/api-client.js';
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

const EVENTS =
  'subscription($after: Float) { runUpdates(runId: "run1", afterSeq: $after) { event { seq status scope } run { id status } } }';
const event = (status: string) => ({
  runId: 'run1',
  time: 0,
  scope: 'job' as const,
  path: 'test.unit.go',
  status: status as 'running',
});

describe('subscriptions', () => {
  it('replays after afterSeq, then follows live, and unsubscribing aborts the waiting feed', async () => {
    services.emit(event('running'));
    services.emit(event('succeeded'));
    const client = wsClient(api.wsUrl, token);
    const before = services.feedSignals.length;
    const sub = collect<{ runUpdates: { event: { seq: number; status: string } } }>(
      client,
      EVENTS,
      { after: 1 },
      2,
    );
    await waitFor(() => sub.items.length === 1, 10_000, 'the replayed event');
    expect(sub.items[0]?.data?.runUpdates).toMatchObject({
      event: { seq: 2, status: 'succeeded' },
      run: { id: 'run1', status: 'TIMED_OUT' },
    });
    const live = services.emit(event('failed'));
    const items = await sub.done; // the second item makes collect() unsubscribe
    expect(items.map((i) => i.data?.runUpdates.event.seq)).toEqual([2, live.seq]);
    const signal = services.feedSignals[before]!;
    await waitFor(() => signal.aborted, 10_000, 'the feed to be aborted on unsubscribe');
    await client.dispose();
  });

  it('a disconnect aborts the feed of every open subscription', async () => {
    const client = wsClient(api.wsUrl, token);
    const before = services.feedSignals.length;
    const a = collect(client, EVENTS, { after: 1000 }, 1);
    const b = collect(
      client,
      'subscription { jobLog(runId: "run1", jobPath: "test.unit.go", afterSeq: 100) { lines { seq } } }',
      {},
      1,
    );
    await waitFor(() => services.feedSignals.length === before + 2, 10_000, 'both feeds to open');
    expect(services.feedSignals.slice(before).every((s) => !s.aborted)).toBe(true);
    await client.dispose();
    await waitFor(
      () => services.feedSignals.slice(before).every((s) => s.aborted),
      10_000,
      'feeds aborted on disconnect',
    );
    await Promise.allSettled([a.done, b.done]);
  });

  it('streams log chunks as they arrive', async () => {
    const line = (seq: number) => ({
      runId: 'run1',
      jobPath: 'test.unit.go',
      attempt: 1,
      seq,
      stream: 'stdout' as const,
      text: `l${seq}`,
      time: 0,
    });
    services.addLogLines([line(1), line(2)]);
    const client = wsClient(api.wsUrl, token);
    const sub = collect<{ jobLog: { lines: { seq: number; text: string; stream: string }[] } }>(
      client,
      'subscription { jobLog(runId: "run1", jobPath: "test.unit.go", afterSeq: 1) { lines { seq text stream } } }',
      {},
      2,
    );
    await waitFor(() => sub.items.length === 1, 10_000, 'the replayed chunk');
    services.addLogLines([line(3), line(4)]);
    const chunks = await sub.done;
    expect(chunks.map((c) => c.data?.jobLog.lines)).toEqual([
      [{ seq: 2, text: 'l2', stream: 'STDOUT' }],
      [
        { seq: 3, text: 'l3', stream: 'STDOUT' },
        { seq: 4, text: 'l4', stream: 'STDOUT' },
      ],
    ]);
    await client.dispose();
  });

  it('refuses a subscription to an invisible run with NOT_FOUND, and a bad token with close 4401', async () => {
    const outsider = services.addUser('olga', { other: 'admin' });
    const client = wsClient(api.wsUrl, outsider);
    const refused = await collect(client, EVENTS, {}, 1).done;
    expect(firstCode(refused[0]!)).toBe('NOT_FOUND');
    await client.dispose();

    let closeCode: number | undefined;
    const anonymous = wsClient(api.wsUrl, 'co_bad', (code) => (closeCode = code));
    await collect(anonymous, EVENTS, {}, 1).done.catch(() => undefined);
    expect(closeCode).toBe(CLOSE_UNAUTHENTICATED);
    await anonymous.dispose();
  });
});
