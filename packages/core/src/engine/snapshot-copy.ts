/**
 * A copy of a run's snapshot for a caller (`Engine.getRun`, a run's `done`), made without copying
 * each ended fan-out instance's summary: those are never changed once made (frozen at their
 * fold, see fan-out-state.ts), so the copy shares them and gets its own `instances` array. A
 * 100,000-instance fan-out took ~0.4 s to deep-copy, and the API reads a running (or just ended)
 * run through `getRun` for every request; shared, it costs one array copy.
 */
import type { FanOutSnapshot, InstanceSummary, RunSnapshot } from './snapshot.js';

export function copySnapshot(snapshot: RunSnapshot): RunSnapshot {
  const fans: FanOutSnapshot[] = [];
  for (const stage of snapshot.stages)
    for (const action of stage.actions)
      for (const job of action.jobs) if (job.fanOut !== undefined) fans.push(job.fanOut);
  if (fans.length === 0) return structuredClone(snapshot);
  // Detached for the deep copy (synchronously: nothing else runs meanwhile), then put back.
  const lists: InstanceSummary[][] = fans.map((fan) => fan.instances);
  for (const fan of fans) fan.instances = [];
  let copy: RunSnapshot;
  try {
    copy = structuredClone(snapshot);
  } finally {
    fans.forEach((fan, i) => (fan.instances = lists[i] as InstanceSummary[]));
  }
  let i = 0;
  for (const stage of copy.stages)
    for (const action of stage.actions)
      for (const job of action.jobs)
        if (job.fanOut !== undefined)
          job.fanOut.instances = (lists[i++] as InstanceSummary[]).slice();
  return copy;
}
