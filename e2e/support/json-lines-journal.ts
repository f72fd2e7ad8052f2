/**
 * TEST SUPPORT (end-to-end tests only; not a production store). An append-only file of JSON
 * lines, one line per appended batch, synced to disk before an append resolves.
 *
 * - A batch is one line, so it survives a crash whole or not at all: a line cut short by a
 *   crash (no final newline) is dropped when the file is opened for writing, and cut off the
 *   file so the next append starts on a clean line. Opened `readOnly`, the file is never
 *   changed (another process may be writing it) and a partial last line is just ignored.
 * - Appends are serialised in call order; a failed write rejects that append only.
 */
import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface JournalOptions {
  /** Read what is there without repairing or writing anything (for a watching process). */
  readonly readOnly?: boolean;
}

export class JsonLinesJournal<T> {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle | undefined,
    readonly path: string,
  ) {}

  /**
   * Opens (creating it unless `readOnly`) the journal at `path` and returns it with the batches
   * already stored, oldest first.
   *
   * @throws when a complete line is not valid JSON (the file is damaged, not just cut short).
   */
  static async open<T>(
    path: string,
    options: JournalOptions = {},
  ): Promise<{ readonly journal: JsonLinesJournal<T>; readonly batches: T[][] }> {
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const end = text.lastIndexOf('\n') + 1;
    const batches: T[][] = [];
    for (const line of text.slice(0, end).split('\n')) {
      if (line !== '') batches.push(JSON.parse(line) as T[]);
    }
    if (options.readOnly === true)
      return { journal: new JsonLinesJournal<T>(undefined, path), batches };
    await mkdir(dirname(path), { recursive: true });
    if (end < Buffer.byteLength(text)) await truncate(path, Buffer.byteLength(text.slice(0, end)));
    const handle = await open(path, 'a');
    return { journal: new JsonLinesJournal<T>(handle, path), batches };
  }

  /** Appends one batch as one line and resolves once it is on disk (fsync). */
  append(batch: readonly T[]): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) return Promise.reject(new Error(`${this.path} is open read-only`));
    const line = `${JSON.stringify(batch)}\n`;
    const written = this.tail.then(async () => {
      await handle.write(line);
      await handle.sync();
    });
    this.tail = written.catch(() => undefined);
    return written;
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    await this.tail;
    await this.handle?.close();
  }
}
