/**
 * Masks secret values (`***`) in log lines and outputs before they are stored or streamed
 * (docs/design.md §2, §3). Sits on the per-log-line hot path.
 */

/** What a masked secret is replaced with. */
export const MASK = '***';

/**
 * Values shorter than this are not masked. Replacing every `a` or `42` in a log would shred it
 * while protecting nothing: a 1–2 character secret is guessable anyway, and the masks would
 * reveal where it appears.
 */
export const MIN_SECRET_LENGTH = 3;

/**
 * Replaces every occurrence of every registered secret with {@link MASK}.
 *
 * - A multi-line secret is registered whole AND line by line, since logs arrive one line at a
 *   time (a PEM key never appears whole in one log line).
 * - Only exact values are masked, not their base64 or URL-encoded forms.
 * - Longer values are tried first, so a secret containing another is masked whole.
 *
 * `mask` with no secret returns its argument unchanged (no regex run). The pattern is compiled
 * lazily on the first `mask` after an `add`. Not thread-safe (JS is single-threaded; share one per
 * run).
 */
export class SecretMasker {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /** Registers a secret value. Idempotent; empty and too-short values are ignored. */
  add(value: string): void {
    this.addOne(value);
    if (value.includes('\n') || value.includes('\r')) {
      for (const line of value.split(/\r?\n|\r/)) this.addOne(line);
    }
  }

  /** Number of distinct values masked (lines of multi-line secrets count separately). */
  get size(): number {
    return this.values.size;
  }

  /** `text` with every secret replaced by `***`. */
  mask(text: string): string {
    if (this.values.size === 0) return text;
    this.pattern ??= compile(this.values);
    return text.replace(this.pattern, MASK);
  }

  /** A copy of `record` with every value masked (keys are kept as they are). */
  maskRecord(record: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(record)) out[key] = this.mask(value);
    return out;
  }

  private addOne(value: string): void {
    if (value.length < MIN_SECRET_LENGTH || this.values.has(value)) return;
    this.values.add(value);
    this.pattern = undefined;
  }
}

function compile(values: ReadonlySet<string>): RegExp {
  const sorted = [...values].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
