/**
 * Collects one job attempt's outputs and result flag from its two channels: `[COUT]` lines (on
 * stdout or stderr: the original engine read the pod's merged log, and original components print
 * `[COUT] CO_RESULT = false` on stderr) and the `$CO_OUTPUT` file (docs/design.md §3).
 */
import type { OutputsMode } from '../definition/model.js';
import { ContainerOpsError, ErrorCode } from '../errors.js';
import { COUT_PREFIX, parseCoutLine } from './cout.js';
import { parseOutputFile } from './output-file.js';

/** The streams that may carry `[COUT]` lines. */
export type CoutStream = 'stdout' | 'stderr';

type LongLine = { pieces: string[]; bytes: number } | 'skip';

/** The key that carries the job's result flag instead of an output. */
export const RESULT_KEY = 'CO_RESULT';

export interface OutputCollectorOptions {
  /** `file-only`: `[COUT]` lines are ignored entirely (they stay log lines). */
  readonly mode: OutputsMode;
  /** Bytes (UTF-8) allowed for all output keys and values together (`outputLimitBytes`). */
  readonly limitBytes: number;
}

export interface CollectedOutputs {
  /** Outputs, `CO_RESULT` excluded. Empty when `error` is set. */
  readonly outputs: Record<string, string>;
  /** The `CO_RESULT` flag, when a valid one was reported. */
  readonly coResult?: boolean;
  /** Why the outputs make the job fail (too large, malformed file). */
  readonly error?: string;
  /** Stable code of `error`: `OUTPUT_TOO_LARGE` or `INVALID_OUTPUT_FILE`. */
  readonly errorCode?: string;
  /** Non-fatal problems to show in the job log (an invalid `CO_RESULT` value...). */
  readonly warnings: readonly string[];
}

/**
 * Usage, per job attempt: a new collector; {@link acceptStdoutLine} for every stdout line in
 * order; {@link acceptOutputFile} once with the file's contents, after the job exited; then
 * {@link finish}. Not safe to share between attempts. Synchronous and cheap on lines that are not
 * `[COUT]` lines.
 *
 * Rules:
 * - The last value reported for a key wins; values from the file override values from stdout.
 * - `CO_RESULT` is the result flag, not an output: `true`/`false`, case-insensitive; any other
 *   value is ignored with a warning (the previous valid value, if any, stands).
 * - Under `file-only`, `[COUT]` lines set nothing, `CO_RESULT` included: otherwise a forged log
 *   line (a test printing attacker-controlled text) could still flip the job's result. Under that
 *   mode both outputs and `CO_RESULT` come from the file only.
 * - Cap: if at any moment the outputs held exceed `limitBytes` (UTF-8 bytes of keys + values), the
 *   job fails with `OUTPUT_TOO_LARGE`; from then on nothing more is stored, so a runaway job
 *   cannot exhaust the engine's memory.
 */
export class OutputCollector {
  private readonly mode: OutputsMode;
  private readonly limitBytes: number;
  private readonly stdout = new Map<string, string>();
  private stdoutBytes = 0;
  private stdoutResult: boolean | undefined;
  private file: Record<string, string> | undefined;
  private fileResult: boolean | undefined;
  private error: string | undefined;
  private errorCode: string | undefined;
  private readonly warnings: string[] = [];
  /** A line arriving in pieces, per stream: the `[COUT]` line's pieces so far, or `skip`. */
  private readonly longLines: Record<CoutStream, LongLine | undefined> = {
    stdout: undefined,
    stderr: undefined,
  };

  constructor(options: OutputCollectorOptions) {
    this.mode = options.mode;
    this.limitBytes = options.limitBytes;
  }

  /**
   * Feeds one stdout line (without terminator). Returns true when the line set an output or the
   * result flag. Under `file-only` it never does.
   *
   * `partial`: the piece goes on in the next call (`LogChunk.partial`: the backend cut a line
   * over its line limit). Pieces are joined, so a piece is never read as a line of its own (a
   * forged `[COUT]` at the start of a piece sets nothing), and a `[COUT]` line is checked whole:
   * one that grows over the cap fails the job with `OUTPUT_TOO_LARGE` as many small lines would,
   * and is not held beyond it.
   */
  acceptStdoutLine(text: string, partial = false): boolean {
    return this.acceptLine('stdout', text, partial);
  }

