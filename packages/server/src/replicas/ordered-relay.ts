/**
 * Puts the committed event batches of every replica onto this replica's event bus strictly in
 * `seq` order, each event once: what live feeds (services/live-feed.ts) assume of the bus.
 *
 * `seq` is store-wide and shared by the replicas (stores/typeorm-run-store.ts), so this
 * replica's own commits and the batches other replicas announce over Redis interleave, and a
 * Redis message can be late or lost. The rule: a batch that starts at the next expected seq goes
 * out at once; one further ahead waits (bounded) while the missing numbers are read from the
 * store, the source of truth; events at or below the last published seq are dropped as
 * duplicates. The store is also read after a Redis reconnect ({@link OrderedRelay.catchUp}) and
 * periodically, one bounded read per period, as a safety net for a message lost with no later
 * one to reveal the gap.
 *
 * A seq missing from the store while later ones are there belongs to a transaction that has not
 * committed yet (replicas number events one past the highest committed, and a racing insert
 * fails on the primary key), so it is waited for; if it never appears (a backend that lets a
 * lower number commit late, or a rollback) it is skipped after `holeTimeoutMs`, with a warning,
 * rather than stopping every live feed.
 *
 * Live-only events (fan-out instance transitions, `EngineEvent.liveOnly`) are not stored and
 * their `seq` is not unique: they pass straight through, in arrival order.
 */
import type { EngineEvent } from '@containerops/core';

export interface OrderedRelayOptions {
  /** Stored events with seq > `afterSeq`, ascending, at most `limit` (the run store's `readEvents`). */
  readonly read: (afterSeq: number, limit: number) => Promise<readonly EngineEvent[]>;
  /** Where ordered batches go (the event bus). Must not throw. */
  readonly publish: (events: readonly EngineEvent[]) => void;
  /** The last seq already delivered: events at or below it are dropped (usually the store's highest at start). */
  readonly afterSeq: number;
  /** How long a batch that left a gap waits for the missing batch (over Redis) before the store is read. Default 50 ms. */
  readonly gapWaitMs?: number;
  /** How long a seq missing from the store while later ones are stored is waited for. Default 2 s. */
  readonly holeTimeoutMs?: number;
  /** Period of the safety-net read of the store. Default 2 s; 0 turns it off (tests). */
  readonly sweepMs?: number;
  /** Events per store read. Default 1000. */
  readonly pageSize?: number;
  readonly log?: { warn(message: string): void; error(message: string, error?: unknown): void };
}

/** Batches held ahead of a gap at most (see `hold`). */
const MAX_HELD_BATCHES = 10_000;

interface Waiting {
  readonly first: number;
  readonly events: readonly EngineEvent[];
}

/**
 * Lifecycle: construct, {@link offer} any number of batches in any order from any source (own
 * commits, other replicas' messages), {@link catchUp} after a reconnect, {@link close} once
 * (idempotent; later offers are ignored). Single-threaded by nature (Node): offers made while a
 * store read is in flight are held and merged when it returns.
 */
export class OrderedRelay {
  private last: number;
  /** Batches ahead of {@link last}, sorted by first seq. */
  private waiting: Waiting[] = [];
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly sweepTimer: ReturnType<typeof setInterval> | undefined;
  /** The seq the store lacks while later ones are stored, and since when. */
  private hole: { seq: number; since: number } | undefined;
  private closed = false;
  private readonly gapWaitMs: number;
  private readonly holeTimeoutMs: number;
  private readonly pageSize: number;
  /** Counters for tests and diagnostics. */
  readonly stats = {
    published: 0,
    /** Batches that arrived ahead of a gap and waited. */
    held: 0,
    fromStore: 0,
    duplicates: 0,
    storeReads: 0,
    skipped: 0,
  };

  constructor(private readonly options: OrderedRelayOptions) {
    this.last = options.afterSeq;
    this.gapWaitMs = options.gapWaitMs ?? 50;
    this.holeTimeoutMs = options.holeTimeoutMs ?? 2_000;
    this.pageSize = options.pageSize ?? 1000;
    const sweepMs = options.sweepMs ?? 2_000;
    if (sweepMs > 0) {
      this.sweepTimer = setInterval(() => this.readStore(), sweepMs);
      this.sweepTimer.unref();
    }
  }

  /** The highest seq published so far. */
  get lastSeq(): number {
    return this.last;
  }

  /** A committed batch (consecutive seqs, as the store numbers them) or live-only events. */
  offer(events: readonly EngineEvent[]): void {
    if (this.closed || events.length === 0) return;
    const stored: EngineEvent[] = [];
    for (const event of events) {
      if (event.liveOnly === true) this.publish([event]);
      else stored.push(event);
    }
    if (stored.length === 0) return;
    const fresh = this.trim(stored);
    if (fresh.length === 0) return;
    if (fresh[0]!.seq === this.last + 1) {
      this.emit(fresh);
      this.drain();
    } else {
      this.hold(fresh);
    }
    if (this.waiting.length > 0) this.scheduleGapRead();
  }

