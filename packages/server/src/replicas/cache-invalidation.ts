/**
 * Makes a write on one replica empty the short-lived caches of the others at once (principals:
 * services/principal-cache.ts; workflow rows and versions: services/workflow-cache.ts), instead
 * of after their one-second bound. Each cache's owner already tells listeners of changes made
 * through it; those are broadcast, and a broadcast received is applied as if the change had been
 * made here (cache emptied, the same listeners told: websocket subscriptions re-check their
 * principals, the trigger host reloads its workflows) without being broadcast again.
 *
 * A message lost while Redis was away is covered by {@link CacheInvalidation.everythingChanged},
 * which the link calls after a reconnect: every cache is emptied, as after a change.
 */
import type { SharedCacheName } from './replica-link.js';

/** How one cache takes part: its owner's change listener and its "changed elsewhere" entry. */
export interface SharedCache {
  /** Registers a listener for changes (made here or applied from elsewhere); returns its removal. */
  readonly onChanged: (listener: () => void) => void;
  /** Applies a change made by another replica (empties the cache, tells the owner's listeners). */
  readonly changedElsewhere: () => void;
}

/** Lifecycle: {@link bind} each cache once at start; then {@link received} for each message. */
export class CacheInvalidation {
  private readonly caches = new Map<SharedCacheName, SharedCache>();
  /** Set while a change from elsewhere is applied: its listeners must not broadcast it back. */
  private applying: SharedCacheName | undefined;

  constructor(private readonly broadcast: (cache: SharedCacheName) => void) {}

  bind(name: SharedCacheName, cache: SharedCache): void {
    this.caches.set(name, cache);
    cache.onChanged(() => {
      if (this.applying !== name) this.broadcast(name);
    });
  }

  /** Another replica changed what `name` caches. Unknown names are ignored (a newer replica). */
  received(name: SharedCacheName): void {
    const cache = this.caches.get(name);
    if (cache === undefined) return;
    this.applying = name;
    try {
      cache.changedElsewhere();
    } finally {
      this.applying = undefined;
    }
  }

  /** Invalidations may have been missed (Redis reconnect): every cache starts over. */
  everythingChanged(): void {
    for (const name of this.caches.keys()) this.received(name);
  }
}
