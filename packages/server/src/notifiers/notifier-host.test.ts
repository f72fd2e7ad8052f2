/**
 * The notifier host with scripted notifiers (no network): routing by receiver type and `on:`,
 * retries with backoff until delivered, no retry for a UserError, failures recorded, a missing
 * notifier recorded, start before end for one run, and a stop that does not wait for backoffs.
 */
import { describe, expect, it } from 'vitest';
import type { Receiver, RunSnapshot } from '@containerops/core';
import { OperationalError, UserError, definePlugin, noConfig } from '@containerops/sdk';
import type { NotifierPlugin, RunNotification } from '@containerops/sdk';
import { PluginHost } from '@containerops/sdk/host';
import { silentServerLogger } from '../logger.js';
import type { NotificationLog } from './notification-log.js';
import { NotifierHost } from './notifier-host.js';
import type { RetryPolicy } from './notifier-host.js';

type Recorded = Parameters<NotificationLog['record']>[0];

function snapshot(runId: string, status: RunSnapshot['status']): RunSnapshot {
  return {
    runId,
    workflow: 'acme/app/ci',
    workflowVersion: 1,
    status,
    createdAt: 1,
    startedAt: 2,
    finishedAt: 3,
    stages: [
      {
        name: 'build',
        type: 'normal',
        status: 'failed',
        actions: [
          {
            name: 'compile',
            path: 'build.compile',
            status: 'failed',
            jobs: [
              {
                name: 'go',
                path: 'build.compile.go',
                status: 'failed',
                attempt: 1,
                reason: 'exit code 2',
                outputs: {},
              },
            ],
          },
        ],
      },
    ],
    lastSeq: 1,
  } as unknown as RunSnapshot;
}

