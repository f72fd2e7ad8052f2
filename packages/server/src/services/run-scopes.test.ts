import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { RunScopes } from './run-scopes.js';

/** A database whose every query fails the test: remembered scopes must not need one. */
const noQueries = {
  manager: {
    findOne: () => Promise.reject(new Error('queried the database')),
  },
} as unknown as Database;

describe('RunScopes', () => {
  it('answers for a run started here without a query', async () => {
    const scopes = new RunScopes(noQueries, () => Promise.resolve());
    scopes.remember('r1', { organization: 'acme', workflow: 'acme/app/build' });
    expect(await scopes.of('r1')).toEqual({ organization: 'acme', workflow: 'acme/app/build' });
    await expect(scopes.of('r2')).rejects.toThrow('queried the database');
  });
});
