/**
 * The Redis pub/sub link between the server replicas of one deployment: one publishing and one
 * subscribed connection (a subscribed Redis connection can do nothing else), three channels under
 * the deployment's namespace (namespace.ts), each message tagged with the sending replica's id so
 * a replica ignores its own.
 *
 * Redis is only a doorbell: pub/sub keeps nothing for a connection that is down. What must not be
 * lost (committed engine events) is in the database, and receivers read it there after a gap or a
 * reconnect (ordered-relay.ts); what is lost otherwise is made harmless: after a reconnect every
 * replica empties its caches ({@link ReplicaLinkHandlers.onResubscribed}) and a run-control request
 * that got no answer fails for its caller (run-control.ts).
 */
import { Redis } from 'ioredis';
import { OperationalError } from '@containerops/core';
import type { EngineEvent } from '@containerops/core';
import { replicaId } from './replica-id.js';

/** A cache whose entries another replica's write makes stale (cache-invalidation.ts). */
export type SharedCacheName = 'principals' | 'workflows';

/** A request to whichever replica drives a run (run-control.ts), or that replica's answer. */
export type RunControlMessage =
  | {
      readonly type: 'cancel';
      readonly requestId: string;
      /** The asking replica's id (the answer goes to it). */
      readonly replyTo: string;
      readonly organization: string;
      readonly runId: string;
      readonly reason?: string;
    }
  | {
      readonly type: 'decide';
      readonly requestId: string;
      readonly replyTo: string;
      readonly organization: string;
      readonly runId: string;
      readonly stage: string;
      readonly approved: boolean;
      readonly by: string;
      readonly comment?: string;
    }
  | {
      readonly type: 'answer';
      readonly requestId: string;
      /** The replica that asked: only it reads the answer. */
      readonly to: string;
      /** Absent when applied; else the refusal's code and message (e.g. STAGE_NOT_WAITING). */
      readonly error?: { readonly code: string; readonly message: string };
    };

/**
 * What a link delivers. Called synchronously from the subscriber's message handler, never for the
 * replica's own messages; a handler that throws is logged and the link goes on.
 */
export interface ReplicaLinkHandlers {
  /** Committed events (or live-only events) of another replica, as that replica published them. */
  readonly onEvents: (events: readonly EngineEvent[]) => void;
  /**
   * Another replica committed events up to `throughSeq` that were too large to send
   * ({@link MAX_EVENTS_MESSAGE_CHARS}): read them from the store.
   */
  readonly onCommittedThrough: (throughSeq: number) => void;
  readonly onInvalidate: (cache: SharedCacheName) => void;
  readonly onControl: (message: RunControlMessage) => void;
  /**
   * The subscriber connection came back after a drop and is subscribed again: whatever was
   * published meanwhile was not received (read the store, empty the caches).
   */
  readonly onResubscribed: () => void;
}

export interface ReplicaLinkOptions {
  /** `redis://` or `rediss://` URL (config `redisUrl`). */
  readonly url: string;
  /** Prefix of every channel: one per deployment (see namespace.ts). */
  readonly namespace: string;
  /** This replica's id (default: a new one from replica-id.ts). */
  readonly replicaId?: string;
  readonly handlers: ReplicaLinkHandlers;
  /** Told of connection errors (once per drop, not once per reconnect attempt). */
  readonly log?: { warn(message: string): void; error(message: string, error?: unknown): void };
  /** How long {@link ReplicaLink.open} waits for Redis. Default 10 s. */
  readonly connectTimeoutMs?: number;
}

const CONNECT_TIMEOUT_MS = 10_000;
/**
 * Above this (JSON characters) a batch is announced by its last seq only and read from the
 * store: Redis buffers every message once per subscriber, and disconnects a subscriber whose
 * buffer passes its pub/sub limit (32 MB by default).
 */
export const MAX_EVENTS_MESSAGE_CHARS = 256 * 1024;
/** Reconnect delays grow to this and stay there while Redis is down. */
const MAX_RECONNECT_DELAY_MS = 2_000;

type Envelope =
  | { readonly from: string; readonly kind: 'events'; readonly events: readonly EngineEvent[] }
  | { readonly from: string; readonly kind: 'committed'; readonly throughSeq: number }
  | { readonly from: string; readonly kind: 'invalidate'; readonly cache: SharedCacheName }
  | { readonly from: string; readonly kind: 'control'; readonly message: RunControlMessage };

/**
 * Lifecycle: {@link open} (once; rejects when Redis does not answer in time), then any number of
 * `publish*` calls from any code path (they never throw and never wait for Redis: a message that
 * cannot be sent is dropped, and the receivers' recovery described above covers it), then
 * {@link close} (idempotent). Handlers are called only between open and close.
 */
export class ReplicaLink {
  readonly replicaId: string;
  private readonly channels: { events: string; caches: string; control: string };
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private closed = false;
  private subscribedOnce = false;
  /** A drop was reported and the link has not been back since (one warning per drop). */
  private down = false;

