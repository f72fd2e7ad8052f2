/**
 * Pre-seeded `$CO_OUTPUT` volumes, so seeding is not on a job's start path.
 *
 * Seeding a container's own filesystem (`PUT /archive`) makes Docker 20.10 re-exec itself to
 * untar in a chroot: 60-110 ms between a job's create and its start, every job. A named volume
 * mounted at `/co` does the same job (private to the one container that mounts it, read back
 * through the same archive API) and can be seeded ahead of time, many at once: one helper
 * container (created from the job's image, never started) mounts a batch of new volumes and one
 * archive upload gives each a 0777 root and an empty 0666 `output`. Batches are filled in the
 * background while earlier jobs run; a job that finds none ready seeds its own container as before.
 *
 * Every volume and helper carries the run's labels, `containerops.run-id` and
 * `containerops.role` ({@link OUTPUT_ROLE} / {@link SEEDER_ROLE}), so `cleanup` of the run finds
 * whatever is left, even after a crash.
 */
import { randomBytes } from 'node:crypto';
import type Dockerode from 'dockerode';
import { JobLabel } from '@containerops/sdk';
import { createTar } from './tar.js';

/** Label naming what a non-job object of a run is for. */
export const ROLE_LABEL = 'containerops.role';
/** `containerops.role` of a pooled `$CO_OUTPUT` volume. */
export const OUTPUT_ROLE = 'output';
/** `containerops.role` of the never-started helper container that seeds a batch. */
export const SEEDER_ROLE = 'output-seeder';

/** Batch sizes: small for the first (a run of one job wastes little), growing to the last. */
const BATCHES = [4, 8, 16] as const;
/** Refill when this few are left, so the next jobs do not find the pool empty. */
const LOW_WATER = 2;

interface RunPool {
  readonly labels: Readonly<Record<string, string>>;
  readonly ready: string[];
  refill: Promise<void> | undefined;
  batches: number;
  /** A batch failed: stop trying for this run (jobs seed their own containers). */
  broken: boolean;
}

/** What a volume or helper of run `runId` is labelled with. */
export function poolLabels(
  runId: string,
  runLabels: Readonly<Record<string, string>>,
  role: string,
): Record<string, string> {
  return { ...runLabels, [JobLabel.managed]: 'true', [JobLabel.runId]: runId, [ROLE_LABEL]: role };
}

/**
 * Per-run pools of seeded output volumes. `take` never waits for Docker; refills run in the
 * background, at most one per run at a time. Not shared between processes.
 */
export class OutputVolumePool {
  private readonly runs = new Map<string, RunPool>();

  constructor(private readonly docker: Dockerode) {}

  /**
   * A seeded volume for one job of run `runId` (the caller mounts it at `/co` and removes it
   * after the job), or undefined when none is ready (the caller seeds the container itself).
   * Starts a background refill when few are left; `image` must be present on the engine (the
   * helper container is created from it, never started).
   */
  take(
    runId: string,
    runLabels: Readonly<Record<string, string>>,
    image: string,
  ): string | undefined {
    let pool = this.runs.get(runId);
    if (pool === undefined) {
      pool = { labels: runLabels, ready: [], refill: undefined, batches: 0, broken: false };
      this.runs.set(runId, pool);
    }
    const volume = pool.ready.shift();
    if (!pool.broken && pool.refill === undefined && pool.ready.length <= LOW_WATER) {
      const size = BATCHES[Math.min(pool.batches, BATCHES.length - 1)] ?? LOW_WATER;
      pool.batches += 1;
      const current = pool;
      current.refill = this.seedBatch(runId, current, image, size)
        .catch(() => {
          current.broken = true;
        })
        .finally(() => {
          current.refill = undefined;
        });
    }
    return volume;
  }

  /**
   * Forgets run `runId` after waiting for its refill in flight. Its volumes and helpers are left
   * to the caller, which removes everything labelled with the run (see {@link poolLabels}).
   * Never rejects.
   */
  async close(runId: string): Promise<void> {
    const pool = this.runs.get(runId);
    if (pool === undefined) return;
    pool.broken = true; // no new refill from a late take()
    await pool.refill;
    this.runs.delete(runId);
  }

  private async seedBatch(
    runId: string,
    pool: RunPool,
    image: string,
    size: number,
  ): Promise<void> {
    const names = Array.from({ length: size }, () => `co-out-${randomBytes(10).toString('hex')}`);
    const volumeLabels = poolLabels(runId, pool.labels, OUTPUT_ROLE);
    // Docker creates the named volumes (with these labels) as part of the helper's create.
    const helper = await this.docker.createContainer({
      Image: image,
      Entrypoint: ['/co-output-seeder-never-started'],
      Cmd: [],
      Labels: poolLabels(runId, pool.labels, SEEDER_ROLE),
      HostConfig: {
        NetworkMode: 'none',
        Mounts: names.map((name, i) => ({
          Type: 'volume' as const,
          Source: name,
          Target: `/v${i}`,
          VolumeOptions: {
            NoCopy: true,
            Labels: volumeLabels,
            DriverConfig: { Name: 'local', Options: {} },
          },
        })),
      },
    });
    try {
      await helper.putArchive(seedBatchArchive(size), { path: '/' });
    } finally {
      // Named volumes survive the helper (`v` only removes anonymous ones).
      await helper.remove({ force: true }).catch(() => undefined);
    }
    if (!pool.broken) pool.ready.push(...names);
  }
}

/** `v<i>/` (0777) with an empty `v<i>/output` (0666) for each of `size` volumes. */
export function seedBatchArchive(size: number): Buffer {
  const entries = [];
  for (let i = 0; i < size; i++) {
    entries.push({ name: `v${i}/`, mode: 0o777 });
    entries.push({ name: `v${i}/output`, mode: 0o666, content: Buffer.alloc(0) });
  }
  return createTar(entries);
}
