/**
 * What the log store conformance cases share: the factory contract, a per-test store that is always
 * closed and disposed, a builder of numbered lines, and a follower that reads a `follow()` a few
 * lines at a time with a liveness guard (a hung follow fails with a message instead of hanging).
 */
import { randomUUID } from 'node:crypto';
import type { JobLogLine, LogQuery } from '@containerops/core';
import type { LogStore } from '../../kinds/log-store.js';

/** One fresh, empty storage with a store opened on it. */
export interface LogStoreUnderTest {
  readonly store: LogStore;
  /**
   * Opens a second store on the same storage, as a restarted process would. The durability case
   * closes `store` first; the suite closes what `reopen` returns.
   */
  reopen(): LogStore | Promise<LogStore>;
  /** Frees the storage (temp dir, database). Called after each case, once its stores are closed. */
  dispose?(): void | Promise<void>;
}

/** Creates a fresh, empty storage per case (the prune counts are exact). */
export type LogStoreFactory = () => LogStoreUnderTest | Promise<LogStoreUnderTest>;

export interface LogStoreConformanceOptions {
  /**
   * Multiplies the liveness guards (how long a case waits for a follow to deliver or end before it
   * fails). Default 1: 20 s per wait. Raise it for remote databases on slow machines.
   */
  readonly timeoutScale?: number;
}

/** What a case gets: the store, a way to reopen its storage, and fresh ids. */
export interface LogStoreCaseContext {
  readonly store: LogStore;
  /** Opens the same storage again; the harness closes the returned store after the case. */
  reopen(): Promise<LogStore>;
  /** A run id unique to this call (storage may be shared with other suites' runs). */
  runId(): string;
}

export class LogStoreHarness {
  constructor(
    private readonly factory: LogStoreFactory,
    private readonly options: LogStoreConformanceOptions = {},
  ) {}

  /** A wait budget in ms, scaled by `timeoutScale`. */
  ms(base: number): number {
    return base * (this.options.timeoutScale ?? 1);
  }

  /** Runs one case on fresh storage; closes every store it opened and disposes the storage. */
  async with(body: (ctx: LogStoreCaseContext) => Promise<void>): Promise<void> {
    const target = await this.factory();
    const opened: LogStore[] = [target.store];
    const ctx: LogStoreCaseContext = {
      store: target.store,
      reopen: async () => {
        const store = await target.reopen();
        opened.push(store);
        return store;
      },
      runId: () => `run-${randomUUID()}`,
    };
    try {
      await body(ctx);
    } finally {
      for (const store of opened) await store.close();
      await target.dispose?.();
    }
  }

  /** Reads `follow(query)` incrementally; see {@link Follower}. */
  follow(store: LogStore, query: LogQuery): Follower {
    return new Follower(store, query, this.ms(20_000));
  }
}

/** Fields of a line a case may override. */
export type LineOverrides = Partial<Omit<JobLogLine, 'runId' | 'jobPath' | 'attempt' | 'seq'>>;

/** Line `seq` of one job attempt, with a text that says where it belongs. */
export function logLine(
  runId: string,
  jobPath: string,
  attempt: number,
  seq: number,
  overrides: LineOverrides = {},
): JobLogLine {
  return {
    runId,
    jobPath,
    attempt,
    seq,
    stream: 'stdout',
    text: `${jobPath}#${attempt}:${seq}`,
    time: 1_700_000_000_000 + seq,
    ...overrides,
  };
}

/** Lines `from..to` (inclusive) of one job attempt. */
export function logLines(
  runId: string,
  jobPath: string,
  attempt: number,
  from: number,
  to: number,
  overrides: LineOverrides = {},
): JobLogLine[] {
  const lines: JobLogLine[] = [];
  for (let seq = from; seq <= to; seq++)
    lines.push(logLine(runId, jobPath, attempt, seq, overrides));
  return lines;
}

/** `attempt:seq` of each line: short, readable diffs when order or numbering is wrong. */
export function positions(lines: readonly JobLogLine[]): string[] {
  return lines.map((line) => `${line.attempt}:${line.seq}`);
}

/** `attempt:seq` for seq `from..to` of one attempt. */
export function range(attempt: number, from: number, to: number): string[] {
  const out: string[] = [];
  for (let seq = from; seq <= to; seq++) out.push(`${attempt}:${seq}`);
  return out;
}

/** Rejects with a message naming what did not happen when `promise` takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A `follow()` read a few lines at a time, so a case can append between reads. Every wait is
 * bounded: a follow that stalls or never ends fails the case with a message.
 */
export class Follower {
  readonly controller = new AbortController();
  private readonly iterator: AsyncIterator<JobLogLine>;

  constructor(
    store: LogStore,
    query: LogQuery,
    private readonly waitMs: number,
  ) {
    this.iterator = store.follow(query, this.controller.signal)[Symbol.asyncIterator]();
  }

  /** The next `count` lines; fails if the follow ends or stalls first. */
  async take(count: number): Promise<JobLogLine[]> {
    const lines: JobLogLine[] = [];
    while (lines.length < count) {
      const next = await within(
        this.iterator.next(),
        this.waitMs,
        `follow delivered ${lines.length} of ${count} lines`,
      );
      if (next.done === true)
        throw new Error(`follow ended after ${lines.length} of ${count} lines`);
      lines.push(next.value);
    }
    return lines;
  }

  /** Resolves once the follow has ended; fails if it yields another line or does not end. */
  async ended(what: string): Promise<void> {
    const next = await within(this.iterator.next(), this.waitMs, `follow did not end ${what}`);
    if (next.done !== true)
      throw new Error(`follow yielded ${JSON.stringify(next.value)} instead of ending ${what}`);
  }

  /** Aborts the follow (idempotent). */
  abort(): void {
    this.controller.abort();
  }
}
