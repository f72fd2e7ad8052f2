import { readFile } from 'node:fs/promises';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildApiSchema } from '../../src/graphql/build-schema.js';

const schemaFile = new URL('../../schema.graphql', import.meta.url);

function normalised(sdl: string): string {
  return printSchema(lexicographicSortSchema(buildSchema(sdl)));
}

describe('schema.graphql', () => {
  it('is exactly what the type-graphql classes build (modulo ordering and whitespace)', async () => {
    const fromCode = printSchema(lexicographicSortSchema(await buildApiSchema()));
    const committed = normalised(await readFile(schemaFile, 'utf8'));
    expect(fromCode).toBe(committed);
  });
});
