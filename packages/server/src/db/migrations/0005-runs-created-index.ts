/**
 * `ix_runs_created`: the runs table by creation time alone, for the run-activity chart across
 * every organisation (a site administrator's overview). Per organisation, `ix_runs_org_created`
 * already serves it.
 */
import { TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RunsCreatedIndex1767830400000 implements MigrationInterface {
  readonly name = 'RunsCreatedIndex1767830400000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createIndex(
      'runs',
      new TableIndex({ name: 'ix_runs_created', columnNames: ['created_at'] }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('runs', 'ix_runs_created');
  }
}