  /**
   * Feeds one line of either stream: `[COUT]` lines count on stderr as on stdout (one set of
   * outputs, the last value wins in arrival order). Pieces of long lines are joined per stream.
   */
  acceptLine(stream: CoutStream, text: string, partial = false): boolean {
    if (this.longLines[stream] !== undefined || partial) {
      const line = this.joinPiece(stream, text, partial);
      return line === undefined ? false : this.acceptLine(stream, line);
    }
    if (this.mode === 'file-only' || !text.startsWith(COUT_PREFIX)) return false;
    const parsed = parseCoutLine(text);
    if (parsed?.kind !== 'output') return false;
    const { key, value } = parsed;
    if (key === RESULT_KEY) {
      const flag = this.parseResult(value, 'stdout');
      if (flag !== undefined) this.stdoutResult = flag;
      return true;
    }
    if (this.error !== undefined) return true;
    const previous = this.stdout.get(key);
    this.stdoutBytes +=
      previous === undefined
        ? byteLength(key) + byteLength(value)
        : byteLength(value) - byteLength(previous);
    this.stdout.set(key, value);
    if (this.stdoutBytes > this.limitBytes) this.tooLarge(this.stdoutBytes);
    return true;
  }

  /** Feeds the `$CO_OUTPUT` file's contents. A malformed file fails the job (see `finish`). */
  acceptOutputFile(content: string): void {
    let parsed: Record<string, string>;
    try {
      parsed = parseOutputFile(content);
    } catch (error) {
      if (error instanceof ContainerOpsError && this.error === undefined) {
        this.error = error.message;
        this.errorCode = error.code;
        return;
      }
      throw error;
    }
    const file: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (key === RESULT_KEY) {
        const flag = this.parseResult(value, '$CO_OUTPUT');
        if (flag !== undefined) this.fileResult = flag;
      } else {
        file[key] = value;
      }
    }
    this.file = file;
    if (this.error === undefined) {
      const total = recordBytes(this.merged());
      if (total > this.limitBytes) this.tooLarge(total);
    }
  }

  /** The outcome. May be called more than once; later `accept*` calls change it. */
  finish(): CollectedOutputs {
    const coResult = this.fileResult ?? this.stdoutResult;
    const warnings = [...this.warnings];
    const result: { -readonly [K in keyof CollectedOutputs]: CollectedOutputs[K] } =
      this.error === undefined
        ? { outputs: this.merged(), warnings }
        : { outputs: {}, error: this.error, errorCode: this.errorCode, warnings };
    if (coResult !== undefined) result.coResult = coResult;
    return result;
  }

  private merged(): Record<string, string> {
    const out = Object.fromEntries(this.stdout);
    return this.file === undefined ? out : Object.assign(out, this.file);
  }

  /** The whole line once its last piece came (undefined before, and for lines to ignore). */
  private joinPiece(stream: CoutStream, text: string, partial: boolean): string | undefined {
    if (this.longLines[stream] === undefined) {
      const cout = this.mode !== 'file-only' && text.startsWith(COUT_PREFIX);
      this.longLines[stream] = cout ? { pieces: [], bytes: 0 } : 'skip';
    }
    const long = this.longLines[stream];
    if (long === undefined) return undefined;
    if (!partial) this.longLines[stream] = undefined;
    if (long === 'skip') return undefined;
    long.pieces.push(text);
    long.bytes += byteLength(text);
    if (long.bytes > this.limitBytes) {
      // Its key and value alone are nearly all of it: over the cap whatever else it holds.
      if (this.error === undefined) this.tooLarge(this.stdoutBytes + long.bytes);
      if (partial) this.longLines[stream] = 'skip';
      return undefined;
    }
    return partial ? undefined : long.pieces.join('');
  }

  private parseResult(value: string, source: string): boolean | undefined {
    const v = value.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
    this.warnings.push(
      `${RESULT_KEY} = ${JSON.stringify(value)} from ${source} is neither true nor false; ignored`,
    );
    return undefined;
  }

  private tooLarge(bytes: number): void {
    this.error =
      `outputs too large: ${bytes} bytes, over the limit of ${this.limitBytes} bytes ` +
      `(${formatBytes(this.limitBytes)}): report less output, or raise the workflow's ` +
      '`outputLimit`';
    this.errorCode = ErrorCode.outputTooLarge;
    this.stdout.clear();
    this.stdoutBytes = 0;
  }
}

function byteLength(s: string): number {
  // Most keys and values are ASCII; avoid Buffer (core has no Node I/O dependencies).
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      n += 1;
    } else {
      n += 2;
      const next = s.charCodeAt(i + 1);
      // A surrogate pair is 4 bytes for 2 code units: the +2 above already covers it.
      if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return n;
}

function recordBytes(record: Readonly<Record<string, string>>): number {
  let n = 0;
  for (const [k, v] of Object.entries(record)) n += byteLength(k) + byteLength(v);
  return n;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} B`;
}
