/**
 * Keeps this replica's claims on its runs alive and takes over the runs of replicas that died
 * (issue 13). Two timers:
 *
 * - heartbeat (every TTL/3): claims the runs started here whose first claim failed, renews all of
 *   this replica's claims in one statement, and checks that every run it drives is still its
 *   own. A run that is not was taken over by another replica (this one missed its heartbeats for
 *   a whole TTL: paused, or cut off from the database). Two replicas must never drive one run,
 *   so `onLost` is called, and the server exits (as Kubernetes' controller managers do when they
 *   lose their leader lease): its jobs go on in the orchestrator, where the new owner re-attached
 *   them.
 * - takeover (every TTL/2, and once at start): claims expired and orphaned runs
 *   (`RunLeases.takeOver`) and resumes them through the engine host, which re-attaches their
 *   running jobs by the orchestrator's labels (`Engine.recover`).
 *
 * On a graceful stop the claims are handed over (expired at once), so another replica resumes
 * the runs this one left to the next start without waiting out the TTL.
 */
import type { ServerLogger } from '../logger.js';

const why = (error: unknown): string => (error instanceof Error ? error.message : String(error));
import type { EngineHost } from '../engine-host/engine-host.js';
import type { RunLeases } from './run-leases.js';

export interface LeaseKeeperOptions {
  readonly leases: RunLeases;
  /** The engine host (bound late: it is created after the keeper). */
  readonly host: Pick<EngineHost, 'drives' | 'recoverRuns'>;
  readonly log: ServerLogger;
  /** Runs this replica drove were taken over by another: it must stop at once. */
  readonly onLost: (runIds: readonly string[]) => void;
}

export class LeaseKeeper {
  /** Runs started here whose claim is not stored yet (retried by every heartbeat). */
  private readonly unclaimed = new Map<string, string>();
  /** Runs whose claim was stored at least once: only these can be "lost". */
  private readonly claimed = new Set<string>();
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private takeoverTimer: ReturnType<typeof setInterval> | undefined;
  private beating: Promise<void> | undefined;
  private takingOver: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: LeaseKeeperOptions) {}

  /** Starts both timers and runs a first takeover now (the runs left by a dead replica). */
  async start(): Promise<void> {
    const ttl = this.options.leases.ttlMs;
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), Math.max(200, ttl / 3));
    this.takeoverTimer = setInterval(() => void this.takeOver(), Math.max(300, ttl / 2));
    this.heartbeatTimer.unref();
    this.takeoverTimer.unref();
    await this.takeOver();
  }

  /** A run this replica started: claimed now (and again by the heartbeat if that fails). */
  runStarted(runId: string, organization: string): void {
    this.unclaimed.set(runId, organization);
    void this.claim(runId, organization);
  }

  /** A run this replica drove ended: its claim goes. */
  runEnded(runId: string): Promise<void> {
    this.unclaimed.delete(runId);
    this.claimed.delete(runId);
    return this.options.leases.release(runId).catch((error: unknown) => {
      // Harmless: `pruneEnded` removes claims of ended runs.
      this.options.log.warn(`could not release the claim on run ${runId}: ${why(error)}`);
    });
  }

  /** Stops the timers; with `handOver`, expires this replica's claims for another to take. */
  async stop(handOver: boolean): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.takeoverTimer);
    await Promise.allSettled([this.beating, this.takingOver]);
    if (handOver) {
      await this.options.leases.handOver().catch((error: unknown) => {
        this.options.log.warn(
          `could not hand over the run claims (they expire by themselves): ${why(error)}`,
        );
      });
    }
  }

  /** One heartbeat (exposed for tests); concurrent calls share one. */
  heartbeat(): Promise<void> {
    this.beating ??= this.beat().finally(() => (this.beating = undefined));
    return this.beating;
  }

  /** One takeover pass (exposed for tests); concurrent calls share one. */
  takeOver(): Promise<void> {
    this.takingOver ??= this.takeOverNow().finally(() => (this.takingOver = undefined));
    return this.takingOver;
  }

  private async claim(runId: string, organization: string): Promise<void> {
    try {
      await this.options.leases.claimNew(runId, organization);
      if (this.unclaimed.delete(runId)) this.claimed.add(runId);
    } catch (error) {
      this.options.log.warn(
        `could not claim run ${runId} yet (retried at the next heartbeat): ${why(error)}`,
      );
    }
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    try {
      for (const [runId, organization] of [...this.unclaimed])
        await this.claim(runId, organization);
      await this.options.leases.renew();
      const driven = [...this.claimed].filter((runId) => this.options.host.drives(runId));
      const lost = driven.length === 0 ? [] : await this.options.leases.takenFrom(driven);
      if (lost.length > 0 && !this.stopped) {
        this.options.log.error(
          `${lost.length} run(s) this replica drives were taken over by another replica ` +
            `(it missed its heartbeats for ${this.options.leases.ttlMs} ms): ${lost.join(', ')}`,
        );
        this.options.onLost(lost);
      }
    } catch (error) {
      this.options.log.warn(`lease heartbeat failed (retried): ${why(error)}`);
    }
  }

  private async takeOverNow(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.options.leases.pruneEnded();
      const won = await this.options.leases.takeOver();
      if (won.length === 0) return;
      for (const run of won) this.claimed.add(run.runId);
      const resumed = await this.options.host.recoverRuns(won);
      this.options.log.info(
        `took over ${won.length} run(s) from replicas that stopped renewing their claims; ` +
          `resumed ${resumed.length}`,
      );
    } catch (error) {
      this.options.log.warn(`run takeover failed (retried): ${why(error)}`);
    }
  }
}
