/**
 * Launches jobs through a spawner helper process (`spawner-main.ts`) instead of forking the
 * process that hosts the engine. Forking a large process (the server: ~200 MB) blocks its event
 * loop until the child has exec'd (2–6 ms measured here, during which no API request is served)
 * and makes it pay copy-on-write faults afterwards; the helper is ~40 MB and does nothing else.
 * Measured per job in the host process: ~0.2 ms of CPU instead of 0.9–1.4 ms. The price is two
 * hops between processes on a job's way (~0.1–0.3 ms of latency), so a small short-lived host
 * such as the CLI may prefer `InProcessLauncher`.
 *
 * The helper starts with the first launch, is shared by every `local` orchestrator of the process
 * ({@link SpawnerLauncher.shared}), and is kept referenced only while jobs run, so it never keeps
 * the host process alive. If it dies, its running jobs are killed and reported lost, and the
 * next launch starts a new one.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogStream } from '@containerops/sdk';
import { killGroup } from '../process-group.js';
import type {
  LaunchedProcess,
  LaunchError,
  LaunchRequest,
  ProcessLauncher,
  ProcessListener,
} from '../process-launcher.js';
import { JsonLineReader } from './protocol.js';
import type { SpawnerEvent, SpawnerRequest } from './protocol.js';

/** A launch waiting for `started`, or a running process waiting for its events. */
interface Pending {
  readonly listener: ProcessListener;
  resolve(process: LaunchedProcess): void;
  reject(error: LaunchError): void;
  pid?: number;
  exited: boolean;
  /** Streams not yet `closed`. */
  readonly open: Set<LogStream>;
}

/** Something holding a libuv handle that may or may not keep the event loop alive. */
interface Refable {
  ref(): void;
  unref(): void;
}

/**
 * How the helper program is run: the built `.js` next to this file, or, when this package runs
 * from source (tests, benches), the `.ts` under tsx, from the host's working directory so that tsx
 * and its settings (`TSX_TSCONFIG_PATH` may be relative) resolve as they did for the host. The
 * helper's own working directory matters to nothing else: jobs get theirs in the spawn request.
 */
function helperCommand(): { script: string; execArgv: string[]; cwd: string } {
  const here = fileURLToPath(import.meta.url);
  const dir = dirname(here);
  if (here.endsWith('.ts')) {
    return {
      script: join(dir, 'spawner-main.ts'),
      execArgv: ['--import', 'tsx'],
      cwd: process.cwd(),
    };
  }
  return { script: join(dir, 'spawner-main.js'), execArgv: [], cwd: dir };
}

/** One helper process and the launches it serves. */
class SpawnerConnection {
  readonly pending = new Map<number, Pending>();
  private readonly child: ChildProcess;
  /** A freshly spawned child and its pipes hold the event loop: the constructor lets go. */
  private referenced = true;

  constructor(private readonly onGone: (connection: SpawnerConnection) => void) {
    const { script, execArgv, cwd } = helperCommand();
    this.child = spawn(process.execPath, [...execArgv, script], {
      cwd,
      detached: true, // its own session: a terminal's Ctrl-C is for the host, not the helper
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.child.on('error', (error) => this.gone(`could not start: ${error.message}`));
    this.child.once('exit', (code, signal) =>
      this.gone(signal ? `was killed by ${signal}` : `exited with code ${code ?? 'none'}`),
    );
    this.child.stdin?.on('error', () => undefined); // its exit reports the failure
    const reader = new JsonLineReader<SpawnerEvent>((event) => this.dispatch(event));
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (text: string) => reader.push(text));
    this.setReferenced(false);
  }

  send(request: SpawnerRequest): void {
    this.child.stdin?.write(JSON.stringify(request) + '\n');
    this.setReferenced(this.pending.size > 0);
  }

  private dispatch(event: SpawnerEvent): void {
    const entry = this.pending.get(event.id);
    if (!entry) return;
    switch (event.op) {
      case 'started':
        entry.pid = event.pid;
        entry.resolve({
          pid: event.pid,
          pause: () => this.send({ op: 'pause', id: event.id }),
          resume: () => this.send({ op: 'resume', id: event.id }),
        });
        return;
      case 'failed': {
        this.forget(event.id);
        const error = new Error(event.message) as Error & { code?: string };
        if (event.code !== undefined) error.code = event.code;
        entry.reject(error);
        return;
      }
      case 'lines':
        entry.listener.lines(event.stream, event.lines, event.time, event.partial);
        return;
      case 'closed':
        entry.open.delete(event.stream);
        entry.listener.closed(event.stream);
        if (entry.open.size === 0 && entry.exited) this.forget(event.id);
        return;
      case 'exited': {
        const pid = entry.pid;
        if (pid === undefined) return; // `started` always comes first
        entry.exited = true;
        if (entry.open.size === 0) this.forget(event.id);
        entry.listener.exited(pid, event.code, event.signal);
      }
    }
  }

  private forget(id: number): void {
    this.pending.delete(id);
    this.setReferenced(this.pending.size > 0);
  }

  /** Keeps the host alive while jobs run, and only then. */
  private setReferenced(referenced: boolean): void {
    if (referenced === this.referenced) return;
    this.referenced = referenced;
    // The pipes are `net.Socket`s (Node types them as plain streams), each holding a handle.
    const handles = [this.child, this.child.stdin, this.child.stdout] as (Refable | null)[];
    for (const handle of handles) {
      if (referenced) handle?.ref();
      else handle?.unref();
    }
  }

  private gone(why: string): void {
    this.onGone(this);
    const message = `the local orchestrator's spawner process ${why}`;
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      if (entry.pid === undefined) {
        entry.reject(new Error(message));
        continue;
      }
      // Nobody reads its pipes any more; like a container whose runtime died, the job is lost.
      killGroup(entry.pid, 'SIGKILL');
      for (const stream of entry.open) entry.listener.closed(stream);
      if (!entry.exited) entry.listener.exited(entry.pid, null, null, message);
    }
    this.setReferenced(false);
  }
}

/** See the module comment. */
export class SpawnerLauncher implements ProcessLauncher {
  private static sharedInstance: SpawnerLauncher | undefined;
  private connection: SpawnerConnection | undefined;
  private nextId = 1;

  /**
   * The launcher every `local` orchestrator of this process uses: one helper per process, however
   * many orchestrators it creates (a test process or a server with several configured ones would
   * otherwise keep a helper for each).
   */
  static shared(): SpawnerLauncher {
    return (SpawnerLauncher.sharedInstance ??= new SpawnerLauncher());
  }

  /**
   * Starts the helper now, if it is not running, so that its start-up (a Node process booting,
   * ~0.1–0.5 s) overlaps with what the host does before its first job — parsing, validating,
   * preparing the run — instead of sitting on that job's path. Idle, the helper keeps no host
   * alive. Idempotent and cheap.
   */
  warmUp(): void {
    this.connect();
  }

  /** Whether a helper process is running (started by a job or by {@link warmUp}). */
  get running(): boolean {
    return this.connection !== undefined;
  }

  private connect(): SpawnerConnection {
    return (this.connection ??= new SpawnerConnection((gone) => {
      if (this.connection === gone) this.connection = undefined;
    }));
  }

  launch(request: LaunchRequest, listener: ProcessListener): Promise<LaunchedProcess> {
    const connection = this.connect();
    const id = this.nextId++;
    return new Promise<LaunchedProcess>((resolve, reject) => {
      connection.pending.set(id, {
        listener,
        resolve,
        reject,
        exited: false,
        open: new Set(['stdout', 'stderr']),
      });
      connection.send({ op: 'spawn', id, ...request });
    });
  }
}
