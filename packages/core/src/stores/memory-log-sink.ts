import type { JobLogLine } from '../engine/events.js';
import type { LogQuery, LogSink } from '../engine/store.js';

/**
 * A {@link LogSink} in process memory: the engine's default, for the CLI and tests.
 *
 * Lines are kept per run, job and attempt in the order appended (the engine appends them in `seq`
 * order). `read` without `attempt` returns every attempt, attempts in ascending order; `afterSeq`
 * then applies to each attempt's own numbering. Nothing is evicted.
 */
export class MemoryLogSink implements LogSink {
  private readonly jobs = new Map<string, Map<number, JobLogLine[]>>();

  append(lines: readonly JobLogLine[]): Promise<void> {
    for (const line of lines) {
      const key = jobKey(line.runId, line.jobPath);
      let attempts = this.jobs.get(key);
      if (attempts === undefined) {
        attempts = new Map();
        this.jobs.set(key, attempts);
      }
      let list = attempts.get(line.attempt);
      if (list === undefined) {
        list = [];
        attempts.set(line.attempt, list);
      }
      list.push(line);
    }
    return Promise.resolve();
  }

  read(query: LogQuery): Promise<readonly JobLogLine[]> {
    const attempts = this.jobs.get(jobKey(query.runId, query.jobPath));
    if (attempts === undefined) return Promise.resolve([]);
    const numbers =
      query.attempt === undefined ? [...attempts.keys()].sort((a, b) => a - b) : [query.attempt];
    const afterSeq = query.afterSeq ?? 0;
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    const out: JobLogLine[] = [];
    for (const n of numbers) {
      const list = attempts.get(n);
      if (list === undefined) continue;
      for (let i = firstAfter(list, afterSeq); i < list.length && out.length < limit; i++) {
        out.push(list[i] as JobLogLine);
      }
    }
    return Promise.resolve(out);
  }
}

function jobKey(runId: string, jobPath: string): string {
  return `${runId}\u0000${jobPath}`;
}

function firstAfter(lines: readonly JobLogLine[], afterSeq: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((lines[mid] as JobLogLine).seq <= afterSeq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
