/**
 * Acceptance (issue 5): against the real server, a real graphql-ws client follows a workflow run on
 * Docker — every status change and every log line, in order — and a client that disconnects
 * mid-run and resubscribes with its last seq misses nothing and gets nothing twice.
 */
import { requireDocker } from '@containerops/orchestrator-docker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { collect, postGraphql, waitFor, wsClient } from './support/api-client.js';
import type { RealServer } from './support/real-server.js';
import { startRealServer } from './support/real-server.js';

const docker = await requireDocker({ images: ['containerops/busybox:latest'] });
const LINES = 40;
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

function workflowYaml(name: string): string {
  return `uri: default/api-live/${name}
stages:
  - type: start
    name: start
  - type: normal
    name: build
    sequencing: sequence
    actions:
      - name: main
        jobs:
          - name: count
            endpoint: containerops/busybox:latest
            command: 'i=1; while [ $i -le ${LINES} ]; do echo "line $i"; i=$((i+1)); sleep 0.05; done'
  - type: normal
    name: check
    sequencing: parallel
    actions:
      - name: a
        jobs:
          - name: one
            endpoint: containerops/busybox:latest
            command: echo done-a
      - name: b
        jobs:
          - name: two
            endpoint: containerops/busybox:latest
            command: echo done-b >&2
  - type: end
    name: end
`;
}

interface EventData {
  seq: number;
  scope: string;
  path: string;
  status: string;
}
interface RunUpdateData {
  runUpdates: { event: EventData; run: { status: string; lastSeq: number } };
}
interface LogData {
  jobLog: { lines: { seq: number; text: string; stream: string }[] };
}

const RUN_UPDATES = `subscription($runId: ID, $afterSeq: Float) {
  runUpdates(runId: $runId, afterSeq: $afterSeq) { event { seq scope path status } run { status lastSeq } } }`;
const JOB_LOG = `subscription($runId: ID!, $jobPath: String!, $afterSeq: Int) {
  jobLog(runId: $runId, jobPath: $jobPath, afterSeq: $afterSeq) { lines { seq text stream } } }`;

