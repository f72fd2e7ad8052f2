/**
 * The runs query on the `runs` table: newest first, keyset pagination on (created_at, id), the
 * filters of contracts.ts `RunFilter`, restricted to the organisations the caller can view.
 */
import type { RunSnapshot, RunStatus } from '@containerops/core';
import type { SelectQueryBuilder } from 'typeorm';
import type { Database } from '../db/database.js';
import { RunEntity } from '../db/entities.js';
import type { RunRow } from '../db/entities.js';
import type { RunFilter, RunRecord } from './contracts.js';
import type { RunCountCache } from './run-count-cache.js';
import { decodeRunCursor, encodeRunCursor } from './run-cursor.js';
import { ParsedSnapshots } from './parsed-snapshots.js';

export const MAX_PAGE = 500;

export interface RunQueryPage {
  readonly rows: RunRow[];
  readonly endCursor?: string;
  readonly hasNextPage: boolean;
  readonly totalCount: number;
}

function filtered(
  db: Database,
  filter: RunFilter,
  organizations: readonly string[] | undefined,
): SelectQueryBuilder<RunRow> {
  const qb = db.manager.createQueryBuilder(RunEntity, 'r').where('1 = 1');
  if (organizations !== undefined)
    qb.andWhere('r.organization IN (:...orgs)', { orgs: organizations });
  if (filter.organization !== undefined)
    qb.andWhere('r.organization = :org', { org: filter.organization });
  if (filter.workflow !== undefined) qb.andWhere('r.workflow_uri = :wf', { wf: filter.workflow });
  if (filter.statuses !== undefined && filter.statuses.length > 0) {
    qb.andWhere('r.status IN (:...statuses)', { statuses: filter.statuses });
  }
  if (filter.triggerType !== undefined)
    qb.andWhere('r.trigger_type = :tt', { tt: filter.triggerType });
  return qb;
}

/** `counts`: remembers totals between writes (SQLite only, see run-count-cache.ts). */
export async function queryRuns(
  db: Database,
  filter: RunFilter,
  organizations: readonly string[] | undefined,
  page: { first: number; after?: string },
  counts?: RunCountCache,
): Promise<RunQueryPage> {
  if (organizations !== undefined && organizations.length === 0)
    return { rows: [], hasNextPage: false, totalCount: 0 };
  const first = Math.max(0, Math.min(MAX_PAGE, Math.floor(page.first)));
  const qb = filtered(db, filter, organizations);
  if (page.after !== undefined) {
    const c = decodeRunCursor(page.after);
    qb.andWhere('(r.created_at < :ca OR (r.created_at = :ca AND r.id < :cid))', {
      ca: c.createdAt,
      cid: c.id,
    });
  }
  const count = (): Promise<number> => filtered(db, filter, organizations).getCount();
  const [rows, totalCount] = await Promise.all([
    qb
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(first + 1)
      .getMany(),
    counts === undefined ? count() : counts.get(countKey(filter, organizations), count),
  ]);
  const hasNextPage = rows.length > first;
  const pageRows = rows.slice(0, first);
  const last = pageRows.at(-1);
  return {
    rows: pageRows,
    hasNextPage,
    totalCount,
    ...(hasNextPage && last !== undefined ? { endCursor: encodeRunCursor(last) } : {}),
  };
}

function countKey(filter: RunFilter, organizations: readonly string[] | undefined): string {
  return JSON.stringify([
    organizations ?? null,
    filter.organization ?? null,
    filter.workflow ?? null,
    filter.statuses ?? null,
    filter.triggerType ?? null,
  ]);
}

/** Large ended runs' snapshots, parsed once (parsed-snapshots.ts). */
const parsedSnapshots = new ParsedSnapshots();

/** A run record from its row; `live` (the engine's in-memory snapshot) wins over the stored one. */
export function runRecordOf(row: RunRow, live?: RunSnapshot): RunRecord | undefined {
  const snapshot =
    live ??
    (row.snapshot === null ? undefined : parsedSnapshots.parse(row.id, row.status, row.snapshot));
  if (snapshot === undefined) return undefined;
  return {
    snapshot,
    workflowUri: row.workflowUri,
    organization: row.organization,
    triggerType: row.triggerType,
    ...(row.triggeredBy === null ? {} : { triggeredBy: row.triggeredBy }),
  };
}

export const ALL_STATUSES: readonly RunStatus[] = [
  'queued',
  'running',
  'waiting',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
];
