/**
 * TEST SUPPORT (end-to-end tests only; not a production log store: see the logStore plugins).
 * A durable {@link LogSink} in `dir/logs.jsonl`, one JSON line per appended batch, fsynced
 * before `append` resolves, so a test can kill the engine process and read back exactly what
 * had been stored.
 *
 * - Idempotent like a log store: a line whose (run, job, attempt, seq) is already stored is
 *   dropped, so the engine may retry a batch.
 * - Reads are served from memory (a {@link MemoryLogSink} loaded on open) and see only durable
 *   lines. Open `readOnly` to watch a directory another process writes.
 */
import { join } from 'node:path';
import { MemoryLogSink } from '@containerops/core';
import type { JobLogLine, LogQuery, LogSink } from '@containerops/core';
import { JsonLinesJournal } from './json-lines-journal.js';

export class FileLogSink implements LogSink {
  private readonly memory = new MemoryLogSink();
  /** Highest stored seq per run, job and attempt. */
  private readonly last = new Map<string, number>();

  private constructor(private readonly journal: JsonLinesJournal<JobLogLine>) {}

  static async open(
    dir: string,
    options: { readonly readOnly?: boolean } = {},
  ): Promise<FileLogSink> {
    const { journal, batches } = await JsonLinesJournal.open<JobLogLine>(
      join(dir, 'logs.jsonl'),
      options,
    );
    const sink = new FileLogSink(journal);
    for (const batch of batches) await sink.remember(sink.fresh(batch));
    return sink;
  }

  async append(lines: readonly JobLogLine[]): Promise<void> {
    const fresh = this.fresh(lines);
    if (fresh.length === 0) return;
    await this.journal.append(fresh);
    await this.remember(fresh);
  }

  read(query: LogQuery): Promise<readonly JobLogLine[]> {
    return this.memory.read(query);
  }

  close(): Promise<void> {
    return this.journal.close();
  }

  /** The lines not stored yet (by their per-attempt seq). */
  private fresh(lines: readonly JobLogLine[]): JobLogLine[] {
    const seen = new Map<string, number>();
    return lines.filter((line) => {
      const key = `${line.runId}\u0000${line.jobPath}\u0000${line.attempt}`;
      const last = seen.get(key) ?? this.last.get(key) ?? 0;
      if (line.seq <= last) return false;
      seen.set(key, line.seq);
      return true;
    });
  }

  private async remember(lines: readonly JobLogLine[]): Promise<void> {
    for (const line of lines) {
      this.last.set(`${line.runId}\u0000${line.jobPath}\u0000${line.attempt}`, line.seq);
    }
    await this.memory.append(lines);
  }
}
