/**
 * The notifier conformance suite: the cases every `notifier` plugin runs against a stand-in of
 * its target (an HTTP server, an SMTP server), so notifiers keep the contract of `NotifierPlugin`
 * (`kinds/notifier.ts`): one delivery per `notify`, a rejection (never a silent success) when
 * the target fails, concurrent runs delivered independently, `close` idempotent.
 */
import { describe, expect, it } from 'vitest';
import type { RunStatus } from '@containerops/core';
import type { NotifierPlugin, RunNotification } from '../../kinds/notifier.js';

/** A notifier with a stand-in of what it talks to. */
export interface NotifierUnderTest {
  readonly notifier: NotifierPlugin;
  /** The receiver entry the suite puts in its notifications (`{ type, address... }`). */
  readonly receiver: RunNotification['receivers'][number];
  /** Secrets the receiver names (a webhook URL...), as the host would resolve them. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** How many deliveries the stand-in received so far. */
  delivered(): Promise<number> | number;
  /** Makes the stand-in fail every delivery from now on (5xx, refused connection...). */
  breakTarget(): Promise<void> | void;
  dispose?(): void | Promise<void>;
}

export type NotifierFactory = () => NotifierUnderTest | Promise<NotifierUnderTest>;

/** A notification of an ended run, for notifier tests; `overrides` replace fields. */
export function sampleNotification(
  overrides: Partial<Omit<RunNotification, 'secret'>> & {
    secrets?: Readonly<Record<string, string>>;
  } = {},
): RunNotification {
  const { secrets = {}, ...rest } = overrides;
  const runId = rest.runId ?? 'run-1';
  const status: RunStatus = rest.status ?? 'failed';
  return {
    runId,
    workflow: 'acme/app/ci',
    status,
    previousStatus: 'running',
    reason: status === 'failed' ? 'job build.compile.go failed: exit code 2' : undefined,
    time: 1_700_000_000_000,
    receivers: [],
    url: `http://localhost:8080/runs/${runId}`,
    failedJob:
      status === 'failed'
        ? {
            path: 'build.compile.go',
            reason: 'exit code 2',
            lastLogLines: ['go: building', 'main.go:3:1: syntax error'],
          }
        : undefined,
    snapshot: {
      runId,
      workflow: rest.workflow ?? 'acme/app/ci',
      workflowVersion: 1,
      status,
      createdAt: 1_699_999_990_000,
      startedAt: 1_699_999_990_000,
      finishedAt: 1_700_000_000_000,
      stages: [],
      lastSeq: 10,
    },
    ...rest,
    secret: (name) => Promise.resolve(secrets[name]),
  } as RunNotification;
}

/** Registers `describe('notifier conformance: <name>')`; `factory` runs once per case. */
export function describeNotifierConformance(name: string, factory: NotifierFactory): void {
  const withNotifier = async (
    body: (target: NotifierUnderTest) => Promise<void>,
  ): Promise<void> => {
    const target = await factory();
    try {
      await body(target);
    } finally {
      await target.notifier.close?.();
      await target.dispose?.();
    }
  };
  const notification = (
    target: NotifierUnderTest,
    overrides: Parameters<typeof sampleNotification>[0] = {},
  ): RunNotification =>
    sampleNotification({
      receivers: [target.receiver],
      ...(target.secrets === undefined ? {} : { secrets: target.secrets }),
      ...overrides,
    });

  describe(`notifier conformance: ${name}`, () => {
    it('one notify delivers once, for a failed and for a succeeded run', async () => {
      await withNotifier(async (target) => {
        await target.notifier.notify(notification(target, { status: 'failed' }));
        expect(await target.delivered()).toBe(1);
        await target.notifier.notify(notification(target, { runId: 'run-2', status: 'succeeded' }));
        expect(await target.delivered()).toBe(2);
      });
    });

    it('rejects when the target fails, so the host can retry', async () => {
      await withNotifier(async (target) => {
        await target.breakTarget();
        await expect(target.notifier.notify(notification(target))).rejects.toBeInstanceOf(Error);
      });
    });

    it('delivers concurrent notifications of different runs, each once', async () => {
      await withNotifier(async (target) => {
        await Promise.all(
          [1, 2, 3, 4].map((n) =>
            target.notifier.notify(notification(target, { runId: `run-${n}` })),
          ),
        );
        expect(await target.delivered()).toBe(4);
      });
    });

    it('close is idempotent', async () => {
      const target = await factory();
      await target.notifier.close?.();
      await target.notifier.close?.();
      await target.dispose?.();
    });
  });
}
