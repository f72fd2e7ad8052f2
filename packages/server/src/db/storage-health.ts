/**
 * Whether the server can store what it is asked to store. A write that fails because the disk (or
 * the database server) is full marks its area failing; readiness (`/readyz`) reports it, and
 * mutations are refused with STORAGE_FULL instead of being acknowledged. Recovery needs no
 * operator: while an area fails, a probe (a tiny real write, plus free space on a local file
 * system) runs at most every `probeIntervalMs`, from a background timer and from whoever asks,
 * and the first probe that passes clears the area. A successful real write clears it too.
 *
 * Every change is logged once: the failure (with the driver's message) and the recovery.
 */
import { statfs } from 'node:fs/promises';
import type { ServerLogger } from '../logger.js';
import { silentServerLogger } from '../logger.js';
import { StorageFullError } from './storage-failure.js';

/** Where the server stores things: its database, and the job log store. */
export type StorageArea = 'database' | 'logStore';

/** How an area is checked once it failed. */
export interface StorageProbe {
  /** A tiny real write (and its removal); rejects while the storage refuses writes. */
  write(): Promise<void>;
  /** A directory on the local file system holding the area's files (SQLite); none for a server. */
  readonly dir?: string;
}

export interface StorageHealthOptions {
  readonly log?: ServerLogger;
  readonly probes?: Partial<Record<StorageArea, StorageProbe>>;
  /**
   * Free bytes a local file system must have before a failed area counts as recovered, so a
   * probe that fits in space SQLite already holds does not declare a disk with a few KiB free
   * usable. Default 4 MiB.
   */
  readonly minFreeBytes?: number;
  /** Least time between two probes. Default 1,000 ms. */
  readonly probeIntervalMs?: number;
}

/** One failing area, as readiness reports it. */
export interface StorageProblem {
  readonly area: StorageArea;
  /** The driver's message of the last failure. */
  readonly reason: string;
  /** When the area started failing (ms epoch). */
  readonly since: number;
}

const DEFAULT_MIN_FREE_BYTES = 4 * 1024 * 1024;
const DEFAULT_PROBE_INTERVAL_MS = 1000;

export class StorageHealth {
  private readonly failing = new Map<StorageArea, StorageProblem>();
  private options: StorageHealthOptions;
  private probing: Promise<void> | undefined;
  private lastProbe = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: StorageHealthOptions = {}) {
    this.options = options;
  }

  /** Adds the logger and probes once the parts they need exist (the database comes first). */
  configure(options: StorageHealthOptions): void {
    this.options = { ...this.options, ...options };
  }

  /** True while no area is failing. */
  get writable(): boolean {
    return this.failing.size === 0;
  }

  /** The failing areas, oldest first. */
  problems(): StorageProblem[] {
    return [...this.failing.values()].sort((a, b) => a.since - b.since);
  }

  /** A write to `area` failed for lack of space (`error` is the driver's). */
  failed(area: StorageArea, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    const known = this.failing.get(area);
    this.failing.set(area, { area, reason, since: known?.since ?? Date.now() });
    if (known !== undefined) return;
    this.log().error(
      `storage: ${area} is full, writes fail (${reason}); mutations answer STORAGE_FULL and ` +
        '/readyz is not ready until space is freed (checked every ' +
        `${this.interval() / 1000}s, no restart needed)`,
    );
    this.timer ??= setInterval(() => void this.check(), this.interval());
    this.timer.unref();
  }

  /** A write to `area` succeeded: the area works (again). */
  succeeded(area: StorageArea): void {
    const known = this.failing.get(area);
    if (known === undefined) return;
    this.failing.delete(area);
    this.log().info(
      `storage: ${area} writes work again after ${Math.round((Date.now() - known.since) / 1000)}s`,
    );
    if (this.failing.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Probes the failing areas (unless probed within the interval); resolves with what is failing. */
  async check(): Promise<StorageProblem[]> {
    if (this.failing.size > 0 && Date.now() - this.lastProbe >= this.interval()) {
      this.probing ??= this.probe().finally(() => {
        this.lastProbe = Date.now();
        this.probing = undefined;
      });
    }
    if (this.probing !== undefined) await this.probing;
    return this.problems();
  }

  /** Throws STORAGE_FULL while an area is failing (after a probe, when one is due). */
  async assertWritable(what: string): Promise<void> {
    const problems = await this.check();
    if (problems.length === 0) return;
    const areas = problems.map((p) => p.area).join(' and ');
    throw new StorageFullError(`${areas}; refused: ${what}`);
  }

  /** Logs a storage event that changes no state (a repaired transaction, say). */
  warn(message: string): void {
    this.log().warn(message);
  }

  /** Stops the background probe. */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async probe(): Promise<void> {
    for (const area of [...this.failing.keys()]) {
      const probe = this.options.probes?.[area];
      if (probe === undefined) continue;
      try {
        if (probe.dir !== undefined) {
          const fs = await statfs(probe.dir);
          const free = fs.bavail * fs.bsize;
          const needed = this.options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
          if (free < needed) {
            this.failed(area, new Error(`${free} bytes free in ${probe.dir}, ${needed} needed`));
            continue;
          }
        }
        await probe.write();
        this.succeeded(area);
      } catch (error) {
        this.failed(area, error);
      }
    }
  }

  private interval(): number {
    return this.options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
  }

  private log(): ServerLogger {
    return this.options.log ?? silentServerLogger;
  }
}
