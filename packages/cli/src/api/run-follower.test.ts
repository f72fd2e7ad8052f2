/**
 * The follower's bound on fan-out instance logs, driven by a scripted client (the event order a
 * real server gives, set by hand so that "more instances run than may be followed" is exact).
 * The follower against a real server is in test/server-client.integration.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { SubscriptionSink } from './api-client.js';
import type { ApiEvent } from './api-mappers.js';
import { fanOutJobOf, followRun, isFanOutInstance } from './run-follower.js';

interface Open {
  readonly variables: Readonly<Record<string, unknown>>;
  readonly sink: SubscriptionSink<unknown>;
}

class ScriptedClient {
  readonly url = 'http://server.test';
  readonly open: Open[] = [];
  updates: SubscriptionSink<unknown> | undefined;
  seq = 0;

  subscribe<T>(
    query: string,
    variables: Readonly<Record<string, unknown>>,
    sink: SubscriptionSink<T>,
  ): () => void {
    const entry = { variables, sink: sink as SubscriptionSink<unknown> };
    if (query.includes('runUpdates')) this.updates = entry.sink;
    else this.open.push(entry);
    return () => {
      const i = this.open.indexOf(entry);
      if (i >= 0) this.open.splice(i, 1);
    };
  }

  event(
    scope: string,
    path: string,
    status: string,
    attempt?: number,
    data?: Record<string, unknown>,
  ): void {
    const event: ApiEvent = {
      seq: ++this.seq,
      runId: 'r1',
      time: new Date(0).toISOString(),
      scope,
      path,
      status,
      ...(attempt === undefined ? {} : { attempt }),
      ...(data === undefined ? {} : { data }),
    };
    this.updates?.next({ runUpdates: { event } });
  }

  /** Ends the log subscription of `path` (the server does once the attempt ended). */
  endLog(path: string): void {
    const entry = this.open.find((o) => o.variables['jobPath'] === path);
    if (entry === undefined) throw new Error(`no open log for ${path}`);
    this.open.splice(this.open.indexOf(entry), 1);
    entry.sink.complete();
  }

  openPaths(): unknown[] {
    return this.open.map((o) => o.variables['jobPath']);
  }
}

const instance = (i: number): string => `s.a.test[shard=${i}]`;

describe('followRun and fan-out instances', () => {
  it('follows running instances, at most maxInstanceLogs at once, and drops one that ended waiting', async () => {
    const client = new ScriptedClient();
    const seen: string[] = [];
    const follow = followRun(client, 'r1', {
      maxInstanceLogs: 2,
      onLog: (line) => seen.push(`${line.jobPath}: ${line.text}`),
    });
    client.event('job', 's.a.test', 'running', 1);
    for (const i of [1, 2, 3, 4]) client.event('job', instance(i), 'running', 1);
    // The fan-out job itself and two instances; 3 and 4 wait for a slot.
    expect(client.openPaths()).toEqual(['s.a.test', instance(1), instance(2)]);

    client.open[1]!.sink.next({
      jobLog: {
        lines: [
          {
            runId: 'r1',
            jobPath: instance(1),
            attempt: 1,
            seq: 1,
            stream: 'STDOUT',
            text: 'hello',
            time: new Date(0).toISOString(),
          },
        ],
      },
    });
    expect(seen).toEqual([`${instance(1)}: hello`]);

    // 4 ends while it waits: it is not running any more, so it is never opened.
    client.event('job', instance(4), 'succeeded', 1);
    client.endLog(instance(1));
    client.event('job', instance(1), 'succeeded', 1);
    expect(client.openPaths()).toEqual(['s.a.test', instance(2), instance(3)]);
    client.endLog(instance(2));
    client.event('job', instance(2), 'succeeded', 1);
    client.endLog(instance(3));
    client.event('job', instance(3), 'succeeded', 1);
    expect(client.openPaths()).toEqual(['s.a.test']);

    client.endLog('s.a.test');
    client.event('job', 's.a.test', 'succeeded', 1);
    client.event('run', 'r1', 'succeeded');
    await expect(follow.done).resolves.toBe('succeeded');
  });

  it('follows the instances of the fan-out job named by `logs`', () => {
    const client = new ScriptedClient();
    followRun(client, 'r1', { logs: 's.a.test' });
    client.event('job', 's.a.other', 'running', 1);
    client.event('job', instance(1), 'running', 1);
    client.event('job', 's.a.other2[0]', 'running', 1);
    expect(client.openPaths()).toEqual([instance(1)]);
  });

  it('tells an instance path from a job path', () => {
    expect(fanOutJobOf('s.a.test[shard=1]')).toBe('s.a.test');
    expect(fanOutJobOf('s.a.test[db=v1.2,shard=[x]]')).toBe('s.a.test');
    expect(fanOutJobOf('s.a.test[7]')).toBe('s.a.test');
    expect(isFanOutInstance('s.a.test')).toBe(false);
    expect(isFanOutInstance('test[1]')).toBe(false);
  });

  it('reads the logs of instances a progress event lists that it never saw live (a late follow)', () => {
    const client = new ScriptedClient();
    followRun(client, 'r1', { maxInstanceLogs: 3 });
    client.event('job', 's.a.test', 'running', 1);
    // Seen live: instance 1 ran and ended (its log was followed then).
    client.event('job', instance(1), 'running', 1);
    client.endLog(instance(1));
    client.event('job', instance(1), 'succeeded', 1);
    // The replay or a late start: 2 and 3 ended, 4 runs, none of them seen live.
    const summary = (i: number) => ({ name: `test[shard=${i}]`, status: 'succeeded', attempt: 1 });
    client.event('job', 's.a.test', 'running', 1, {
      fanOutProgress: {
        total: 5,
        started: 4,
        passed: 3,
        failed: 0,
        skipped: 0,
        ended: [summary(1), summary(2), summary(3)],
        active: [{ name: 'test[shard=4]', status: 'running', attempt: 1 }],
      },
    });
    expect(client.openPaths()).toEqual(['s.a.test', instance(4), instance(2), instance(3)]);
  });
});
