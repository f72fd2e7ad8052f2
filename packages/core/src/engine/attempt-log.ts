/**
 * The log of one job attempt: numbers its lines 1, 2, 3... with no gaps, masks secrets, and hands
 * them to the outbox (which batches them to the LogSink and streams them to observers).
 *
 * Size limit: with `limitBytes` > 0, the line that would take the attempt's stored text past the
 * limit is replaced by one system line saying where and why the log stops, and later lines are
 * counted but not stored (the caller still reads them: outputs are parsed from the stream, and the
 * job's own exit decides its status). Below the limit every line is kept; nothing is sampled.
 */
import type { SecretMasker } from '../contract/secret-masker.js';
import type { JobLogLine } from './events.js';
import type { Outbox } from './outbox.js';
import type { LogTruncation } from './snapshot.js';

/** Formats a byte count for the truncation line (`64 MiB`, `1.5 KiB`, `12 bytes`). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} bytes`;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** UTF-8 size of `text` without Buffer (core has no Node I/O dependencies); ASCII costs one pass. */
function utf8Bytes(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      n += 1;
    } else {
      n += 2;
      if (c >= 0xd800 && c <= 0xdbff) i++; // a surrogate pair: 4 bytes for its 2 code units
    }
  }
  return n;
}

export class AttemptLog {
  private seq: number;
  private bytes = 0;
  /** Set when the limit was reached: the message of the final line. */
  private cut: string | undefined;
  private dropped = 0;

  constructor(
    private readonly outbox: Outbox,
    private readonly masker: SecretMasker,
    readonly runId: string,
    readonly jobPath: string,
    readonly attempt: number,
    /** Lines of this attempt already stored (an attempt resumed after an engine restart). */
    stored = 0,
    /** Most bytes of log text stored per attempt (the job's own lines); 0: no limit. */
    private readonly limitBytes = 0,
  ) {
    this.seq = stored;
  }

  /** Lines of the attempt so far (the stored ones of a resumed attempt included). */
  get count(): number {
    return this.seq;
  }

  /** Set once the attempt reached its size limit: what the job's result reports. */
  truncation(): LogTruncation | undefined {
    if (this.cut === undefined) return undefined;
    return {
      cause: 'limit',
      attempt: this.attempt,
      message: this.cut,
      storedBytes: this.bytes,
      limitBytes: this.limitBytes,
      droppedLines: this.dropped,
    };
  }

  write(stream: JobLogLine['stream'], text: string, time: number = Date.now()): void {
    // The engine's own lines are few and say what happened to the job: never cut.
    if (this.limitBytes > 0 && stream !== 'system') {
      if (this.cut !== undefined) {
        this.dropped++;
        return;
      }
      const size = utf8Bytes(text);
      if (this.bytes + size > this.limitBytes) {
        this.cut =
          `log truncated at ${this.bytes} bytes (limit ${formatBytes(this.limitBytes)} per job ` +
          'attempt); the job runs on and its exit decides its status, later lines are not stored';
        this.dropped = 1;
        this.push('system', this.cut, time);
        return;
      }
      this.bytes += size;
    }
    this.push(stream, text, time);
  }

  /** A line from the engine itself (warnings, hook output, orchestrator trouble). */
  system(text: string): void {
    this.write('system', text);
  }

  private push(stream: JobLogLine['stream'], text: string, time: number): void {
    this.outbox.log({
      runId: this.runId,
      jobPath: this.jobPath,
      attempt: this.attempt,
      seq: ++this.seq,
      stream,
      text: this.masker.mask(text),
      time,
    });
  }
}
