import { describe, expect, it } from 'vitest';
import { CacheInvalidation } from './cache-invalidation.js';
import type { SharedCacheName } from './replica-link.js';

/** A cache owner as the services are: listeners told after changes made here or applied. */
function owner() {
  const listeners: (() => void)[] = [];
  const state = { cleared: 0 };
  const changed = (): void => {
    state.cleared++;
    for (const listener of listeners) listener();
  };
  return {
    state,
    changedHere: changed,
    cache: { onChanged: (l: () => void) => void listeners.push(l), changedElsewhere: changed },
  };
}

describe('CacheInvalidation', () => {
  it('broadcasts a change made here, and applies one from elsewhere without sending it back', () => {
    const sent: SharedCacheName[] = [];
    const caches = new CacheInvalidation((name) => sent.push(name));
    const principals = owner();
    const workflows = owner();
    caches.bind('principals', principals.cache);
    caches.bind('workflows', workflows.cache);

    principals.changedHere();
    expect(sent).toEqual(['principals']);

    caches.received('workflows');
    expect(workflows.state.cleared).toBe(1);
    expect(sent).toEqual(['principals']); // not echoed

    caches.everythingChanged(); // after a reconnect
    expect([principals.state.cleared, workflows.state.cleared]).toEqual([2, 2]);
    expect(sent).toEqual(['principals']);
  });
});
