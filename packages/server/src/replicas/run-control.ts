/**
 * Cancel and approval decisions for a run that another replica drives. The engine that holds a
 * run in memory is the only one that can act on it, so the request is broadcast; the replica
 * whose engine holds the run (live and not ended) applies it and answers the asking replica,
 * the others stay silent. The asker then waits, bounded, for the effect to show among the run's
 * events on its own event bus (the ordered relay brings the other replica's events there), as
 * the run service waits on its local engine otherwise (services/run-settle.ts).
 *
 * The holder's refusal (a stage that is not waiting) comes back with its code and message and
 * is thrown as the same UserError the local engine would throw. No answer within
 * `answerTimeoutMs` means no replica holds the run now (its replica stopped and the lease has
 * not been taken over yet, or Redis is away): an OperationalError the caller may retry.
 */
import { randomBytes } from 'node:crypto';
import { ContainerOpsError, isTerminal, OperationalError, UserError } from '@containerops/core';
import type { EngineEvent, RunSnapshot } from '@containerops/core';
import type { EventBus } from '../services/event-bus.js';
import type { RunControlMessage } from './replica-link.js';

/** Error code: no replica answered for the run. */
export const RUN_NOT_DRIVEN = 'RUN_NOT_DRIVEN';
/** How long the asker waits for the holder's answer by default. */
export const DEFAULT_ANSWER_TIMEOUT_MS = 3_000;

/** What a replica's engines offer for applying a request (the server's EngineHost). */
export interface ControlledEngines {
  liveRun(organization: string, runId: string): RunSnapshot | undefined;
  engineFor(organization: string): {
    cancel(runId: string, reason?: string): boolean;
    decide(
      runId: string,
      stage: string,
      decision: { approved: boolean; by: string; comment?: string },
    ): void;
  };
}

export interface RunControlOptions {
  readonly replicaId: string;
  readonly engines: ControlledEngines;
  /** Broadcasts to every replica (the link's `publishControl`). */
  readonly send: (message: RunControlMessage) => void;
  /** This replica's bus, where every replica's events arrive in seq order. */
  readonly bus: EventBus;
  readonly answerTimeoutMs?: number;
}

type Request = Extract<RunControlMessage, { type: 'cancel' | 'decide' }>;
type Answer = Extract<RunControlMessage, { type: 'answer' }>;

/**
 * Lifecycle: construct once per replica, pass every received control message to
 * {@link received}; {@link cancel} and {@link decide} may run concurrently (each has its own
 * request id). {@link close} rejects nothing: pending requests resolve at their timeouts.
 */
export class RunControl {
  private readonly waiting = new Map<string, (answer: Answer) => void>();
  private readonly answerTimeoutMs: number;

  constructor(private readonly options: RunControlOptions) {
    this.answerTimeoutMs = options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
  }

  /**
   * Cancels a run driven elsewhere; resolves once a terminal event of the run arrived or
   * `settleMs` passed. Throws {@link RUN_NOT_DRIVEN} when no replica holds the run.
   */
  cancel(
    organization: string,
    runId: string,
    reason: string | undefined,
    settleMs: number,
  ): Promise<void> {
    return this.ask(
      {
        type: 'cancel',
        organization,
        runId,
        ...(reason === undefined ? {} : { reason }),
      },
      (e) => e.runId === runId && e.scope === 'run' && isTerminal(e.status as never),
      settleMs,
    );
  }

  /**
   * Decides a pause stage of a run driven elsewhere; resolves once the stage no longer waits
   * (or the run ended) or `settleMs` passed. Throws the holder's refusal, or {@link RUN_NOT_DRIVEN}.
   */
  decide(
    organization: string,
    runId: string,
    stage: string,
    decision: { approved: boolean; by: string; comment?: string },
    settleMs: number,
  ): Promise<void> {
    return this.ask(
      {
        type: 'decide',
        organization,
        runId,
        stage,
        approved: decision.approved,
        by: decision.by,
        ...(decision.comment === undefined ? {} : { comment: decision.comment }),
      },
      (e) =>
        e.runId === runId &&
        ((e.scope === 'stage' && e.path === stage && e.status !== 'waiting') ||
          (e.scope === 'run' && isTerminal(e.status as never))),
      settleMs,
    );
  }

  /** A control message from another replica: apply a request for a run held here, or take an answer. */
  received(message: RunControlMessage): void {
    if (message.type === 'answer') {
      if (message.to === this.options.replicaId) this.waiting.get(message.requestId)?.(message);
      return;
    }
    const live = this.options.engines.liveRun(message.organization, message.runId);
    if (live === undefined || isTerminal(live.status)) return; // not ours to answer
    let error: Answer['error'];
    try {
      const engine = this.options.engines.engineFor(message.organization);
      if (message.type === 'cancel') engine.cancel(message.runId, message.reason);
      else
        engine.decide(message.runId, message.stage, {
          approved: message.approved,
          by: message.by,
          ...(message.comment === undefined ? {} : { comment: message.comment }),
        });
    } catch (e) {
      error =
        e instanceof ContainerOpsError
          ? { code: e.code, message: e.message }
          : { code: 'UNEXPECTED', message: String(e) };
    }
    this.options.send({
      type: 'answer',
      requestId: message.requestId,
      to: message.replyTo,
      ...(error === undefined ? {} : { error }),
    });
  }

  private async ask(
    request: DistributiveOmit<Request, 'requestId' | 'replyTo'>,
    effect: (event: EngineEvent) => boolean,
    settleMs: number,
  ): Promise<void> {
    const requestId = randomBytes(8).toString('hex');
    const started = Date.now();
    // Listening before asking: the effect may reach the bus before the answer does.
    let seen = false;
    let onSeen = (): void => undefined;
    const stop = this.options.bus.subscribe((events) => {
      if (!seen && events.some(effect)) {
        seen = true;
        onSeen();
      }
    });
    try {
      const answer = await new Promise<Answer | undefined>((resolve) => {
        const timer = setTimeout(
          () => resolve(undefined),
          Math.min(this.answerTimeoutMs, settleMs),
        );
        timer.unref();
        this.waiting.set(requestId, (a) => {
          clearTimeout(timer);
          resolve(a);
        });
        this.options.send({ ...request, requestId, replyTo: this.options.replicaId } as Request);
      });
      if (answer === undefined) {
        throw new OperationalError(
          RUN_NOT_DRIVEN,
          `no server replica is driving run ${request.runId} right now (a replica that stopped ` +
            'has its runs taken over once its lease expires); try again shortly',
        );
      }
      if (answer.error !== undefined) throw new UserError(answer.error.code, answer.error.message);
      if (seen) return;
      const left = settleMs - (Date.now() - started);
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        timer.unref();
        onSeen = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    } finally {
      this.waiting.delete(requestId);
      stop();
    }
  }
}

/** `Omit` applied to each member of a union (plain `Omit` merges the members). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