  /** Events up to `throughSeq` are committed (announced without them): read them from the store. */
  committedThrough(throughSeq: number): void {
    if (throughSeq > this.last) this.readStore();
  }

  /** Reads the store now (after a reconnect: messages may have been missed). */
  catchUp(): void {
    this.readStore();
  }

  /** Resolves once no store read is in flight (tests). */
  async settled(): Promise<void> {
    while (this.reading !== undefined) await this.reading;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweepTimer);
    clearTimeout(this.gapTimer);
    this.waiting = [];
  }

  /** Drops what was already published (counted as duplicates). */
  private trim(events: readonly EngineEvent[]): readonly EngineEvent[] {
    if (events[events.length - 1]!.seq <= this.last) {
      this.stats.duplicates += events.length;
      return [];
    }
    if (events[0]!.seq > this.last) return events;
    const fresh = events.filter((e) => e.seq > this.last);
    this.stats.duplicates += events.length - fresh.length;
    return fresh;
  }

  private hold(events: readonly EngineEvent[]): void {
    this.stats.held++;
    const first = events[0]!.seq;
    // A batch is announced once per source; the same batch from two sources (own commit and a
    // read of the store) is caught by `trim` when it comes up.
    let at = this.waiting.findIndex((w) => w.first > first);
    if (at === -1) at = this.waiting.length;
    this.waiting.splice(at, 0, { first, events });
    // Bounded memory while the gap cannot be filled (store unreachable): the furthest batches
    // go; they are in the store, and the reads that fill the gap will bring them back.
    if (this.waiting.length > MAX_HELD_BATCHES) this.waiting.length = MAX_HELD_BATCHES;
  }

  /** Publishes every held batch that has become next in line. */
  private drain(): void {
    while (this.waiting.length > 0 && this.waiting[0]!.first <= this.last + 1) {
      const fresh = this.trim(this.waiting.shift()!.events);
      if (fresh.length > 0) this.emit(fresh);
    }
  }

  private emit(events: readonly EngineEvent[]): void {
    this.last = events[events.length - 1]!.seq;
    this.hole = undefined;
    this.stats.published += events.length;
    this.publish(events);
  }

  private publish(events: readonly EngineEvent[]): void {
    try {
      this.options.publish(events);
    } catch (error) {
      this.options.log?.error('event relay: publishing failed', error);
    }
  }

  /** The missing batch usually arrives over Redis within a moment; read the store if not. */
  private scheduleGapRead(): void {
    if (this.gapTimer !== undefined || this.closed) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      if (this.waiting.length > 0) this.readStore();
    }, this.gapWaitMs);
    this.gapTimer.unref();
  }

  private readStore(): void {
    if (this.closed) return;
    if (this.reading !== undefined) {
      this.readAgain = true;
      return;
    }
    this.reading = this.readLoop()
      .catch((error: unknown) => {
        this.options.log?.error('event relay: reading the store failed (retrying)', error);
        this.readAgain = false;
        // Held batches still need their gap filled; the sweep would too, but later.
        if (this.waiting.length > 0) this.scheduleGapRead();
      })
      .finally(() => {
        this.reading = undefined;
        if (this.readAgain && !this.closed) {
          this.readAgain = false;
          this.readStore();
        }
      });
  }

  /**
   * Reads pages after {@link last} until the store has no more (at most 10 pages per call, so a
   * far-behind relay does not hold one read forever; the next call goes on).
   */
  private async readLoop(): Promise<void> {
    for (let pages = 0; pages < 10 && !this.closed; pages++) {
      this.stats.storeReads++;
      const page = await this.options.read(this.last, this.pageSize);
      if (this.closed) return;
      const run: EngineEvent[] = [];
      let next = this.last + 1;
      let holeAt: number | undefined;
      for (const event of page) {
        if (event.seq < next) continue;
        if (event.seq !== next) {
          holeAt = event.seq;
          break;
        }
        run.push(event);
        next++;
      }
      if (run.length > 0) {
        this.stats.fromStore += run.length;
        this.emit(run);
        this.drain();
      }
      if (holeAt !== undefined) {
        const now = Date.now();
        if (this.hole?.seq !== this.last + 1) this.hole = { seq: this.last + 1, since: now };
        if (now - this.hole.since < this.holeTimeoutMs) {
          this.readAgainLater();
          return;
        }
        this.options.log?.warn(
          `event relay: events ${this.last + 1}..${holeAt - 1} never appeared in the store; skipping them`,
        );
        this.stats.skipped += holeAt - this.last - 1;
        this.last = holeAt - 1;
        this.hole = undefined;
        this.drain();
        continue;
      }
      if (page.length < this.pageSize) break;
    }
    // Batches that arrived during the read and are still ahead: read again shortly.
    if (this.waiting.length > 0) this.readAgainLater();
  }

  private readAgainLater(): void {
    if (this.gapTimer !== undefined || this.closed) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      this.readStore();
    }, this.gapWaitMs);
    this.gapTimer.unref();
  }
}
