/**
 * The in-process feed of stored engine events, in `seq` order: the run store publishes each
 * batch right after it is committed (appends are serialised, so batches arrive in order across
 * every engine of the process). Live subscriptions (live-feed.ts) and metrics listen here.
 */
import type { EngineEvent } from '@containerops/core';

export type EventListener = (events: readonly EngineEvent[]) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: readonly EngineEvent[]): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(events);
      } catch {
        // A listener's bug must not break the store or other listeners.
      }
    }
  }
}
