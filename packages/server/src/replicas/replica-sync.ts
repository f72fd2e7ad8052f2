/**
 * What one replica of a `replicas: many` deployment adds to a single server, over its Redis link
 * (replica-link.ts): every replica's committed events on this replica's event bus in seq order
 * (ordered-relay.ts), its live-only events on the others' buses, cache invalidations
 * (cache-invalidation.ts) and run control (run-control.ts). start-server.ts creates it only in
 * `many` mode; in `one` mode the run store publishes on the bus directly, as before.
 */
import type { EngineEvent, EventQuery } from '@containerops/core';
import type { Database } from '../db/database.js';
import type { EventBus } from '../services/event-bus.js';
import { CacheInvalidation } from './cache-invalidation.js';
import { replicaNamespace } from './namespace.js';
import { OrderedRelay } from './ordered-relay.js';
import type { OrderedRelayOptions } from './ordered-relay.js';
import { ReplicaLink } from './replica-link.js';
import { RunControl } from './run-control.js';
import type { ControlledEngines } from './run-control.js';

export interface ReplicaSyncOptions {
  readonly redisUrl: string;
  readonly db: Database;
  /** The run store: the relay's source of truth. */
  readonly store: {
    readEvents(query: EventQuery): Promise<readonly EngineEvent[]>;
    currentSeq(): Promise<number>;
  };
  /** The bus live feeds follow: every replica's events arrive there, in seq order. */
  readonly bus: EventBus;
  /** This replica's id on the link (default: host, pid and a random suffix). */
  readonly replicaId?: string;
  /** The channel prefix (default: derived from the database, see namespace.ts). */
  readonly namespace?: string;
  readonly log?: { warn(message: string): void; error(message: string, error?: unknown): void };
  /** Tuning of the relay (tests shorten or disable its periodic read). */
  readonly relay?: Pick<
    OrderedRelayOptions,
    'gapWaitMs' | 'holeTimeoutMs' | 'sweepMs' | 'pageSize'
  >;
  /** How long run control waits for the holder's answer (run-control.ts). */
  readonly answerTimeoutMs?: number;
}

/**
 * Lifecycle: {@link start} (rejects when Redis is unreachable), {@link attachEngines} once the
 * engine host exists (control requests for runs arriving before are not for this replica: it
 * holds none yet), {@link committed} for each batch this replica's store commits and
 * {@link live} for each live-only event of its engines, {@link close} at shutdown (idempotent).
 */
export class ReplicaSync {
  readonly caches: CacheInvalidation;
  private controlOf: RunControl | undefined;

  private constructor(
    private readonly options: ReplicaSyncOptions,
    private readonly relay: OrderedRelay,
    private readonly link: ReplicaLink,
  ) {
    this.caches = new CacheInvalidation((cache) => link.publishInvalidation(cache));
  }

  static async start(options: ReplicaSyncOptions): Promise<ReplicaSync> {
    // The relay starts after what is stored now; anything committed elsewhere between this read
    // and the subscription is found by the relay's next store read (gap or period).
    const relay = new OrderedRelay({
      ...options.relay,
      read: (afterSeq, limit) => options.store.readEvents({ afterSeq, limit }),
      publish: (events) => options.bus.publish(events),
      afterSeq: await options.store.currentSeq(),
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    let sync: ReplicaSync | undefined;
    try {
      const link = await ReplicaLink.open({
        url: options.redisUrl,
        namespace: options.namespace ?? (await replicaNamespace(options.db)),
        ...(options.replicaId === undefined ? {} : { replicaId: options.replicaId }),
        ...(options.log === undefined ? {} : { log: options.log }),
        handlers: {
          onEvents: (events) => relay.offer(events),
          onCommittedThrough: (throughSeq) => relay.committedThrough(throughSeq),
          onInvalidate: (cache) => sync?.caches.received(cache),
          onControl: (message) => sync?.controlOf?.received(message),
          onResubscribed: () => {
            relay.catchUp();
            sync?.caches.everythingChanged();
          },
        },
      });
      sync = new ReplicaSync(options, relay, link);
      return sync;
    } catch (error) {
      relay.close();
      throw error;
    }
  }

  get replicaId(): string {
    return this.link.replicaId;
  }

  /** The relay's highest published seq (tests, diagnostics). */
  get relayedSeq(): number {
    return this.relay.lastSeq;
  }

  /**
   * "Now" for live feeds and run lists on this replica: the highest seq its bus has published
   * (every event at or below it was delivered; everything later will be). The run store's own
   * counter only advances with this replica's commits.
   */
  currentSeq(): Promise<number> {
    return Promise.resolve(this.relay.lastSeq);
  }

  /** Counters of the relay (tests, diagnostics). */
  get relayStats(): OrderedRelay['stats'] {
    return this.relay.stats;
  }

  /** Run control across replicas; available once {@link attachEngines} was called. */
  get control(): RunControl | undefined {
    return this.controlOf;
  }

  attachEngines(engines: ControlledEngines): RunControl {
    this.controlOf = new RunControl({
      replicaId: this.link.replicaId,
      engines,
      send: (message) => this.link.publishControl(message),
      bus: this.options.bus,
      ...(this.options.answerTimeoutMs === undefined
        ? {}
        : { answerTimeoutMs: this.options.answerTimeoutMs }),
    });
    return this.controlOf;
  }

  /** A batch this replica's store committed: onto the local bus (in order) and to the others. */
  committed(events: readonly EngineEvent[]): void {
    this.relay.offer(events);
    this.link.publishEvents(events);
  }

  /** A live-only event of this replica's engines: onto the local bus and to the others. */
  live(event: EngineEvent): void {
    this.relay.offer([event]);
    this.link.publishEvents([event]);
  }

  async close(): Promise<void> {
    this.relay.close();
    await this.link.close();
  }
}