  private constructor(private readonly options: ReplicaLinkOptions) {
    this.replicaId = options.replicaId ?? replicaId();
    const ns = options.namespace;
    this.channels = { events: `${ns}:events`, caches: `${ns}:caches`, control: `${ns}:control` };
    const common = {
      lazyConnect: true,
      connectionName: `containerops-${this.replicaId}`,
      retryStrategy: (times: number) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS),
    };
    // No offline queue: a message that cannot go now is dropped rather than piled up in memory
    // for a Redis that may stay away (receivers recover from the database and by emptying caches).
    this.publisher = new Redis(options.url, { ...common, enableOfflineQueue: false });
    this.subscriber = new Redis(options.url, { ...common, autoResubscribe: false });
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error: Error) => this.dropped(error));
    }
    // The publisher has nothing to catch up: being able to send again is all.
    this.publisher.on('ready', () => (this.down = false));
    this.subscriber.on('message', (channel: string, text: string) => this.received(channel, text));
    this.subscriber.on('ready', () => {
      if (this.subscribedOnce && !this.closed) void this.resubscribe();
    });
  }

  /** Connects both connections and subscribes; rejects (and closes) when Redis does not answer. */
  static async open(options: ReplicaLinkOptions): Promise<ReplicaLink> {
    const link = new ReplicaLink(options);
    const timeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        (async () => {
          await Promise.all([link.publisher.connect(), link.subscriber.connect()]);
          await link.subscriber.subscribe(...link.channelList());
          link.subscribedOnce = true;
        })(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      return link;
    } catch (error) {
      await link.close();
      throw new OperationalError(
        'REDIS_UNREACHABLE',
        `replicas: many: Redis at ${redactUrl(options.url)} is not reachable ` +
          `(${(error as Error).message}); start it or fix redisUrl / CONTAINEROPS_REDIS_URL`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends committed (or live-only) events to the other replicas. */
  publishEvents(events: readonly EngineEvent[]): void {
    if (events.length === 0 || this.closed) return;
    const text = JSON.stringify({ from: this.replicaId, kind: 'events', events });
    if (text.length <= MAX_EVENTS_MESSAGE_CHARS || events.some((e) => e.liveOnly === true)) {
      this.sendText(this.channels.events, text);
      return;
    }
    // Too large to push through every subscriber's buffer: only say how far the store now goes
    // (a batch of stored events: live-only events travel one per message).
    this.send(this.channels.events, {
      from: this.replicaId,
      kind: 'committed',
      throughSeq: events[events.length - 1]!.seq,
    });
  }

  /** Tells the other replicas that their entries of `cache` may be stale. */
  publishInvalidation(cache: SharedCacheName): void {
    this.send(this.channels.caches, { from: this.replicaId, kind: 'invalidate', cache });
  }

  /** Sends a run-control request or answer to the other replicas (run-control.ts). */
  publishControl(message: RunControlMessage): void {
    this.send(this.channels.control, { from: this.replicaId, kind: 'control', message });
  }

  /** Closes both connections. Idempotent; handlers are not called afterwards. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      // `disconnect` rather than `quit`: quit waits for a Redis that may be unreachable, and
      // what was published is sent already (publish has no offline queue to drain).
      this.publisher.disconnect();
      this.subscriber.disconnect();
    }
    return Promise.resolve();
  }

  private channelList(): string[] {
    return [this.channels.events, this.channels.caches, this.channels.control];
  }

  private send(channel: string, envelope: Envelope): void {
    this.sendText(channel, JSON.stringify(envelope));
  }

  private sendText(channel: string, text: string): void {
    if (this.closed) return;
    this.publisher.publish(channel, text).catch((error: unknown) => {
      this.dropped(error as Error);
    });
  }

  private received(channel: string, text: string): void {
    if (this.closed) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return; // not ours: another program publishing on our channel names
    }
    if (envelope.from === this.replicaId) return;
    const { handlers } = this.options;
    try {
      if (channel === this.channels.events && envelope.kind === 'events')
        handlers.onEvents(envelope.events);
      else if (channel === this.channels.events && envelope.kind === 'committed')
        handlers.onCommittedThrough(envelope.throughSeq);
      else if (channel === this.channels.caches && envelope.kind === 'invalidate')
        handlers.onInvalidate(envelope.cache);
      else if (channel === this.channels.control && envelope.kind === 'control')
        handlers.onControl(envelope.message);
    } catch (error) {
      this.options.log?.error(`replica link: handling a ${envelope.kind} message failed`, error);
    }
  }

  /**
   * After a reconnect: subscribe again ourselves (not ioredis' autoResubscribe, which gives no
   * signal once the subscription is effective), then tell the handler, which catches up.
   */
  private async resubscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(...this.channelList());
    } catch (error) {
      this.dropped(error as Error);
      return; // the next `ready` tries again
    }
    if (this.closed) return;
    if (this.down) this.options.log?.warn('replica link: Redis is back; catching up');
    this.down = false;
    this.options.handlers.onResubscribed();
  }

  private dropped(error: Error): void {
    if (this.closed || this.down) return;
    this.down = true;
    this.options.log?.warn(
      `replica link: Redis at ${redactUrl(this.options.url)}: ${error.message}; reconnecting ` +
        '(live events catch up from the database)',
    );
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redisUrl';
  }
}
