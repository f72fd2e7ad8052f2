/**
 * Parsed snapshots of ended runs, kept so a large one is not parsed again for every request: the
 * saved snapshot of a run with a 100,000-instance fan-out is ~10 MB of JSON (its compact instance
 * summaries), ~100 ms to parse, and the dashboard reads a page of its instances at a time (issue
 * 16: a page of 100 in ≤ 50 ms p99).
 *
 * Only snapshots of ended runs (they no longer change) of at least {@link MIN_CACHED_CHARS}
 * characters are kept; an entry is used only while the stored text is exactly the one it was
 * parsed from (a string comparison, far cheaper than a parse), so a snapshot saved again is
 * parsed again. At most {@link MAX_CACHED_CHARS} characters of text are kept, the least recently
 * used entries going first. A cached snapshot is shared between requests: readers must not
 * change it (none does: the API maps it into its own types).
 */
import { isTerminal } from '@containerops/core';
import type { RunSnapshot, RunStatus } from '@containerops/core';

/** Smaller snapshots parse in well under a millisecond or so: not worth keeping. */
export const MIN_CACHED_CHARS = 256 * 1024;
/** Text kept in all (the parsed objects take a few times that in memory). */
export const MAX_CACHED_CHARS = 32 * 1024 * 1024;

interface Entry {
  readonly text: string;
  readonly snapshot: RunSnapshot;
}

export class ParsedSnapshots {
  private readonly entries = new Map<string, Entry>();
  private chars = 0;

  constructor(
    private readonly maxChars = MAX_CACHED_CHARS,
    private readonly minChars = MIN_CACHED_CHARS,
  ) {}

  /** The snapshot `text` of run `runId` (whose row says `status`), parsed or as parsed before. */
  parse(runId: string, status: string, text: string): RunSnapshot {
    if (text.length < this.minChars || !isTerminal(status as RunStatus))
      return JSON.parse(text) as RunSnapshot;
    const known = this.entries.get(runId);
    if (known !== undefined && known.text === text) {
      // Most recently used last: Map order is insertion order.
      this.entries.delete(runId);
      this.entries.set(runId, known);
      return known.snapshot;
    }
    if (known !== undefined) this.forget(runId, known);
    const snapshot = JSON.parse(text) as RunSnapshot;
    if (text.length <= this.maxChars) {
      this.entries.set(runId, { text, snapshot });
      this.chars += text.length;
      for (const [id, entry] of this.entries) {
        if (this.chars <= this.maxChars) break;
        this.forget(id, entry);
      }
    }
    return snapshot;
  }

  private forget(runId: string, entry: Entry): void {
    this.entries.delete(runId);
    this.chars -= entry.text.length;
  }
}
