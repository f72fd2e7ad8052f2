/**
 * `job_attempts` (issue 17): one row per started job attempt with its orchestrator, start and end,
 * so the overview can chart running jobs and per-orchestrator load in SQL (see
 * db/job-attempt.entity.ts). The key (run, job path, attempt) makes the writer's upsert
 * idempotent. The aggregates read an hour's starts and ends (range reads of `started_at` and
 * `finished_at`, alone for every organisation or after the organisation) and, once per read, the
 * attempts running when it begins (`finished_at` from then on, or null). No foreign key to
 * `runs`: an attempt's events may be stored before its run's row (saves are coalesced), and
 * retention deletes both.
 */
import { Table } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class JobAttempts1768003200000 implements MigrationInterface {
  readonly name = 'JobAttempts1768003200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'job_attempts',
        columns: [
          { name: 'run_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'job_path', type: 'varchar', length: '500', isPrimary: true },
          { name: 'attempt', type: 'int', isPrimary: true },
          { name: 'organization', type: 'varchar', length: '100' },
          { name: 'orchestrator', type: 'varchar', length: '100' },
          { name: 'started_at', type: 'bigint' },
          { name: 'finished_at', type: 'bigint', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
        ],
        indices: [
          { name: 'ix_job_attempts_started', columnNames: ['started_at'] },
          { name: 'ix_job_attempts_finished', columnNames: ['finished_at'] },
          { name: 'ix_job_attempts_org_started', columnNames: ['organization', 'started_at'] },
          {
            name: 'ix_job_attempts_org_finished',
            columnNames: ['organization', 'finished_at'],
          },
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('job_attempts', true);
  }
}
