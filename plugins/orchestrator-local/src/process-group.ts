/**
 * Signals to a job's process group. Every job leads its own group (it is spawned detached), so one
 * signal reaches everything it started: `sh -c` and its children, background processes included.
 * Signals go by pid, so this works from whichever process spawned the job (this one or the
 * spawner helper).
 */
import { constants } from 'node:os';

/**
 * Node's non-throwing kill (`process.kill` wraps it): returns 0 or a negative errno. At most jobs'
 * exit the group is already gone, and `process.kill` reports that (ESRCH) by throwing: measured at
 * ~10x the cost of the signal itself, on every job's critical path. Undocumented, hence the
 * fallback to `process.kill`.
 */
const rawKill: unknown = Reflect.get(process, '_kill');

/**
 * Sends signal number `signal` (0: only probe) to every process of group `pid`. Returns whether
 * the group had any process left (zombies count); ESRCH, no process, is no error here.
 */
export function signalGroup(pid: number, signal: number): boolean {
  if (typeof rawKill === 'function') return Reflect.apply(rawKill, process, [-pid, signal]) === 0;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** `signal` to the whole group; returns whether it reached any process. */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  return signalGroup(pid, constants.signals[signal]);
}

/** How long a job's exit waits at most for what it left behind to die after SIGKILL. */
const LEFTOVERS_GONE_MS = 200;

/**
 * Resolves once group `pid` is empty, or after {@link LEFTOVERS_GONE_MS}: SIGKILLed processes take
 * a moment to die and be reaped, and a job has not ended while they still run.
 */
export async function leftoversGone(pid: number): Promise<void> {
  const deadline = Date.now() + LEFTOVERS_GONE_MS;
  while (signalGroup(pid, 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

// Process groups still running; killed if this process exits, since detached children would
// otherwise outlive it.
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Remembers a running job's group so that it is killed if this process exits first. */
export function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of liveGroups) killGroup(group, 'SIGKILL');
  });
}

/** The job of group `pid` has exited; see {@link trackGroup}. */
export function untrackGroup(pid: number): void {
  liveGroups.delete(pid);
}
