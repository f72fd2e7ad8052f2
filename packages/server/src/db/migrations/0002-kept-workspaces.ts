/**
 * `kept_workspaces`: run workspaces the server keeps for a re-run from the failed job (see
 * workspaces/workspace-keeper.ts). One row per workspace (keyed by the run that owns it, which a
 * re-run from the failed job shares); `kept_since` is null while a run uses it.
 */
import { Table } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class KeptWorkspaces1767312000000 implements MigrationInterface {
  readonly name = 'KeptWorkspaces1767312000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'kept_workspaces',
        columns: [
          { name: 'workspace_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'workflow_uri', type: 'varchar', length: '255' },
          { name: 'last_run_id', type: 'varchar', length: '64' },
          { name: 'kept_since', type: 'bigint', isNullable: true },
          { name: 'updated_at', type: 'bigint' },
        ],
        indices: [
          { name: 'ix_kept_workspaces_last_run', columnNames: ['last_run_id'] },
          { name: 'ix_kept_workspaces_kept_since', columnNames: ['kept_since'] },
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('kept_workspaces', true);
  }
}
