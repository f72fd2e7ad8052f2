import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/data-source.js';
import { Database } from '../db/database.js';
import type { Principal } from './contracts.js';
import { TypeOrmIdentityService } from './identity.service.js';
import { TypeOrmWorkflowService } from './workflows.service.js';

let dir: string;
let db: Database;
let workflows: TypeOrmWorkflowService;
let admin: Principal;
const yaml = (title: string): string =>
  `uri: default/app/build\ntitle: ${title}\nstages:\n  - name: s\n    actions:\n      - name: a\n        jobs:\n          - name: j\n            command: ["true"]\n`;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'co-workflows-'));
  db = new Database(await openDatabase({ type: 'sqlite', path: join(dir, 'state.db') }));
  const identity = new TypeOrmIdentityService(db);
  admin = (await identity.authenticate((await identity.bootstrap()) ?? '')) as Principal;
  workflows = new TypeOrmWorkflowService(db, () => async () => undefined);
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('workflow lookups (cached for triggers)', () => {
  it('serves the newest version at once after an apply, and nothing after a remove', async () => {
    expect((await workflows.apply(admin, yaml('one'))).ok).toBe(true);
    expect((await workflows.version(admin, 'default/app/build'))?.model.title).toBe('one');
    // Asked twice: the second answer comes from the cache and is the same.
    expect((await workflows.version(admin, 'default/app/build'))?.number).toBe(1);
    expect((await workflows.apply(admin, yaml('two'))).changed).toBe(true);
    const latest = await workflows.version(admin, 'default/app/build');
    expect(latest).toMatchObject({ number: 2, model: { title: 'two', version: 2 } });
    expect((await workflows.version(admin, 'default/app/build', 1))?.model.title).toBe('one');
    expect(await workflows.remove(admin, 'default/app/build')).toBe(true);
    expect(await workflows.get(admin, 'default/app/build')).toBeUndefined();
    expect(await workflows.version(admin, 'default/app/build')).toBeUndefined();
  });

  it('checks the caller’s role on every lookup, cached or not', async () => {
    await workflows.apply(admin, yaml('one'));
    expect(await workflows.get(admin, 'default/app/build')).toBeDefined();
    const stranger: Principal = { ...admin, siteAdmin: false, roles: new Map() };
    expect(await workflows.get(stranger, 'default/app/build')).toBeUndefined();
    expect(await workflows.version(stranger, 'default/app/build')).toBeUndefined();
  });
});
