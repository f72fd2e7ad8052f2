/**
 * Webhook deliveries kept for the dashboard and its "redeliver" (issue 14):
 * `trigger_deliveries` gains the request itself, sealed with the server's secret key
 * (`request_ciphertext`/`_iv`/`_tag`, AES-256-GCM as secrets are; null for rows from before
 * this migration and for refused oversized bodies), the workflow it was for (who may see it, the
 * per-workflow list), and for a redelivery the delivery it repeated and who asked for it.
 */
import { TableColumn, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeliveryRequests1767916800000 implements MigrationInterface {
  readonly name = 'DeliveryRequests1767916800000';

  async up(runner: QueryRunner): Promise<void> {
    // MySQL's TEXT stops at 64 KiB; a sealed 5 MiB body is about 7 MiB of base64.
    const long = runner.connection.driver.options.type === 'mysql' ? 'longtext' : 'text';
    await runner.addColumns('trigger_deliveries', [
      new TableColumn({ name: 'workflow', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'redelivery_of', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'redelivered_by', type: 'varchar', length: '200', isNullable: true }),
      new TableColumn({ name: 'request_ciphertext', type: long, isNullable: true }),
      new TableColumn({ name: 'request_iv', type: 'varchar', length: '32', isNullable: true }),
      new TableColumn({ name: 'request_tag', type: 'varchar', length: '32', isNullable: true }),
    ]);
    await runner.createIndex(
      'trigger_deliveries',
      new TableIndex({
        name: 'ix_trigger_deliveries_workflow',
        columnNames: ['workflow', 'received_at'],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('trigger_deliveries', 'ix_trigger_deliveries_workflow');
    for (const column of [
      'request_tag',
      'request_iv',
      'request_ciphertext',
      'redelivered_by',
      'redelivery_of',
      'workflow',
    ])
      await runner.dropColumn('trigger_deliveries', column);
  }
}
