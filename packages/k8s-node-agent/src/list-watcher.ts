import type { KubeClient } from './kube-client.js';
import { isStatus } from './kube-client.js';

/** The fields every watched object has. */
export interface KubeObject {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

/** What a {@link ListWatcher} reports. */
export interface ListWatchHandlers<T extends KubeObject> {
  /** A full list (at start and after 410 Gone): every object that exists now. */
  onList(items: T[]): void;
  /** One ADDED/MODIFIED/DELETED event of the watch. */
  onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): void;
  /** A failure that the watcher retries after (for the agent's log). */
  onError?(error: unknown): void;
}

/** Tuning of a {@link ListWatcher}. */
export interface ListWatcherOptions {
  /** Pause after a failed list or watch before the next try (default 1000 ms). */
  retryMs?: number;
  /**
   * Watch from this resourceVersion without listing first (a version kept from before); when the
   * server no longer has it (410 Gone), the watcher lists as usual.
   */
  resumeFrom?: string;
}

interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T & { code?: number; message?: string };
}

/**
 * List, then watch from the list's resourceVersion, the way informers do: when the watch ends
 * (the server closes it after its timeout, or the connection drops) it resumes from the last
 * resourceVersion seen (bookmarks included); when the server answers 410 Gone (that version is
 * compacted away) it lists again and reports the full list. Stops on {@link ListWatcher.stop}.
 */
export class ListWatcher<T extends KubeObject> {
  private readonly abort = new AbortController();
  private resourceVersion: string | undefined;
  private running: Promise<void> | undefined;

  private readonly retryMs: number;

  /**
   * @param path collection path with its query, e.g. `/api/v1/pods?fieldSelector=spec.nodeName%3Dn`
   */
  constructor(
    private readonly client: KubeClient,
    private readonly path: string,
    private readonly handlers: ListWatchHandlers<T>,
    options: ListWatcherOptions = {},
  ) {
    this.retryMs = options.retryMs ?? 1000;
    this.resourceVersion = options.resumeFrom;
  }

  /**
   * Lists once (awaited, so the caller starts from a known state) unless resuming from a known
   * resourceVersion, then watches in the background.
   */
  async start(): Promise<void> {
    if (this.resourceVersion === undefined) await this.list();
    this.running = this.loop();
  }

  /** Ends the watch; resolves when the background loop has ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async list(): Promise<void> {
    const list = await this.client.request<{ metadata: { resourceVersion: string }; items: T[] }>(
      'GET',
      this.path,
    );
    this.resourceVersion = list.metadata.resourceVersion;
    this.handlers.onList(list.items);
  }

  private async loop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        await this.watchOnce();
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (isStatus(error, 410) || (error as { gone?: boolean }).gone === true) {
          this.resourceVersion = undefined; // relist on the next turn
          continue;
        }
        this.handlers.onError?.(error);
        await sleep(this.retryMs, this.abort.signal);
      }
    }
  }

  private async watchOnce(): Promise<void> {
    const separator = this.path.includes('?') ? '&' : '?';
    const query = `watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(this.resourceVersion ?? '')}`;
    const response = await this.client.stream(
      `${this.path}${separator}${query}`,
      this.abort.signal,
    );
    let buffered = '';
    try {
      for await (const chunk of response) {
        buffered += (chunk as Buffer).toString('utf8');
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line !== '') this.handle(JSON.parse(line) as WatchEvent<T>);
        }
      }
    } finally {
      response.destroy();
    }
  }

  private handle(event: WatchEvent<T>): void {
    if (event.type === 'ERROR') {
      // The watch's own error object: 410 Gone means "too old, list again".
      if (event.object.code === 410) {
        this.resourceVersion = undefined;
        throw Object.assign(new Error(event.object.message ?? 'watch expired'), { gone: true });
      }
      throw new Error(`watch error: ${event.object.message ?? JSON.stringify(event.object)}`);
    }
    const version = event.object.metadata?.resourceVersion;
    if (version !== undefined) this.resourceVersion = version;
    if (event.type !== 'BOOKMARK') this.handlers.onEvent(event.type, event.object);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
