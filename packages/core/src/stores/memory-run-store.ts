import type { EngineEvent, NewEngineEvent } from '../engine/events.js';
import type { RunRequest } from '../engine/run-request.js';
import type { RunSnapshot } from '../engine/snapshot.js';
import { isTerminal } from '../engine/status.js';
import type { EventQuery, RunStore } from '../engine/store.js';

/**
 * A {@link RunStore} in process memory: the default of the engine, for the CLI and tests.
 *
 * - `appendEvents` numbers events 1, 2, 3... across the store, synchronously (so concurrent calls
 *   are serialised by the event loop) and resolves at once: nothing is durable past the process.
 * - `saveRun` keeps a deep copy; `getRun` returns a fresh copy, so callers never share state.
 * - `listUnfinishedRuns` scans every saved run (fine for the runs one process holds).
 * - Nothing is ever evicted; a long-lived server uses a database store instead.
 */
export class MemoryRunStore implements RunStore {
  private readonly events: EngineEvent[] = [];
  private readonly byRun = new Map<string, EngineEvent[]>();
  private readonly runs = new Map<string, RunSnapshot>();
  private readonly requests = new Map<string, RunRequest>();
  private seq = 0;

  appendEvents(events: readonly NewEngineEvent[]): Promise<readonly EngineEvent[]> {
    const numbered: EngineEvent[] = new Array<EngineEvent>(events.length);
    for (let i = 0; i < events.length; i++) {
      // Not `{ ...event, seq }`: V8 makes that several times slower than a copy plus one field.
      const event: EngineEvent = Object.assign({}, events[i] as NewEngineEvent, {
        seq: ++this.seq,
      });
      numbered[i] = event;
      this.events.push(event);
      let perRun = this.byRun.get(event.runId);
      if (perRun === undefined) {
        perRun = [];
        this.byRun.set(event.runId, perRun);
      }
      perRun.push(event);
    }
    return Promise.resolve(numbered);
  }

  readEvents(query: EventQuery): Promise<readonly EngineEvent[]> {
    const source = query.runId === undefined ? this.events : (this.byRun.get(query.runId) ?? []);
    const from = firstAfter(source, query.afterSeq ?? 0);
    const to =
      query.limit === undefined ? source.length : Math.min(source.length, from + query.limit);
    return Promise.resolve(source.slice(from, to));
  }

  saveRun(snapshot: RunSnapshot): Promise<void> {
    this.runs.set(snapshot.runId, structuredClone(snapshot));
    return Promise.resolve();
  }

  getRun(runId: string): Promise<RunSnapshot | undefined> {
    const run = this.runs.get(runId);
    return Promise.resolve(run === undefined ? undefined : structuredClone(run));
  }

  /** Kept by reference: requests are immutable (the engine never changes a definition). */
  saveRunRequest(request: RunRequest): Promise<void> {
    this.requests.set(request.runId, request);
    return Promise.resolve();
  }

  getRunRequest(runId: string): Promise<RunRequest | undefined> {
    return Promise.resolve(this.requests.get(runId));
  }

  listUnfinishedRuns(): Promise<RunSnapshot[]> {
    const open: RunSnapshot[] = [];
    for (const run of this.runs.values()) {
      if (!isTerminal(run.status)) open.push(structuredClone(run));
    }
    return Promise.resolve(open.sort((a, b) => a.createdAt - b.createdAt));
  }

  /** Ids of every saved run, oldest save first. */
  listRunIds(): readonly string[] {
    return [...this.runs.keys()];
  }
}

/** Index of the first event with `seq > afterSeq` in a seq-sorted array (binary search). */
function firstAfter(events: readonly EngineEvent[], afterSeq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid] as EngineEvent).seq <= afterSeq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
