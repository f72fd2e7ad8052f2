/**
 * One spawner helper process (`spawner-main.ts`) and the launches it serves: starts the process,
 * speaks the protocol of `protocol.ts` over its stdin/stdout, and reports each job's events to its
 * listener. {@link SpawnerLauncher} keeps a pool of these and routes each launch to the least busy.
 *
 * The process is referenced (keeps the host's event loop alive) only while it has launches or jobs;
 * if it dies, its running jobs are killed and reported lost.
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

/**
 * See the module comment. Lifecycle: constructed (the process boots; requests sent meanwhile wait
 * in its stdin) → {@link ready} once the helper said so → gone (`onGone` called once) when the
 * process exits for any reason, including {@link retire}.
 */
export class SpawnerConnection {
  /** Launches not yet answered (`started`/`failed`): what the helper still has to spawn. */
  starting = 0;
  /** Whether the helper process has booted and reads requests. */
  ready = false;
  private readonly pending = new Map<number, Pending>();
  private readonly child: ChildProcess;
  /** A freshly spawned child and its pipes hold the event loop: the constructor lets go. */
  private referenced = true;
  /** Set by a retire or once the process is gone: no more launches. */
  private isGone = false;
  private processGone = false;

  constructor(
    private readonly onGone: (connection: SpawnerConnection) => void,
    /** Called when the helper has nothing left to do (no launch, no job). */
    private readonly onIdle: (connection: SpawnerConnection) => void = () => undefined,
  ) {
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

  /** Launches and jobs in this helper: 0 when it is idle. */
  get load(): number {
    return this.pending.size;
  }

  /** Asks the helper to spawn `request`; see `ProcessLauncher.launch`. */
  launch(id: number, request: LaunchRequest, listener: ProcessListener): Promise<LaunchedProcess> {
    return new Promise<LaunchedProcess>((resolve, reject) => {
      if (this.isGone) {
        reject(new Error("the local orchestrator's spawner process is gone"));
        return;
      }
      this.pending.set(id, {
        listener,
        resolve,
        reject,
        exited: false,
        open: new Set(['stdout', 'stderr']),
      });
      this.starting++;
      this.send({ op: 'spawn', id, ...request });
    });
  }

  /**
   * Ends an idle helper (closing its stdin makes it exit) and returns true; returns false, doing
   * nothing, while it has launches or jobs (they would be lost). A retired helper takes no launch.
   */
  retire(): boolean {
    if (this.pending.size > 0 || this.isGone) return false;
    this.isGone = true;
    this.child.stdin?.end();
    return true;
  }

  private send(request: SpawnerRequest): void {
    this.child.stdin?.write(JSON.stringify(request) + '\n');
    this.setReferenced(this.pending.size > 0);
  }

  private dispatch(event: SpawnerEvent): void {
    if (event.op === 'ready') {
      this.ready = true;
      // A helper booted for a burst that others absorbed has had nothing to do yet.
      if (this.pending.size === 0) this.onIdle(this);
      return;
    }
    const entry = this.pending.get(event.id);
    if (!entry) return;
    switch (event.op) {
      case 'started':
        this.starting--;
        entry.pid = event.pid;
        entry.resolve({
          pid: event.pid,
          pause: () => this.send({ op: 'pause', id: event.id }),
          resume: () => this.send({ op: 'resume', id: event.id }),
        });
        return;
      case 'failed': {
        this.starting--;
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
    if (this.pending.size === 0) this.onIdle(this);
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
    if (this.processGone) return;
    this.processGone = true;
    this.isGone = true;
    this.ready = false;
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
    this.starting = 0;
    this.setReferenced(false);
  }
}
