/**
 * The __NAME__ log store: a starting point that keeps job log lines in memory and in one
 * JSON-lines file, and passes the log store conformance suite as it is. Replace the file with
 * your database (keep one transaction per `append` batch and a unique key on
 * runId/jobPath/attempt/seq) and keep the contract (see `LogStore` in @containerops/sdk: its
 * TSDoc is the spec). Every read scans all lines: fine for a start, not for millions of lines.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { OperationalError, UserError } from '@containerops/sdk';
import type { HealthStatus, JobLogLine, LogQuery, LogStore } from '@containerops/sdk';

const STREAMS = new Set(['stdout', 'stderr', 'system']);

const keyOf = (l: JobLogLine): string =>
  `${l.runId}\u0000${l.jobPath}\u0000${l.attempt}\u0000${l.seq}`;

export class __CLASS__LogStore implements LogStore {
  private lines: JobLogLine[] = [];
  private readonly keys = new Set<string>();
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) {
      for (const text of readFileSync(path, 'utf8').split('\n')) {
        if (text === '') continue;
        const line = JSON.parse(text) as JobLogLine;
        if (!this.keys.has(keyOf(line))) this.remember(line);
      }
    }
  }

  append(batch: readonly JobLogLine[]): Promise<void> {
    try {
      this.open('append');
      // Check the whole batch first: a rejected batch stores nothing.
      for (const line of batch) validate(line);
      const fresh: JobLogLine[] = [];
      const seen = new Set<string>();
      for (const line of batch) {
        const key = keyOf(line);
        if (this.keys.has(key) || seen.has(key)) continue;
        seen.add(key);
        fresh.push({ ...line });
      }
      if (fresh.length === 0) return Promise.resolve();
      appendFileSync(this.path, fresh.map((l) => `${JSON.stringify(l)}\n`).join(''));
      for (const line of fresh) this.remember(line);
      this.wake();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  read(query: LogQuery): Promise<readonly JobLogLine[]> {
    try {
      this.open('read');
      const lines = this.matching(query).filter((l) => l.seq > (query.afterSeq ?? 0));
      return Promise.resolve(query.limit === undefined ? lines : lines.slice(0, query.limit));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async *follow(query: LogQuery, signal: AbortSignal): AsyncIterable<JobLogLine> {
    let last: { attempt: number; seq: number } | undefined;
    let yielded = 0;
    const onAbort = (): void => this.wake();
    signal.addEventListener('abort', onAbort);
    try {
      while (!this.closed && !signal.aborted) {
        const next = this.matching(query).filter((l) =>
          last === undefined
            ? l.seq > (query.afterSeq ?? 0)
            : l.attempt > last.attempt || (l.attempt === last.attempt && l.seq > last.seq),
        );
        for (const line of next) {
          yield line;
          last = { attempt: line.attempt, seq: line.seq };
          if (query.limit !== undefined && ++yielded >= query.limit) return;
          if (this.closed || signal.aborted) return;
        }
        if (next.length === 0) await new Promise<void>((resolve) => this.waiters.add(resolve));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  prune(olderThan: number): Promise<number> {
    return this.rewrite('prune', (l) => l.time < olderThan);
  }

  deleteRun(runId: string): Promise<number> {
    return this.rewrite('deleteRun', (l) => l.runId === runId);
  }

  health(): Promise<HealthStatus> {
    return Promise.resolve(this.closed ? { ok: false, reason: 'closed' } : { ok: true });
  }

  close(): Promise<void> {
    this.closed = true;
    this.wake();
    return Promise.resolve();
  }

  private matching(query: LogQuery): JobLogLine[] {
    return this.lines
      .filter(
        (l) =>
          l.runId === query.runId &&
          l.jobPath === query.jobPath &&
          (query.attempt === undefined || l.attempt === query.attempt),
      )
      .sort((a, b) => a.attempt - b.attempt || a.seq - b.seq);
  }

  private rewrite(operation: string, drop: (line: JobLogLine) => boolean): Promise<number> {
    try {
      this.open(operation);
      const kept = this.lines.filter((l) => !drop(l));
      const deleted = this.lines.length - kept.length;
      if (deleted === 0) return Promise.resolve(0);
      // Write beside, then rename: a crash leaves the old file or the new one, never half of one.
      writeFileSync(`${this.path}.tmp`, kept.map((l) => `${JSON.stringify(l)}\n`).join(''));
      renameSync(`${this.path}.tmp`, this.path);
      this.lines = kept;
      this.keys.clear();
      for (const line of kept) this.keys.add(keyOf(line));
      return Promise.resolve(deleted);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private remember(line: JobLogLine): void {
    this.lines.push(line);
    this.keys.add(keyOf(line));
  }

  private wake(): void {
    for (const resolve of this.waiters) resolve();
    this.waiters.clear();
  }

  private open(operation: string): void {
    if (this.closed)
      throw new OperationalError('LOG_STORE_CLOSED', `log store is closed; cannot ${operation}`);
  }
}

function validate(line: JobLogLine): void {
  const positive = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) > 0;
  const problem =
    typeof line.runId !== 'string' || line.runId === ''
      ? 'runId is empty'
      : typeof line.jobPath !== 'string' || line.jobPath === ''
        ? 'jobPath is empty'
        : !positive(line.attempt)
          ? 'attempt is not a positive integer'
          : !positive(line.seq)
            ? 'seq is not a positive integer'
            : !STREAMS.has(line.stream)
              ? 'stream is not stdout, stderr or system'
              : typeof line.text !== 'string'
                ? 'text is not a string'
                : !Number.isFinite(line.time)
                  ? 'time is not a finite number'
                  : undefined;
  if (problem !== undefined)
    throw new UserError('LOG_LINE_INVALID', `invalid log line: ${problem}`);
}
