/**
 * TEST SUPPORT (end-to-end tests only; not a production store: the server brings SQLite and
 * database stores). A durable {@link RunStore} in a directory, so a test can kill an engine
 * process and start another one on the same state:
 *
 * - `events.jsonl`: one JSON line per `appendEvents` batch, fsynced before the call resolves,
 *   so a batch is stored whole or not at all; seqs continue from the last stored one on open.
 * - `runs/<runId>.json` and `requests/<runId>.json`: snapshots and run requests, each written
 *   to a temporary file, fsynced, then renamed over the old one (a reader sees the old or the
 *   new file, never half of one). A snapshot is serialised when `saveRun` is called.
 * - Everything is also kept in memory for reads; reads see what is durable.
 * Single writer: one process opens a directory for writing at a time.
 */
import { mkdir, open, readFile, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { isTerminal } from '@containerops/core';
import type {
  EngineEvent,
  EventQuery,
  NewEngineEvent,
  RunRequest,
  RunSnapshot,
  RunStore,
} from '@containerops/core';
import { JsonLinesJournal } from './json-lines-journal.js';

export class FileRunStore implements RunStore {
  private readonly events: EngineEvent[] = [];
  private readonly runs = new Map<string, string>();
  private readonly requests = new Map<string, RunRequest>();
  private files: Promise<unknown> = Promise.resolve();
  private seq = 0;

  private constructor(
    private readonly dir: string,
    private readonly journal: JsonLinesJournal<EngineEvent>,
  ) {}

  /** Opens (or creates) the store in `dir`, loading what a previous process stored. */
  static async open(dir: string): Promise<FileRunStore> {
    await mkdir(join(dir, 'runs'), { recursive: true });
    await mkdir(join(dir, 'requests'), { recursive: true });
    const { journal, batches } = await JsonLinesJournal.open<EngineEvent>(
      join(dir, 'events.jsonl'),
    );
    const store = new FileRunStore(dir, journal);
    for (const batch of batches) store.events.push(...batch);
    store.seq = store.events.at(-1)?.seq ?? 0;
    for (const name of await readdir(join(dir, 'runs'))) {
      if (name.endsWith('.json')) {
        store.runs.set(name.slice(0, -5), await readFile(join(dir, 'runs', name), 'utf8'));
      }
    }
    for (const name of await readdir(join(dir, 'requests'))) {
      if (name.endsWith('.json')) {
        const text = await readFile(join(dir, 'requests', name), 'utf8');
        store.requests.set(name.slice(0, -5), JSON.parse(text) as RunRequest);
      }
    }
    return store;
  }

  async appendEvents(events: readonly NewEngineEvent[]): Promise<readonly EngineEvent[]> {
    // Numbered at call time, written in call order: seqs on disk strictly increase.
    const numbered = events.map((e): EngineEvent => ({ ...e, seq: ++this.seq }));
    await this.journal.append(numbered);
    this.events.push(...numbered);
    return numbered;
  }

  readEvents(query: EventQuery): Promise<readonly EngineEvent[]> {
    const after = query.afterSeq ?? 0;
    const found = this.events.filter(
      (e) => e.seq > after && (query.runId === undefined || e.runId === query.runId),
    );
    return Promise.resolve(query.limit === undefined ? found : found.slice(0, query.limit));
  }

  saveRun(snapshot: RunSnapshot): Promise<void> {
    const text = JSON.stringify(snapshot);
    return this.write(join('runs', `${snapshot.runId}.json`), text).then(() => {
      this.runs.set(snapshot.runId, text);
    });
  }

  getRun(runId: string): Promise<RunSnapshot | undefined> {
    const text = this.runs.get(runId);
    return Promise.resolve(text === undefined ? undefined : (JSON.parse(text) as RunSnapshot));
  }

  saveRunRequest(request: RunRequest): Promise<void> {
    const text = JSON.stringify(request);
    return this.write(join('requests', `${request.runId}.json`), text).then(() => {
      this.requests.set(request.runId, JSON.parse(text) as RunRequest);
    });
  }

  getRunRequest(runId: string): Promise<RunRequest | undefined> {
    return Promise.resolve(this.requests.get(runId));
  }

  listUnfinishedRuns(): Promise<RunSnapshot[]> {
    const open: RunSnapshot[] = [];
    for (const text of this.runs.values()) {
      const run = JSON.parse(text) as RunSnapshot;
      if (!isTerminal(run.status)) open.push(run);
    }
    return Promise.resolve(open.sort((a, b) => a.createdAt - b.createdAt));
  }

  /** Waits for pending writes and closes the event journal. */
  async close(): Promise<void> {
    await this.files;
    await this.journal.close();
  }

  /** Atomic replace of `dir/relative`, serialised with the other file writes (in call order). */
  private write(relative: string, text: string): Promise<void> {
    const target = join(this.dir, relative);
    const written = this.files.then(async () => {
      const temporary = `${target}.tmp`;
      const handle = await open(temporary, 'w');
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
    });
    this.files = written.catch(() => undefined);
    return written;
  }
}
