/**
 * Trigger plugins and notifiers (issue 14): `trigger_claims` holds the durable "at most one run"
 * claims of trigger events (triggers/trigger-claims.ts); `run_notifications` what became of each
 * notification of a run (notifiers/notification-log.ts).
 */
import { Table } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TriggersAndNotifications1767744000000 implements MigrationInterface {
  readonly name = 'TriggersAndNotifications1767744000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'trigger_claims',
        columns: [
          { name: 'claim_key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'plugin', type: 'varchar', length: '64' },
          { name: 'workflow', type: 'varchar', length: '255' },
          { name: 'once_key', type: 'varchar', length: '200' },
          { name: 'claimed_at', type: 'bigint' },
          { name: 'run_id', type: 'varchar', length: '64', isNullable: true },
        ],
        indices: [{ name: 'ix_trigger_claims_claimed', columnNames: ['claimed_at'] }],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'run_notifications',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'run_id', type: 'varchar', length: '64' },
          { name: 'receiver_type', type: 'varchar', length: '64' },
          { name: 'run_status', type: 'varchar', length: '32' },
          { name: 'outcome', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'int' },
          { name: 'error', type: 'varchar', length: '2000', isNullable: true },
          { name: 'at', type: 'bigint' },
        ],
        indices: [{ name: 'ix_run_notifications_run', columnNames: ['run_id'] }],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('run_notifications', true);
    await runner.dropTable('trigger_claims', true);
  }
}
