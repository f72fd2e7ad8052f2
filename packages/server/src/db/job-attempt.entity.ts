/**
 * `job_attempts`: one row per job attempt the engine started — each instance of a fan-out too —
 * with the orchestrator it ran on and when it started and ended. Written by the run store in the
 * same transaction as the attempt's events (stores/job-attempt-writer.ts); read by the overview's
 * running-jobs and per-orchestrator load (services/job-load.ts); deleted with its run
 * (retention). The run's snapshot JSON stays the record of a run; this table only exists so
 * that job times can be aggregated in SQL.
 */
import { EntitySchema } from 'typeorm';
import { idColumn, msColumn, nameColumn } from './columns.js';

/**
 * How an attempt ended: the job's terminal status, `retried` when it failed and the job went on
 * to another attempt (the engine's `waiting` between attempts), `running` while it has not ended.
 */
export type JobAttemptStatus =
  'running' | 'succeeded' | 'failed' | 'timed_out' | 'cancelled' | 'skipped' | 'retried';

/** Longest job path stored; longer ones are cut (the key must fit MySQL's 3072-byte index limit). */
export const JOB_PATH_MAX = 500;

export interface JobAttemptRow {
  runId: string;
  /** `stage.action.job`, or `stage.action.instance` for an instance of a fan-out. */
  jobPath: string;
  /** 1-based. */
  attempt: number;
  /** The run's organisation (copied: the aggregates filter on it through an index). */
  organization: string;
  /** Name of the orchestrator the server that started the attempt runs jobs on. */
  orchestrator: string;
  startedAt: number;
  /** Null while the attempt runs. */
  finishedAt: number | null;
  status: JobAttemptStatus;
}

export const JobAttemptEntity = new EntitySchema<JobAttemptRow>({
  name: 'JobAttempt',
  tableName: 'job_attempts',
  columns: {
    runId: idColumn('run_id'),
    jobPath: { name: 'job_path', type: 'varchar', length: JOB_PATH_MAX, primary: true },
    attempt: { name: 'attempt', type: 'int', primary: true },
    organization: nameColumn('organization', 100),
    orchestrator: nameColumn('orchestrator', 100),
    startedAt: msColumn('started_at'),
    finishedAt: msColumn('finished_at', true),
    status: nameColumn('status', 16),
  },
  indices: [
    { name: 'ix_job_attempts_started', columns: ['startedAt'] },
    { name: 'ix_job_attempts_finished', columns: ['finishedAt'] },
    { name: 'ix_job_attempts_org_started', columns: ['organization', 'startedAt'] },
    { name: 'ix_job_attempts_org_finished', columns: ['organization', 'finishedAt'] },
  ],
});
