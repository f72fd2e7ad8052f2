/**
 * better-sqlite3 (what the project uses) against sqlite3 (node-sqlite3, what the design card
 * names), for our two write patterns (issue 13, item 4). Same SQLite settings for both (WAL,
 * synchronous=NORMAL), a fresh file per repeat, median of REPEATS, the drivers alternating.
 *
 * - log ingest: the log store's pattern: LINES lines of 80 bytes for one job into a WITHOUT ROWID
 *   table keyed (job_id, attempt, seq), batches of 1,000 lines, each batch one transaction of
 *   `INSERT OR IGNORE` statements of 64 rows (as plugins/logstore-sqlite does).
 * - run-state writes: the run store's pattern: EVENTS engine events, each its own transaction
 *   inserting the event (run id, seq, ~300 bytes of JSON) and updating the run's row.
 *
 * Both drivers are driven the way each is meant to be: better-sqlite3 synchronously with prepared
 * statements; sqlite3 through its callback API (prepared statements, `serialize`), awaited per
 * transaction, as a caller in an async server would.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import sqlite3 from 'sqlite3';
import { median, round } from './stats.js';
import { writeResults } from './results.js';

const LINES = Number(process.env.BENCH_LINES ?? 200_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const BATCH = 1000;
const ROWS_PER_INSERT = 64;

const SCHEMA = `
  CREATE TABLE log_lines (job_id INTEGER NOT NULL, attempt INTEGER NOT NULL, seq INTEGER NOT NULL,
    stream INTEGER NOT NULL, time INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (job_id, attempt, seq)) WITHOUT ROWID;
  CREATE TABLE runs (id TEXT PRIMARY KEY, status TEXT NOT NULL, updated_at INTEGER NOT NULL);
  CREATE TABLE run_events (run_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (run_id, seq));
  INSERT INTO runs VALUES ('run-1', 'running', 0);`;
const PRAGMAS = ['journal_mode = WAL', 'synchronous = NORMAL'];

const insertLines = (rows: number): string =>
  'INSERT OR IGNORE INTO log_lines (job_id, attempt, seq, stream, time, text) VALUES ' +
  Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?)').join(', ');
const INSERT_EVENT = 'INSERT INTO run_events (run_id, seq, body) VALUES (?, ?, ?)';
const UPDATE_RUN = 'UPDATE runs SET status = ?, updated_at = ? WHERE id = ?';

function lineValues(from: number, count: number): (number | string)[] {
  const values: (number | string)[] = [];
  for (let seq = from; seq < from + count; seq++) {
    const head = `[build] compiling module ${seq} `;
    values.push(1, 1, seq, 0, 1_700_000_000_000 + seq, head + '.'.repeat(80 - head.length));
  }
  return values;
}

function eventBody(seq: number): string {
  return JSON.stringify({
    runId: 'run-1',
    seq,
    time: 1_700_000_000_000 + seq,
    scope: 'job',
    path: `stage-${seq % 7}.action.job-${seq % 13}`,
    status: seq % 2 === 0 ? 'running' : 'succeeded',
    outputs: { IMAGE: `registry.local/app:${seq}`, DIGEST: 'sha256:'.padEnd(71, 'a') },
  });
}

/** A driver under test: opens a file, then runs the two patterns. */
interface Driver {
  readonly name: string;
  ingest(path: string): Promise<number>;
  stateWrites(path: string): Promise<number>;
}

const better: Driver = {
  name: 'better-sqlite3',
  ingest(path) {
    const db = new BetterSqlite3(path);
    for (const pragma of PRAGMAS) db.pragma(pragma);
    db.exec(SCHEMA);
    // Prepared once per row count (64, and the batch's shorter tail), as for sqlite3 below.
    const statements = new Map<number, BetterSqlite3.Statement>();
    const statement = (rows: number): BetterSqlite3.Statement => {
      let prepared = statements.get(rows);
      if (prepared === undefined) statements.set(rows, (prepared = db.prepare(insertLines(rows))));
      return prepared;
    };
    const batch = db.transaction((values: (number | string)[]) => {
      for (let i = 0; i < values.length; i += ROWS_PER_INSERT * 6) {
        const chunk = values.slice(i, i + ROWS_PER_INSERT * 6);
        statement(chunk.length / 6).run(...chunk);
      }
    });
    let ms = 0;
    for (let from = 1; from <= LINES; from += BATCH) {
      const values = lineValues(from, BATCH);
      const t0 = performance.now();
      batch(values);
      ms += performance.now() - t0;
    }
    db.close();
    return Promise.resolve(LINES / (ms / 1000));
  },
  stateWrites(path) {
    const db = new BetterSqlite3(path);
    for (const pragma of PRAGMAS) db.pragma(pragma);
    db.exec(SCHEMA);
    const insert = db.prepare(INSERT_EVENT);
    const update = db.prepare(UPDATE_RUN);
    const write = db.transaction((seq: number, body: string) => {
      insert.run('run-1', seq, body);
      update.run(seq % 2 === 0 ? 'running' : 'succeeded', seq, 'run-1');
    });
    let ms = 0;
    for (let seq = 1; seq <= EVENTS; seq++) {
      const body = eventBody(seq);
      const t0 = performance.now();
      write(seq, body);
      ms += performance.now() - t0;
    }
    db.close();
    return Promise.resolve(EVENTS / (ms / 1000));
  },
};

