/**
 * Webhook replay protection (see triggers/replay-guard.ts): `trigger_replay_keys` holds the
 * deliveries seen within the replay window (its primary key refuses a second copy of one delivery
 * even when both arrive at once), and `trigger_deliveries.delivery_id` records the sender's
 * delivery id, so an operator can match a duplicate with the delivery it repeated.
 */
import { Table, TableColumn } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WebhookReplay1767571200000 implements MigrationInterface {
  readonly name = 'WebhookReplay1767571200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'trigger_replay_keys',
        columns: [
          { name: 'replay_key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'received_at', type: 'bigint' },
          { name: 'run_id', type: 'varchar', length: '64', isNullable: true },
        ],
        indices: [{ name: 'ix_trigger_replay_keys_received', columnNames: ['received_at'] }],
      }),
    );
    await runner.addColumn(
      'trigger_deliveries',
      new TableColumn({ name: 'delivery_id', type: 'varchar', length: '128', isNullable: true }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('trigger_deliveries', 'delivery_id');
    await runner.dropTable('trigger_replay_keys', true);
  }
}
