/**
 * Column helpers shared by the entity schemas: times are ms since the epoch in BIGINT columns
 * (PostgreSQL and MySQL drivers return BIGINT as a string; the transformer turns it back into a
 * number), long text (JSON, YAML) is TEXT everywhere but MySQL, where TEXT stops at 64 KiB.
 */
import type { EntitySchemaColumnOptions, ValueTransformer } from 'typeorm';

export const msTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

export function msColumn(name: string, nullable = false): EntitySchemaColumnOptions {
  return { name, type: 'bigint', nullable, transformer: msTransformer };
}

export function idColumn(name = 'id', primary = true): EntitySchemaColumnOptions {
  return { name, type: 'varchar', length: 64, primary };
}

export function nameColumn(
  name: string,
  length = 200,
  nullable = false,
): EntitySchemaColumnOptions {
  return { name, type: 'varchar', length, nullable };
}

/** TEXT; the migration makes it LONGTEXT on MySQL. */
export function longText(name: string, nullable = false): EntitySchemaColumnOptions {
  return { name, type: 'text', nullable };
}
