/**
 * The first schema (TypeORM wants a JavaScript timestamp at the end of a migration's name). Written with the QueryRunner Table API (not raw SQL) so the one migration set
 * serves SQLite, PostgreSQL and MySQL/MariaDB; the few type differences go through {@link types}.
 */
import { Table, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner, TableColumnOptions } from 'typeorm';

interface ColumnTypes {
  readonly long: string;
}

function types(runner: QueryRunner): ColumnTypes {
  // MySQL's TEXT stops at 64 KiB: snapshots and workflow sources outgrow it.
  return { long: runner.connection.driver.options.type === 'mysql' ? 'longtext' : 'text' };
}

const id = (name = 'id', primary = true): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '64',
  isPrimary: primary,
});
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const ms = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'bigint',
  isNullable: nullable,
});

export class InitialSchema1767225600000 implements MigrationInterface {
  readonly name = 'InitialSchema1767225600000';

  async up(runner: QueryRunner): Promise<void> {
    const t = types(runner);
    const long = (name: string, nullable = false): TableColumnOptions => ({
      name,
      type: t.long,
      isNullable: nullable,
    });
    await runner.createTable(
      new Table({
        name: 'users',
        columns: [
          id(),
          str('name', 100),
          { name: 'site_admin', type: 'boolean' },
          ms('created_at'),
        ],
        uniques: [{ name: 'uq_users_name', columnNames: ['name'] }],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'organizations',
        columns: [id(), str('name', 100), ms('created_at')],
        uniques: [{ name: 'uq_organizations_name', columnNames: ['name'] }],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'members',
        columns: [id('organization_id'), id('user_id'), str('role', 16)],
        indices: [{ name: 'ix_members_user', columnNames: ['user_id'] }],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          id(),
          id('user_id', false),
          str('name', 200),
          str('prefix', 16),
          str('hash', 64),
          ms('created_at'),
          ms('last_used_at', true),
          ms('expires_at', true),
        ],
        uniques: [{ name: 'uq_api_tokens_hash', columnNames: ['hash'] }],
        indices: [{ name: 'ix_api_tokens_user', columnNames: ['user_id'] }],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'components',
        columns: [id(), str('namespace', 100), str('name', 100), ms('created_at')],
        uniques: [{ name: 'uq_components_name', columnNames: ['namespace', 'name'] }],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'component_versions',
        columns: [
          id('component_id'),
          { ...str('version', 100), isPrimary: true },
          long('yaml'),
          long('definition'),
          long('readme', true),
          { name: 'deprecated', type: 'boolean' },
          long('deprecation_message', true),
          ms('published_at'),
          str('published_by', 100),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'workflows',
        columns: [
          id(),
          str('uri', 255),
          str('organization', 100),
          str('repository', 100),
          str('name', 100),
          long('title', true),
          { name: 'latest_version', type: 'int' },
          ms('created_at'),
          ms('updated_at'),
        ],
        uniques: [{ name: 'uq_workflows_uri', columnNames: ['uri'] }],
        indices: [{ name: 'ix_workflows_org', columnNames: ['organization'] }],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'workflow_versions',
        columns: [
          id('workflow_id'),
          { name: 'number', type: 'int', isPrimary: true },
          long('yaml'),
          long('model'),
          ms('created_at'),
          str('created_by', 100),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'runs',
        columns: [
          id(),
          str('workflow_uri', 255),
          str('organization', 100),
          str('status', 16),
          str('trigger_type', 64),
          str('triggered_by', 100, true),
          ms('created_at'),
          ms('started_at', true),
          ms('finished_at', true),
          long('snapshot', true),
          long('request', true),
        ],
      }),
    );
    // The runs query: newest first within an organisation (optionally by status), a workflow,
    // or a status; `id` breaks ties of the (created_at, id) cursor.
    await runner.createIndices('runs', [
      new TableIndex({
        name: 'ix_runs_org_created',
        columnNames: ['organization', 'created_at', 'id'],
      }),
      new TableIndex({
        name: 'ix_runs_org_status_created',
        columnNames: ['organization', 'status', 'created_at', 'id'],
      }),
      new TableIndex({
        name: 'ix_runs_workflow_created',
        columnNames: ['workflow_uri', 'created_at', 'id'],
      }),
      new TableIndex({ name: 'ix_runs_status', columnNames: ['status', 'created_at'] }),
      new TableIndex({ name: 'ix_runs_finished', columnNames: ['finished_at'] }),
    ]);
    await runner.createTable(
      new Table({
        name: 'events',
        columns: [
          { name: 'seq', type: 'bigint', isPrimary: true },
          id('run_id', false),
          ms('time'),
          long('body'),
        ],
        indices: [{ name: 'ix_events_run', columnNames: ['run_id', 'seq'] }],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'secrets',
        columns: [
          { ...str('organization', 100), isPrimary: true },
          { ...str('name', 200), isPrimary: true },
          long('ciphertext'),
          str('iv', 32),
          str('tag', 32),
          ms('created_at'),
          ms('updated_at'),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'trigger_deliveries',
        columns: [
          id(),
          str('trigger_type', 64),
          ms('received_at'),
          str('payload_hash', 64),
          { name: 'payload_size', type: 'int' },
          str('status', 16),
          str('run_id', 64, true),
          long('error', true),
        ],
        indices: [{ name: 'ix_trigger_deliveries_received', columnNames: ['received_at'] }],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'server_markers',
        columns: [{ ...str('name', 100), isPrimary: true }, ms('created_at')],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'server_markers',
      'trigger_deliveries',
      'secrets',
      'events',
      'runs',
      'workflow_versions',
      'workflows',
      'component_versions',
      'components',
      'api_tokens',
      'members',
      'organizations',
      'users',
    ]) {
      await runner.dropTable(table, true);
    }
  }
}
