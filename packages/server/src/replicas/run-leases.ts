/**
 * Which replica drives which run (issue 13: several servers on one database). A replica that
 * starts a run claims it; every heartbeat renews all of its claims in one statement; a claim
 * that was not renewed for its TTL has expired, and another replica may take the run over with a
 * conditional update (only one wins: the update matches only while the claim is still expired,
 * or the insert hits the primary key). Times are the replicas' clocks in ms (the TTL must exceed
 * their skew by far: seconds against NTP's milliseconds).
 *
 * Nothing here is a consensus of our own: the database's row locks and unique keys decide.
 */
import { In, LessThan } from 'typeorm';
import type { Database } from '../db/database.js';
import { RunEntity } from '../db/entities.js';
import { isDeadlock, isDuplicateKey } from '../triggers/replay-guard.js';
import { RunLeaseEntity } from './run-lease.entity.js';

const UNFINISHED = ['queued', 'running', 'waiting'];

/** A run another replica let go (or never claimed), now this replica's. */
export interface ClaimedRun {
  readonly runId: string;
  readonly organization: string;
}

export class RunLeases {
  constructor(
    private readonly db: Database,
    /** This replica's id (unique per process: host, pid and a random part). */
    readonly owner: string,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Claims a run this replica has just started (no other replica can know it yet). */
  async claimNew(runId: string, organization: string): Promise<void> {
    await this.retryDeadlocks(() =>
      this.db.manager.upsert(
        RunLeaseEntity,
        { runId, organization, owner: this.owner, expiresAt: this.now() + this.ttlMs },
        ['runId'],
      ),
    );
  }

  /** Renews every claim of this replica, in one statement. */
  async renew(): Promise<void> {
    await this.retryDeadlocks(() =>
      this.db.manager.update(
        RunLeaseEntity,
        { owner: this.owner },
        { expiresAt: this.now() + this.ttlMs },
      ),
    );
  }

  /**
   * Those of `runIds` (runs this replica drives) that another replica now holds: this one missed
   * its heartbeats for a whole TTL, and the other took them over. A run without a claim is not
   * among them: its claim went because it ended (released, or pruned as ended).
   */
  async takenFrom(runIds: readonly string[]): Promise<string[]> {
    const taken: string[] = [];
    for (let i = 0; i < runIds.length; i += 500) {
      const rows = await this.db.manager.find(RunLeaseEntity, {
        select: { runId: true, owner: true },
        where: { runId: In(runIds.slice(i, i + 500)) },
      });
      for (const row of rows) if (row.owner !== this.owner) taken.push(row.runId);
    }
    return taken;
  }

  /** Lets a run go once it ended (only this replica's own claim). */
  async release(runId: string): Promise<void> {
    await this.retryDeadlocks(() =>
      this.db.manager.delete(RunLeaseEntity, { runId, owner: this.owner }),
    );
  }

  /** Expires every claim of this replica at once (a graceful stop: others take over now). */
  async handOver(): Promise<void> {
    await this.retryDeadlocks(() =>
      this.db.manager.update(RunLeaseEntity, { owner: this.owner }, { expiresAt: 0 }),
    );
  }

  /**
   * Takes over unfinished runs nobody holds: those whose claim expired, and those without a
   * claim that are older than one TTL (a replica that died between storing a run and claiming
   * it; younger ones are left to their starter). Returns the runs this replica won, at most
   * `limit`, oldest first.
   */
  async takeOver(limit = 100): Promise<ClaimedRun[]> {
    const now = this.now();
    const expired = await this.db.manager.find(RunLeaseEntity, {
      where: { expiresAt: LessThan(now) },
      order: { expiresAt: 'ASC' },
      take: limit,
    });
    const unclaimed: { id: string; organization: string }[] = await this.db.manager
      .createQueryBuilder(RunEntity, 'r')
      .select(['r.id AS id', 'r.organization AS organization'])
      .leftJoin('RunLease', 'l', 'l.run_id = r.id')
      .where('r.status IN (:...unfinished)', { unfinished: UNFINISHED })
      .andWhere('l.run_id IS NULL')
      .andWhere('r.created_at < :before', { before: now - this.ttlMs })
      .orderBy('r.created_at', 'ASC')
      .limit(limit)
      .getRawMany();
    const won: ClaimedRun[] = [];
    for (const lease of expired) {
      const result = await this.retryDeadlocks(() =>
        this.db.manager
          .createQueryBuilder()
          .update(RunLeaseEntity)
          .set({ owner: this.owner, expiresAt: now + this.ttlMs })
          .where('run_id = :runId AND expires_at < :now', { runId: lease.runId, now })
          .execute(),
      );
      if ((result.affected ?? 0) === 1)
        won.push({ runId: lease.runId, organization: lease.organization });
    }
    for (const run of unclaimed) {
      try {
        await this.db.manager.insert(RunLeaseEntity, {
          runId: run.id,
          organization: run.organization,
          owner: this.owner,
          expiresAt: now + this.ttlMs,
        });
        won.push({ runId: run.id, organization: run.organization });
      } catch (error) {
        // Another replica claimed it first (or its starter did, late): not ours.
        if (!isDuplicateKey(error) && !isDeadlock(error)) throw error;
      }
    }
    return won;
  }

  /** Removes claims on runs that have ended (a replica that died after the end, before release). */
  async pruneEnded(): Promise<number> {
    const ended: { id: string }[] = await this.db.manager
      .createQueryBuilder(RunLeaseEntity, 'l')
      .select('l.run_id', 'id')
      .innerJoin('Run', 'r', 'r.id = l.run_id')
      .where('r.status NOT IN (:...unfinished)', { unfinished: UNFINISHED })
      .limit(500)
      .getRawMany();
    if (ended.length === 0) return 0;
    await this.db.manager.delete(RunLeaseEntity, { runId: In(ended.map((row) => row.id)) });
    return ended.length;
  }

  private async retryDeadlocks<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isDeadlock(error) || attempt >= 5) throw error;
      }
    }
  }
}
