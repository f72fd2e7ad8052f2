/**
 * Following a container's log without losing its last lines.
 *
 * Docker's follow mode (20.10 json-file) can drop the lines written just before the container
 * exits: when the reader is at the end of the file, "new data" and "logger closed" may become
 * ready together and the reader may stop without draining the file (seen here about once in
 * 50 short jobs). The file itself is complete once the container has stopped. So:
 * 1. follow (`follow=true`) and deliver lines as they complete;
 * 2. when the follow ends and the container is still running (a follow that ended early), follow
 *    again from a cutoff; once it has stopped, read the tail once more without follow;
 * 3. each re-read starts at a cutoff second and skips, per stream, the lines already delivered
 *    (see {@link LogProgress}); only the final read emits a last line without `\n`.
 * The re-read costs one more request per job, reading about the last two seconds of log.
 *
 * Docker's follow notices the exit late (tens of ms after the container's `wait` returns). When
 * the source reports the stop itself ({@link ContainerLogSource.onStopped}), the follow is cut
 * there and the final read starts at once: the same cutoff-and-skip makes that exact too, since
 * a cut follow is just a follow that ended early.
 */
import type { LogChunk, LogOptions } from '@containerops/sdk';
import { LineAssembler } from './line-assembler.js';
import { LogProgress } from './log-progress.js';
import { createResumeFilter, dockerSinceSeconds } from './log-resume.js';
import { assembleLogLines } from './read-log-stream.js';
import type { DockerLogBody } from './read-log-stream.js';

/** Access to one container's log, as the follower needs it. */
export interface ContainerLogSource {
  /** A logs request with `timestamps=true`, both streams, `since` in whole seconds. */
  open(
    follow: boolean,
    sinceSeconds: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<DockerLogBody>;
  /** Whether the container is still running (its log may still grow). */
  isRunning(): Promise<boolean>;
  /**
   * Optional: calls `listener` once when the container is known to have stopped (Docker has
   * then closed its log file, so the log is complete), synchronously if it already has.
   * Returns a function that stops listening.
   */
  onStopped?(listener: () => void): () => void;
}

/** How long to pause before following again when a follow ended with nothing new. */
const REFOLLOW_PAUSE_MS = 200;

/**
 * Yields every line of the container's log exactly once, per stream in order, honouring
 * `sinceTime`/`skipAtSinceTime` (see `log-resume.ts`) and ending when the container has stopped
 * and its log is read to the end, or when `signal` aborts. Errors from `source` and
 * `assembleLogLines` propagate.
 */
export async function* followContainerLogs(
  source: ContainerLogSource,
  options: LogOptions = {},
): AsyncGenerator<LogChunk> {
  const { signal } = options;
  // A function, not a narrowed property: the signal changes while this generator is suspended.
  const aborted = (): boolean => signal?.aborted === true;
  const keep = createResumeFilter(options.sinceTime, options.skipAtSinceTime);
  const progress = new LogProgress();
  const firstSince = dockerSinceSeconds(options.sinceTime);
  let since = firstSince;
  let skip = { stdout: 0, stderr: 0 };
  let follow = true;
  let stoppedKnown = false;
  let cut: AbortController | undefined;
  const unsubscribe = source.onStopped?.(() => {
    stoppedKnown = true;
    cut?.abort();
  });
  try {
    for (;;) {
      if (aborted()) return;
      const assembler = new LineAssembler({ timestamps: true });
      // Only a follow opened while the container ran is cut at the stop: one opened after it
      // ends by itself (Docker does not follow a stopped container's log) and streams.
      const own = follow && !stoppedKnown ? new AbortController() : undefined;
      cut = own;
      const forward = (): void => own?.abort();
      if (own !== undefined) signal?.addEventListener('abort', forward, { once: true });
      if (aborted()) own?.abort();
      const readSignal = own?.signal ?? signal;
      let delivered = 0;
      try {
        const body = await source.open(follow, since, readSignal).catch((error: unknown) => {
          if (own?.signal.aborted === true && !aborted()) return undefined; // cut before it began
          throw error;
        });
        if (body !== undefined) {
          for await (const line of assembleLogLines(body, assembler, readSignal)) {
            if (skip[line.stream] > 0) {
              skip[line.stream] -= 1;
              continue;
            }
            progress.record(line);
            delivered += 1;
            if (keep(line)) yield line;
          }
        }
      } finally {
        signal?.removeEventListener('abort', forward);
        cut = undefined;
      }
      if (aborted()) return;
      if (!follow) {
        for (const line of assembler.flush()) if (keep(line)) yield line;
        return;
      }
      follow = stoppedKnown ? false : await source.isRunning();
      if (follow && delivered === 0) await pause(REFOLLOW_PAUSE_MS, signal);
      ({ sinceSeconds: since, skip } = progress.cutoff(assembler.pendingTime(), firstSince));
    }
  } finally {
    unsubscribe?.();
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