describe.skipIf(!docker.available)(
  'live run updates and logs over graphql-ws (real server, Docker)',
  () => {
    let api: RealServer;
    const clients: Client[] = [];

    beforeAll(async () => {
      api = await startRealServer('docker');
    });
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.dispose()));
      await api?.close();
      await api?.removeData();
    });

    async function triggerRun(name: string): Promise<string> {
      const applied = await postGraphql(
        api.url,
        api.adminToken,
        'mutation($y: String!) { applyWorkflow(yaml: $y) { ok diagnostics { code message line } } }',
        {
          y: workflowYaml(name),
        },
      );
      expect(applied.body.errors).toBeUndefined();
      expect(applied.body.data).toMatchObject({ applyWorkflow: { ok: true } });
      const run = await postGraphql(
        api.url,
        api.adminToken,
        'mutation($w: String!) { triggerRun(workflow: $w) { id } }',
        {
          w: `default/api-live/${name}`,
        },
      );
      expect(run.body.errors).toBeUndefined();
      return (run.body.data as { triggerRun: { id: string } }).triggerRun.id;
    }

    function client(): Client {
      const c = wsClient(api.wsUrl, api.adminToken);
      clients.push(c);
      return c;
    }

    function isRunEnd(e: EventData): boolean {
      return (
        e.scope === 'RUN' && ['succeeded', 'failed', 'timed_out', 'cancelled'].includes(e.status)
      );
    }

    it(
      'streams every status change and every log line in order',
      { timeout: 180_000 },
      async () => {
        const runId = await triggerRun(`live-${unique}`);
        const updates: RunUpdateData[] = [];
        const live = client();
        const updatesDone = new Promise<void>((resolve, reject) => {
          const stop = live.subscribe<RunUpdateData>(
            { query: RUN_UPDATES, variables: { runId } },
            {
              next: (value) => {
                if (value.errors) return reject(new Error(JSON.stringify(value.errors)));
                updates.push(value.data!);
                if (isRunEnd(value.data!.runUpdates.event)) {
                  stop();
                  resolve();
                }
              },
              error: reject,
              complete: resolve,
            },
          );
        });
        const logs = collect<LogData>(
          live,
          JOB_LOG,
          { runId, jobPath: 'build.main.count' },
          Number.MAX_SAFE_INTEGER,
        );
        await updatesDone;
        await logs.done;

        const events = updates.map((u) => u.runUpdates.event);
        const seqs = events.map((e) => e.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(new Set(seqs).size).toBe(seqs.length);
        expect(events.at(-1)).toMatchObject({ scope: 'RUN', status: 'succeeded' });
        // Every node's status changes arrive in their real order.
        const statusesOf = (path: string, scope: string) =>
          events.filter((e) => e.path === path && e.scope === scope).map((e) => e.status);
        expect(statusesOf('build.main.count', 'JOB')).toEqual(['running', 'succeeded']);
        expect(statusesOf('check.b.two', 'JOB')).toEqual(['running', 'succeeded']);
        expect(statusesOf('', 'RUN').at(-1)).toBe('succeeded');
        expect(statusesOf('', 'RUN')).toContain('running');
        // RunUpdate.run is the run's state after the event.
        for (const u of updates)
          expect(u.runUpdates.run.lastSeq).toBeGreaterThanOrEqual(u.runUpdates.event.seq);
        expect(updates.at(-1)!.runUpdates.run.status).toBe('SUCCEEDED');

        const lines = logs.items.flatMap((r) => r.data!.jobLog.lines);
        expect(lines.map((l) => l.text)).toEqual(
          Array.from({ length: LINES }, (_, i) => `line ${i + 1}`),
        );
        expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));

        // A late subscriber replays exactly the same events.
        const replay = client();
        const replayed: EventData[] = [];
        await new Promise<void>((resolve, reject) => {
          const stop = replay.subscribe<RunUpdateData>(
            { query: RUN_UPDATES, variables: { runId, afterSeq: 0 } },
            {
              next: (value) => {
                replayed.push(value.data!.runUpdates.event);
                if (replayed.length === events.length) {
                  stop();
                  resolve();
                }
              },
              error: reject,
              complete: resolve,
            },
          );
        });
        expect(replayed).toEqual(events);
      },
    );

    it(
      'a client that disconnects mid-run and resubscribes with its last seq misses nothing, twice nothing',
      { timeout: 180_000 },
      async () => {
        const runId = await triggerRun(`resume-${unique}`);
        // First connection: take a few log lines and a few events, then drop the socket.
        const first = wsClient(api.wsUrl, api.adminToken);
        const firstLogs = collect<LogData>(
          first,
          JOB_LOG,
          { runId, jobPath: 'build.main.count' },
          Number.MAX_SAFE_INTEGER,
        );
        const firstEvents = collect<RunUpdateData>(
          first,
          RUN_UPDATES,
          { runId },
          Number.MAX_SAFE_INTEGER,
        );
        await waitFor(
          () =>
            firstLogs.items.flatMap((r) => r.data!.jobLog.lines).length >= 5 &&
            firstEvents.items.length >= 3,
          60_000,
          'the first lines and events',
        );
        await first.dispose();
        const gotLines = firstLogs.items.flatMap((r) => r.data!.jobLog.lines);
        const gotEvents = firstEvents.items.map((r) => r.data!.runUpdates.event);
        expect(gotLines.length).toBeLessThan(LINES); // really mid-run

        const second = client();
        const lastLine = gotLines.at(-1)!.seq;
        const lastEvent = gotEvents.at(-1)!.seq;
        const restLogs = collect<LogData>(
          second,
          JOB_LOG,
          { runId, jobPath: 'build.main.count', afterSeq: lastLine },
          Number.MAX_SAFE_INTEGER,
        );
        const restEvents: EventData[] = [];
        await new Promise<void>((resolve, reject) => {
          const stop = second.subscribe<RunUpdateData>(
            { query: RUN_UPDATES, variables: { runId, afterSeq: lastEvent } },
            {
              next: (value) => {
                restEvents.push(value.data!.runUpdates.event);
                if (isRunEnd(value.data!.runUpdates.event)) {
                  stop();
                  resolve();
                }
              },
              error: reject,
              complete: resolve,
            },
          );
        });
        await restLogs.done;

        const allLines = [...gotLines, ...restLogs.items.flatMap((r) => r.data!.jobLog.lines)];
        expect(allLines.map((l) => l.seq)).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
        expect(allLines.map((l) => l.text)).toEqual(
          Array.from({ length: LINES }, (_, i) => `line ${i + 1}`),
        );

        const allEvents = [...gotEvents, ...restEvents];
        const full = client();
        const reference: EventData[] = [];
        await new Promise<void>((resolve, reject) => {
          const stop = full.subscribe<RunUpdateData>(
            { query: RUN_UPDATES, variables: { runId, afterSeq: 0 } },
            {
              next: (value) => {
                reference.push(value.data!.runUpdates.event);
                if (reference.length === allEvents.length) {
                  stop();
                  resolve();
                }
              },
              error: reject,
              complete: resolve,
            },
          );
        });
        expect(allEvents).toEqual(reference);
      },
    );
  },
);