function hostWith(
  notifiers: Record<string, NotifierPlugin>,
  receivers: Receiver[],
  retry: RetryPolicy = { attempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
) {
  const plugins = new PluginHost();
  for (const [name, instance] of Object.entries(notifiers))
    plugins.addBuiltin({
      kind: 'notifier',
      name,
      description: name,
      load: () =>
        Promise.resolve(
          definePlugin({
            kind: 'notifier',
            name,
            version: '1.0.0',
            sdkVersion: '^0.1.0',
            configSchema: noConfig,
            create: () => instance,
          }),
        ),
    });
  const recorded: Recorded[] = [];
  const snapshots = new Map<string, RunSnapshot>();
  const host = new NotifierHost({
    store: {
      getRun: (runId) => Promise.resolve(snapshots.get(runId)),
      getRunRequest: () => Promise.resolve({ workflow: { namespace: 'acme', receivers } }),
    },
    logs: {
      read: () =>
        Promise.resolve([
          {
            runId: 'r',
            jobPath: 'build.compile.go',
            attempt: 1,
            seq: 1,
            stream: 'stdout',
            text: 'boom',
            time: 1,
          },
        ]),
    },
    secretsFor: () => ({ get: (name) => Promise.resolve(name === 'KNOWN' ? 'value' : undefined) }),
    notifications: {
      record: (entry: Recorded) => (recorded.push(entry), Promise.resolve()),
    } as unknown as NotificationLog,
    log: silentServerLogger,
    contextFor: () => ({ logger: { debug() {}, info() {}, warn() {}, error() {} } }),
    publicUrl: 'http://ci.example.com/',
    retry,
  });
  return { host, plugins, recorded, snapshots };
}

function recorder(fail: (call: number) => Error | undefined = () => undefined) {
  const calls: RunNotification[] = [];
  const notifier: NotifierPlugin = {
    notify(event) {
      calls.push(event);
      const error = fail(calls.length);
      return error === undefined ? Promise.resolve() : Promise.reject(error);
    },
  };
  return { notifier, calls };
}

describe('NotifierHost', () => {
  it('routes by type and on:, with the failed job, its log and the run link', async () => {
    const mail = recorder();
    const slack = recorder();
    const { host, plugins, recorded } = hostWith({ mail: mail.notifier, slack: slack.notifier }, [
      { type: 'mail', address: 'a@example.com' },
      { type: 'mail', address: 'b@example.com', on: ['success'] },
      { type: 'slack', webhook: 'KNOWN', on: ['failure'] },
    ]);
    await host.start(plugins);
    expect(host.types()).toEqual(['mail', 'slack']);
    await host.runEnded(snapshot('run-1', 'failed'));
    await host.settled();
    expect(mail.calls).toHaveLength(1);
    expect(mail.calls[0]!.receivers).toEqual([{ type: 'mail', address: 'a@example.com' }]);
    expect(mail.calls[0]!.failedJob).toEqual({
      path: 'build.compile.go',
      reason: 'exit code 2',
      lastLogLines: ['boom'],
    });
    expect(mail.calls[0]!.url).toBe('http://ci.example.com/runs/run-1');
    expect(await slack.calls[0]!.secret('KNOWN')).toBe('value');
    expect(recorded.map((r) => `${r.receiverType}:${r.outcome}:${r.attempts}`).sort()).toEqual([
      'mail:delivered:1',
      'slack:delivered:1',
    ]);
  });

  it('retries a failing notifier with backoff until it delivers; records the attempts', async () => {
    const flaky = recorder((n) =>
      n < 3 ? new OperationalError('NOTIFY_FAILED', `down ${n}`) : undefined,
    );
    const { host, plugins, recorded } = hostWith({ webhook: flaky.notifier }, [
      { type: 'webhook', url: 'x' },
    ]);
    await host.start(plugins);
    await host.runEnded(snapshot('run-1', 'succeeded'));
    await host.settled();
    expect(flaky.calls).toHaveLength(3);
    expect(recorded).toMatchObject([
      { receiverType: 'webhook', outcome: 'delivered', attempts: 3 },
    ]);
  });

  it('gives up after the attempts and records the last error; a UserError is not retried', async () => {
    const down = recorder((n) => new OperationalError('NOTIFY_FAILED', `HTTP 503 (${n})`));
    const refused = recorder(() => new UserError('SECRET_NOT_SET', 'secret SLACK is not set'));
    const { host, plugins, recorded } = hostWith(
      { webhook: down.notifier, slack: refused.notifier },
      [{ type: 'webhook' }, { type: 'slack' }, { type: 'teams' }],
    );
    await host.start(plugins);
    await host.runEnded(snapshot('run-1', 'failed'));
    await host.settled();
    expect(down.calls).toHaveLength(3);
    expect(refused.calls).toHaveLength(1);
    expect(recorded.map((r) => [r.receiverType, r.outcome, r.attempts, r.error]).sort()).toEqual([
      ['slack', 'failed', 1, 'secret SLACK is not set'],
      ['teams', 'failed', 0, 'no notifier handles receivers of type "teams"'],
      ['webhook', 'failed', 3, 'HTTP 503 (3)'],
    ]);
  });

  it('tells a run start (for receivers that want it) before its end, once', async () => {
    const status = recorder();
    const order: string[] = [];
    const slow: NotifierPlugin = {
      defaultOn: ['started', 'always'],
      async notify(event) {
        // The start notification is slow: the end must still come after it.
        if (event.status === 'running') await new Promise((r) => setTimeout(r, 50));
        order.push(event.status);
        return status.notifier.notify(event);
      },
    };
    const { host, plugins, snapshots } = hostWith({ 'github-status': slow }, [
      { type: 'github-status' },
    ]);
    await host.start(plugins);
    snapshots.set('run-1', snapshot('run-1', 'running'));
    host.runStarted('run-1');
    host.runStarted('run-1');
    await host.runEnded(snapshot('run-1', 'succeeded'));
    await host.settled();
    expect(order).toEqual(['running', 'succeeded']);
  });

  it('notify never blocks runEnded; stop gives up waiting backoffs and records them failed', async () => {
    const down = recorder(() => new OperationalError('NOTIFY_FAILED', 'HTTP 503'));
    const { host, plugins, recorded } = hostWith(
      { webhook: down.notifier },
      [{ type: 'webhook' }],
      {
        attempts: 10,
        baseDelayMs: 60_000,
        maxDelayMs: 60_000,
      },
    );
    await host.start(plugins);
    const started = Date.now();
    await host.runEnded(snapshot('run-1', 'failed'));
    await new Promise((r) => setTimeout(r, 20));
    await host.stop(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(recorded).toMatchObject([
      { outcome: 'failed', attempts: 1, error: 'HTTP 503 (server stopping)' },
    ]);
  });
});
