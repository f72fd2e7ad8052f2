/**
 * One list-then-watch of a kind of object, kept going: after the watch drops it is resumed from
 * the last `resourceVersion` seen (an event's or a bookmark's), so no change is missed or seen
 * twice; when the server says that version is too old (`410 Gone`, as an ERROR event or as the
 * response), the objects are listed again and the cache replaced. This is what keeps `wait()` a
 * watch and not a poll. Transport-free: the list and watch calls are given, so the logic is
 * unit-tested with scripted sources.
 */

/** A watch event as the API server sends it (`type` ADDED, MODIFIED, DELETED, BOOKMARK, ERROR). */
export interface WatchEvent<T> {
  readonly type: string;
  readonly object: T;
}

/** A running watch request. */
export interface WatchConnection {
  close(): void;
}

/** How to list and watch the objects; both reject with `{ statusCode | code: 410 }` for Gone. */
export interface WatchSource<T> {
  list(): Promise<{ readonly items: readonly T[]; readonly resourceVersion: string }>;
  /**
   * Starts a watch from `resourceVersion`; `onEvent` for each event, `onDone` once when the
   * connection ends (undefined: closed normally, e.g. the server's timeout).
   */
  watch(
    resourceVersion: string,
    onEvent: (event: WatchEvent<T>) => void,
    onDone: (error?: unknown) => void,
  ): Promise<WatchConnection>;
}

/** What the owner of the watch learns. */
export interface WatchListener<T> {
  /** The full set of objects after a (re)list. */
  reset(items: readonly T[]): void;
  /** One change; `type` is ADDED, MODIFIED or DELETED. */
  change(type: string, object: T): void;
  /** The watch failed in a way retrying did not fix for a while (API server down). */
  failing?(error: unknown): void;
}

/** Counters, for tests and the README's figures. */
export interface WatchStats {
  lists: number;
  watches: number;
  resumes: number;
  relists: number;
}

interface Versioned {
  readonly metadata?: { readonly resourceVersion?: string };
}

function isGone(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { statusCode?: unknown; code?: unknown };
  return e.statusCode === 410 || e.code === 410;
}

/** Delay before reconnecting after the `n`-th failure in a row: 0, then 100 ms doubling to 5 s. */
export function reconnectDelayMs(failures: number): number {
  return failures <= 0 ? 0 : Math.min(5_000, 100 * 2 ** (failures - 1));
}

export class ResumableWatch<T extends Versioned> {
  private resourceVersion: string | undefined;
  private connection: WatchConnection | undefined;
  private stopped = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly synced: Promise<void>;
  private resolveSynced!: () => void;
  private rejectSynced!: (error: unknown) => void;

  constructor(
    private readonly source: WatchSource<T>,
    private readonly listener: WatchListener<T>,
    /** Counters to add to; shared across successive watches of one cache. */
    readonly stats: WatchStats = { lists: 0, watches: 0, resumes: 0, relists: 0 },
    private readonly sleep: (ms: number, wake: () => void) => NodeJS.Timeout = (ms, wake) =>
      setTimeout(wake, ms),
  ) {
    this.synced = new Promise<void>((resolve, reject) => {
      this.resolveSynced = resolve;
      this.rejectSynced = reject;
    });
    // Nobody may be waiting for the first sync yet: its failure is reported to later callers.
    this.synced.catch(() => undefined);
  }

  /** Lists, then watches; resolves once the first list is in (rejects if it fails). */
  start(): Promise<void> {
    void this.relist(true);
    return this.synced;
  }

  /** Closes the current watch connection as a network drop would; the watch resumes by itself. */
  interrupt(): void {
    this.connection?.close();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.connection?.close();
  }

  /** The newest resourceVersion seen. */
  get version(): string | undefined {
    return this.resourceVersion;
  }

  private async relist(first: boolean): Promise<void> {
    if (this.stopped) return;
    try {
      this.stats.lists += 1;
      if (!first) this.stats.relists += 1;
      const { items, resourceVersion } = await this.source.list();
      if (this.stopped) return;
      this.resourceVersion = resourceVersion;
      this.listener.reset(items);
      this.resolveSynced();
      await this.connect();
    } catch (error) {
      if (first) this.rejectSynced(error);
      this.retry(error, () => this.relist(false));
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.resourceVersion === undefined) return;
    const from = this.resourceVersion;
    let ended = false;
    const onDone = (error?: unknown): void => {
      if (ended) return;
      ended = true;
      this.connection = undefined;
      if (this.stopped) return;
      if (isGone(error)) {
        void this.relist(false);
        return;
      }
      this.stats.resumes += 1;
      if (error === undefined || error === null) {
        // A normal close (server timeout, interrupt): resume at once from where it ended.
        this.failures = 0;
        void this.connect();
      } else this.retry(error, () => this.connect());
    };
    const onEvent = (event: WatchEvent<T>): void => {
      if (ended || this.stopped) return;
      if (event.type === 'ERROR') {
        // The server's Status object: 410 means our version is too old for it.
        const status = event.object as unknown as { code?: number };
        ended = true;
        this.connection?.close();
        this.connection = undefined;
        if (status.code === 410) void this.relist(false);
        else this.retry(status, () => this.connect());
        return;
      }
      this.failures = 0;
      const version = event.object.metadata?.resourceVersion;
      if (version !== undefined && version !== '') this.resourceVersion = version;
      if (event.type !== 'BOOKMARK') this.listener.change(event.type, event.object);
    };
    try {
      this.stats.watches += 1;
      const connection = await this.source.watch(from, onEvent, onDone);
      if (ended || this.stopped) connection.close();
      else this.connection = connection;
    } catch (error) {
      onDone(error ?? new Error('watch failed'));
    }
  }

  private retry(error: unknown, again: () => Promise<void>): void {
    if (this.stopped) return;
    this.failures += 1;
    if (this.failures >= 5) this.listener.failing?.(error);
    this.timer = this.sleep(reconnectDelayMs(this.failures), () => {
      this.timer = undefined;
      void again();
    });
  }
}
