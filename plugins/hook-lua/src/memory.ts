/**
 * Memory measurement for the limit guard (worker side). Counts the JS heap plus buffers: fengari
 * strings are Uint8Arrays, which live outside the heap that the worker's `resourceLimits` bound.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes in use by this thread: live data and garbage not yet collected. */
export function memoryInUse(): number {
  const stats = getHeapStatistics();
  return stats.used_heap_size + stats.external_memory;
}

let forceGc: ((options?: { type: 'minor' | 'major' }) => void) | undefined | null;

/**
 * Runs full collections, so that `memoryInUse()` afterwards is live data only. Garbage must not
 * count against a hook: a script that builds a string piece by piece leaves far more garbage
 * than its bound before V8 collects on its own. `--expose-gc` cannot be given to a worker, so the
 * flag is switched on just long enough to fetch `gc` from a new context (as jest's leak detector
 * does). A full pass, then a minor one: only after the second are dead buffers released.
 */
export function collectGarbage(): void {
  if (forceGc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      forceGc = runInNewContext('gc') as typeof forceGc;
    } catch {
      forceGc = null;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  forceGc?.();
  forceGc?.({ type: 'minor' });
}

let floor: number | undefined;

/**
 * Memory of this thread with no hook running, measured once after a collection. Hooks are
 * charged for what they add above it.
 */
export function memoryFloor(): number {
  if (floor === undefined) {
    collectGarbage();
    floor = memoryInUse();
  }
  return floor;
}