/** node-sqlite3's callback API as promises (only what the bench uses). */
class AsyncDb {
  constructor(private readonly db: sqlite3.Database) {}
  static open(path: string): Promise<AsyncDb> {
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(path, (error) =>
        error === null ? resolve(new AsyncDb(db)) : reject(error),
      );
    });
  }
  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.db.exec(sql, (error) => (error === null ? resolve() : reject(error))),
    );
  }
  prepare(sql: string): Promise<sqlite3.Statement> {
    return new Promise((resolve, reject) => {
      const statement = this.db.prepare(sql, (error) =>
        error === null ? resolve(statement) : reject(error),
      );
    });
  }
  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.db.close((error) => (error === null ? resolve() : reject(error))),
    );
  }
}

function run(statement: sqlite3.Statement, values: readonly unknown[]): Promise<void> {
  return new Promise((resolve, reject) =>
    statement.run(values, (error: Error | null) => (error === null ? resolve() : reject(error))),
  );
}

async function openAsync(path: string): Promise<AsyncDb> {
  const db = await AsyncDb.open(path);
  for (const pragma of PRAGMAS) await db.exec(`PRAGMA ${pragma}`);
  await db.exec(SCHEMA);
  return db;
}

const node: Driver = {
  name: 'sqlite3',
  async ingest(path) {
    const db = await openAsync(path);
    // Prepared once per row count (64, and the batch's shorter tail), finalized before close.
    const statements = new Map<number, sqlite3.Statement>();
    const statement = async (rows: number): Promise<sqlite3.Statement> => {
      let prepared = statements.get(rows);
      if (prepared === undefined)
        statements.set(rows, (prepared = await db.prepare(insertLines(rows))));
      return prepared;
    };
    let ms = 0;
    for (let from = 1; from <= LINES; from += BATCH) {
      const values = lineValues(from, BATCH);
      const t0 = performance.now();
      await db.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < values.length; i += ROWS_PER_INSERT * 6) {
        const chunk = values.slice(i, i + ROWS_PER_INSERT * 6);
        await run(await statement(chunk.length / 6), chunk);
      }
      await db.exec('COMMIT');
      ms += performance.now() - t0;
    }
    for (const prepared of statements.values())
      await new Promise((resolve) => prepared.finalize(resolve));
    await db.close();
    return LINES / (ms / 1000);
  },
  async stateWrites(path) {
    const db = await openAsync(path);
    const insert = await db.prepare(INSERT_EVENT);
    const update = await db.prepare(UPDATE_RUN);
    let ms = 0;
    for (let seq = 1; seq <= EVENTS; seq++) {
      const body = eventBody(seq);
      const t0 = performance.now();
      await db.exec('BEGIN IMMEDIATE');
      await run(insert, ['run-1', seq, body]);
      await run(update, [seq % 2 === 0 ? 'running' : 'succeeded', seq, 'run-1']);
      await db.exec('COMMIT');
      ms += performance.now() - t0;
    }
    await new Promise((resolve) => insert.finalize(resolve));
    await new Promise((resolve) => update.finalize(resolve));
    await db.close();
    return EVENTS / (ms / 1000);
  },
};

async function measure(
  driver: Driver,
  pattern: 'ingest' | 'stateWrites',
  dir: string,
  repeat: number,
): Promise<number> {
  return Math.round(await driver[pattern](join(dir, `${driver.name}-${pattern}-${repeat}.db`)));
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'co-bench-sqlite-drivers-'));
  const uptimeBefore = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const runs: Record<string, Record<string, number[]>> = {
    [better.name]: { ingest: [], stateWrites: [] },
    [node.name]: { ingest: [], stateWrites: [] },
  };
  try {
    // Warm-up of both (JIT, the native modules' first calls), not recorded.
    for (const driver of [better, node]) await measure(driver, 'stateWrites', dir, -1);
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const pattern of ['ingest', 'stateWrites'] as const) {
        // Alternate which driver goes first, so a drift of the machine hits both alike.
        const order = repeat % 2 === 0 ? [better, node] : [node, better];
        for (const driver of order)
          runs[driver.name]?.[pattern]?.push(await measure(driver, pattern, dir, repeat));
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const summary = (name: string) => ({
    ingestLinesPerSecond: median(runs[name]?.['ingest'] ?? []),
    stateWritesPerSecond: median(runs[name]?.['stateWrites'] ?? []),
    repeats: runs[name],
  });
  const b = summary(better.name);
  const n = summary(node.name);
  const results = {
    lines: LINES,
    events: EVENTS,
    repeats: REPEATS,
    versions: {
      'better-sqlite3': (await import('better-sqlite3/package.json', { with: { type: 'json' } }))
        .default.version,
      sqlite3: (await import('sqlite3/package.json', { with: { type: 'json' } })).default.version,
    },
    [better.name]: b,
    [node.name]: n,
    ratio: {
      ingest: round(b.ingestLinesPerSecond / n.ingestLinesPerSecond, 2),
      stateWrites: round(b.stateWritesPerSecond / n.stateWritesPerSecond, 2),
    },
    uptimeBefore,
    uptimeAfter: execFileSync('uptime', { encoding: 'utf8' }).trim(),
  };
  const file = await writeResults('sqlite-drivers', results);
  console.log(JSON.stringify(results, null, 2));
  console.log(`results written to ${file}`);
}

await main();
