/**
 * The log of one job attempt: numbers its lines 1, 2, 3... with no gaps, masks secrets, and hands
 * them to the outbox (which batches them to the LogSink and streams them to observers). Every
 * line written here is kept; nothing is sampled or dropped.
 */
import type { SecretMasker } from '../contract/secret-masker.js';
import type { JobLogLine } from './events.js';
import type { Outbox } from './outbox.js';

export class AttemptLog {
  private seq: number;

  constructor(
    private readonly outbox: Outbox,
    private readonly masker: SecretMasker,
    readonly runId: string,
    readonly jobPath: string,
    readonly attempt: number,
    /** Lines of this attempt already stored (an attempt resumed after an engine restart). */
    stored = 0,
  ) {
    this.seq = stored;
  }

  /** Lines of the attempt so far (the stored ones of a resumed attempt included). */
  get count(): number {
    return this.seq;
  }

  write(stream: JobLogLine['stream'], text: string, time: number = Date.now()): void {
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

  /** A line from the engine itself (warnings, hook output, orchestrator trouble). */
  system(text: string): void {
    this.write('system', text);
  }
}
