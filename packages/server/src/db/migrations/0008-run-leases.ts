/**
 * Several server replicas on one database (issue 13): `run_leases` says which replica drives
 * each unfinished run and until when (ms since the epoch) its claim holds without a heartbeat.
 * A row per run a replica drives; removed when the run ends. `owner` is indexed because each
 * heartbeat renews every lease of one replica in one statement.
 */
import { Table, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RunLeases1768089600000 implements MigrationInterface {
  readonly name = 'RunLeases1768089600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'run_leases',
        columns: [
          { name: 'run_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'organization', type: 'varchar', length: '100' },
          { name: 'owner', type: 'varchar', length: '100' },
          { name: 'expires_at', type: 'bigint' },
        ],
      }),
    );
    await runner.createIndex(
      'run_leases',
      new TableIndex({ name: 'ix_run_leases_owner', columnNames: ['owner'] }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('run_leases');
  }
}
