/**
 * While the server's storage is full (the health service says so), mutations over HTTP are
 * refused with STORAGE_FULL and HTTP 503 before any resolver runs; queries and `cancelRun` (how
 * an operator stops a runaway job) still go through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageFullError } from '../../src/db/storage-failure.js';
import { firstCode, postGraphql } from './support/api-client.js';
import type { LocalApi } from './support/local-api.js';
import { startLocalApi } from './support/local-api.js';
import type { MemoryServices } from './support/memory-services.js';
import { createMemoryServices, sampleRun } from './support/memory-services.js';

let services: MemoryServices;
let api: LocalApi;
let admin: string;
let full = false;
let tokensCreated = 0;

beforeAll(async () => {
  services = createMemoryServices();
  admin = services.addUser('alice', { acme: 'admin' }, true);
  services.addRun(sampleRun('run1'));
  services.health.assertWritable = (what) =>
    full ? Promise.reject(new StorageFullError(`logStore; refused: ${what}`)) : Promise.resolve();
  const createToken = services.identity.createToken.bind(services.identity);
  services.identity.createToken = (...args) => {
    tokensCreated++;
    return createToken(...args);
  };
  api = await startLocalApi(services);
});

afterAll(async () => {
  await api.close();
});

describe('mutations while storage is full', () => {
  it('refuses them with STORAGE_FULL (503) without running them; queries and cancelRun pass', async () => {
    full = true;
    const refused = await postGraphql(
      api.url,
      admin,
      'mutation { createToken(name: "x") { secret } }',
    );
    expect(refused.status).toBe(503);
    expect(firstCode(refused)).toBe('STORAGE_FULL');
    expect(refused.body.errors?.[0]?.message).toContain('storage is full');
    expect(tokensCreated).toBe(0);

    const query = await postGraphql(api.url, admin, '{ run(id: "run1") { id } }');
    expect(query.body.errors).toBeUndefined();
    const cancel = await postGraphql(api.url, admin, 'mutation { cancelRun(id: "run1") { id } }');
    expect(firstCode(cancel)).not.toBe('STORAGE_FULL');

    full = false;
    const accepted = await postGraphql(
      api.url,
      admin,
      'mutation { createToken(name: "x") { secret } }',
    );
    expect(accepted.body.errors).toBeUndefined();
    expect(tokensCreated).toBe(1);
  });
});
