/**
 * Launches jobs through spawner helper processes (`spawner-main.ts`) instead of forking the
 * process that hosts the engine. Forking a large process (the server: ~200 MB) blocks its event
 * loop until the child has exec'd (2–6 ms measured, during which no API request is served) and
 * makes it pay copy-on-write faults afterwards; a helper is ~40 MB and does nothing else.
 * Measured per job in the host process: ~0.2 ms of CPU instead of 0.9–1.4 ms. The price is two
 * hops between processes on a job's way (~0.1–0.3 ms of latency), so a small short-lived host
 * such as the CLI may prefer `InProcessLauncher`.
 *
 * **A pool, not one helper.** A helper's spawn is synchronous (libuv forks and waits for the
 * exec), so one helper starts jobs one at a time: with one helper, runs per second through the
 * API were ≈ 1 ÷ the spawn time however many cores the machine had (issue 18). The pool holds up
 * to `size` helpers (default: the cores Node reports, `os.availableParallelism()`), each launch
 * going to the least busy ready one. It grows lazily: the first helper starts with the first
 * launch (or {@link SpawnerLauncher.warmUp}); another one only when every helper is busy spawning
 * at the moment of a launch, one booting at a time. Sequential jobs (the CLI's usual case) never
 * start a second helper. A helper beyond the first that stays idle for `idleMs` is ended, so a
 * burst does not leave its helpers' memory behind. A helper that dies is dropped from the pool
 * (its running jobs are killed and reported lost) and replaced by the next launch that needs one.
 *
 * The pool is shared by every `local` orchestrator of the process ({@link SpawnerLauncher.shared})
 * and keeps a helper referenced only while it has jobs, so it never keeps the host alive.
 */
import { availableParallelism } from 'node:os';
import type {
  LaunchedProcess,
  LaunchRequest,
  ProcessLauncher,
  ProcessListener,
} from '../process-launcher.js';
import { SpawnerConnection } from './spawner-connection.js';

/** How long a helper beyond the first may stay idle before it is ended. */
const DEFAULT_IDLE_MS = 30_000;

export interface SpawnerPoolOptions {
  /** Most helpers at once; default `os.availableParallelism()` (at least 1). */
  readonly size?: number;
  /** Idle time after which a helper other than the first is ended; default 30 s. */
  readonly idleMs?: number;
}

/** See the module comment. */
export class SpawnerLauncher implements ProcessLauncher {
  private static sharedInstance: SpawnerLauncher | undefined;
  /** Oldest first: the first one is never retired for idleness. */
  private readonly helpers: SpawnerConnection[] = [];
  private readonly idleTimers = new Map<SpawnerConnection, ReturnType<typeof setTimeout>>();
  private nextId = 1;
  readonly size: number;
  private readonly idleMs: number;

  constructor(options: SpawnerPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /**
   * The launcher every `local` orchestrator of this process uses: one pool per process, however
   * many orchestrators it creates (a test process or a server with several configured ones would
   * otherwise keep helpers for each). Its size is the cores, or `CONTAINEROPS_LOCAL_SPAWNERS`
   * when set to a positive integer (for measuring: the benches compare pool sizes with it).
   */
  static shared(): SpawnerLauncher {
    const fromEnv = Number(process.env['CONTAINEROPS_LOCAL_SPAWNERS']);
    return (SpawnerLauncher.sharedInstance ??= new SpawnerLauncher(
      Number.isInteger(fromEnv) && fromEnv > 0 ? { size: fromEnv } : {},
    ));
  }

  /**
   * Starts the first helper now, if none is running, so that its start-up (a Node process booting,
   * ~0.1–0.5 s) overlaps with what the host does before its first job — parsing, validating,
   * preparing the run — instead of sitting on that job's path. Idle, a helper keeps no host
   * alive. Idempotent and cheap.
   */
  warmUp(): void {
    if (this.helpers.length === 0) this.addHelper();
  }

  /** Whether a helper process is running (started by a job or by {@link warmUp}). */
  get running(): boolean {
    return this.helpers.length > 0;
  }

  /** Helper processes in the pool now (booting ones included). */
  get helperCount(): number {
    return this.helpers.length;
  }

  /** Helper processes in the pool that have booted. */
  get readyCount(): number {
    return this.helpers.filter((helper) => helper.ready).length;
  }

  launch(request: LaunchRequest, listener: ProcessListener): Promise<LaunchedProcess> {
    const helper = this.pick();
    const timer = this.idleTimers.get(helper);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.idleTimers.delete(helper);
    }
    return helper.launch(this.nextId++, request, listener);
  }

  /**
   * The least busy helper: ready before booting (a boot takes hundreds of spawns' time), then
   * fewest spawns waiting, then fewest jobs. Grows the pool when even that one is spawning.
   */
  private pick(): SpawnerConnection {
    let best: SpawnerConnection | undefined;
    let booting = false;
    for (const helper of this.helpers) {
      if (!helper.ready) booting = true;
      if (best === undefined || busier(best, helper)) best = helper;
    }
    if (best === undefined) return this.addHelper();
    if (best.starting > 0 && !booting && this.helpers.length < this.size) this.addHelper();
    return best;
  }

  private addHelper(): SpawnerConnection {
    const helper = new SpawnerConnection(
      (gone) => this.forget(gone),
      (idle) => this.scheduleRetirement(idle),
    );
    this.helpers.push(helper);
    return helper;
  }

  /** Drops a dead or retired helper from the pool; the next launch that needs one starts one. */
  private forget(helper: SpawnerConnection): void {
    const at = this.helpers.indexOf(helper);
    if (at >= 0) this.helpers.splice(at, 1);
    const timer = this.idleTimers.get(helper);
    if (timer !== undefined) clearTimeout(timer);
    this.idleTimers.delete(helper);
  }

  private scheduleRetirement(helper: SpawnerConnection): void {
    if (this.helpers[0] === helper || this.idleTimers.has(helper)) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(helper);
      if (this.helpers[0] !== helper && helper.retire()) this.forget(helper);
    }, this.idleMs);
    timer.unref(); // an idle pool never keeps the host alive
    this.idleTimers.set(helper, timer);
  }
}

/** Whether `a` is a worse choice than `b` for the next launch (see `pick`). */
function busier(a: SpawnerConnection, b: SpawnerConnection): boolean {
  if (a.ready !== b.ready) return b.ready;
  if (a.starting !== b.starting) return a.starting > b.starting;
  return a.load > b.load;
}
