/**
 * The data directory's lock: one server process per data directory (its SQLite state, the log
 * store, local workspaces, the secret key).
 *
 * Why a SQLite file and not a lock file of our own: Node has no `flock`/`fcntl` in its standard
 * library, and a plain lock file (or `proper-lockfile`'s mkdir + mtime scheme) outlives a
 * SIGKILLed owner until some staleness timeout passes. SQLite's exclusive locking mode takes a
 * POSIX `fcntl` write lock on the file and keeps it while the connection is open; the kernel
 * drops it the moment the process dies, however it dies. better-sqlite3 is already a dependency
 * of the server, so this costs no new native module (the npm wrappers of `flock` — fs-ext,
 * os-lock, fs-native-extensions — are native add-ons that would add a build or prebuilt binary).
 *
 * The holder's pid goes to a plain file beside it (`server.pid`): the lock database itself cannot
 * be read by anyone while it is locked exclusively. The pid is informative; the lock decides.
 */
import { hostname } from 'node:os';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { alreadyRunning } from './server-lock.js';
import type { ServerLock } from './server-lock.js';

/** The lock database inside the data directory. */
export const DATA_DIR_LOCK_FILE = 'server.lock';
/** Who holds the lock: `<pid> <host>`, written once the lock is taken. */
export const DATA_DIR_PID_FILE = 'server.pid';

/**
 * Takes the data directory's lock, or throws {@link alreadyRunning} at once (no waiting) naming
 * the directory and the process that holds it. The directory must exist.
 *
 * @throws OperationalError SERVER_ALREADY_RUNNING when another process (or another server in this
 *   process) holds it; other SQLite errors (unwritable directory...) as they are.
 */
export function lockDataDir(dataDir: string): ServerLock {
  const path = join(dataDir, DATA_DIR_LOCK_FILE);
  const pidPath = join(dataDir, DATA_DIR_PID_FILE);
  // timeout 0: a held lock is an answer, not something to wait for.
  const db = new BetterSqlite3(path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // No journal file next to the lock: it only ever holds the one row below.
    db.pragma('journal_mode = MEMORY');
    // The first write takes the exclusive lock; EXCLUSIVE locking mode keeps it after COMMIT
    // until the connection closes (or the process dies).
    db.exec('BEGIN EXCLUSIVE');
    db.exec(
      'CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL); DELETE FROM holder',
    );
    db.prepare('INSERT INTO holder VALUES (?, ?, ?)').run(
      process.pid,
      hostname(),
      new Date().toISOString(),
    );
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw alreadyRunning(
        `another ContainerOps server (${holderOf(pidPath)}) is using the data directory ${dataDir}: ` +
          'stop it first, or give this one another directory (--data DIR or CONTAINEROPS_DATA)',
      );
    }
    throw error;
  }
  const tmp = `${pidPath}.${process.pid}`;
  writeFileSync(tmp, `${process.pid} ${hostname()}\n`);
  renameSync(tmp, pidPath);
  let released = false;
  return {
    what: `data directory ${dataDir}`,
    release() {
      if (released) return Promise.resolve();
      released = true;
      // The pid file goes first: once the lock is free a new server may write its own.
      rmSync(pidPath, { force: true });
      db.close();
      return Promise.resolve();
    },
  };
}

/** `pid 1234 on host web-1`, from the holder's pid file when it is there. */
function holderOf(pidPath: string): string {
  try {
    const [pid, host] = readFileSync(pidPath, 'utf8').trim().split(/\s+/);
    if (pid !== undefined && /^\d+$/.test(pid)) {
      return host === undefined || host === '' ? `pid ${pid}` : `pid ${pid} on host ${host}`;
    }
  } catch {
    // No pid file yet (the holder is starting) or it is unreadable: the lock still decides.
  }
  return 'pid unknown';
}
