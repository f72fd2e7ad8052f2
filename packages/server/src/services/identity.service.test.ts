import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/data-source.js';
import { Database } from '../db/database.js';
import type { Principal } from './contracts.js';
import { TypeOrmIdentityService } from './identity.service.js';

let dir: string;
let db: Database;
let identity: TypeOrmIdentityService;
let admin: Principal;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'co-identity-'));
  db = new Database(await openDatabase({ type: 'sqlite', path: join(dir, 'state.db') }));
  identity = new TypeOrmIdentityService(db);
  const token = await identity.bootstrap();
  admin = (await identity.authenticate(token ?? '')) as Principal;
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('user and organisation names share one namespace', () => {
  it('refuses an organisation named like an existing user (CONFLICT)', async () => {
    await identity.setMember(admin, 'default', 'carol', 'viewer');
    await expect(identity.createOrganization(admin, 'carol')).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('refuses to create a user named like an existing organisation (CONFLICT)', async () => {
    await identity.createOrganization(admin, 'acme');
    await expect(identity.setMember(admin, 'default', 'acme', 'member')).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await identity.principalFor('acme')).toBeUndefined();
  });

  it('tells identity listeners after a membership change and a token deletion', async () => {
    let told = 0;
    identity.onIdentityChanged(() => (told += 1));
    await identity.setMember(admin, 'default', 'dave', 'viewer');
    await identity.removeMember(admin, 'default', 'dave');
    const created = await identity.createToken(admin, 'temp');
    await identity.deleteToken(admin, created.record.id);
    expect(told).toBe(3);
  });
});

describe('authentication through the principal cache', () => {
  it('refuses a deleted token on the very next request', async () => {
    const created = await identity.createToken(admin, 'short-lived');
    expect(await identity.authenticate(`Bearer ${created.secret}`)).toMatchObject({
      userName: 'admin',
    });
    // A second call is answered from the cache ...
    expect(await identity.authenticate(`Bearer ${created.secret}`)).toBeDefined();
    await identity.deleteToken(admin, created.record.id);
    // ... and the deletion empties it.
    expect(await identity.authenticate(`Bearer ${created.secret}`)).toBeUndefined();
  });

  it('gives a lowered role on the very next request', async () => {
    await identity.setMember(admin, 'default', 'erin', 'member');
    const erin = (await identity.principalFor('erin')) as Principal;
    const token = await identity.createToken(admin, 'erin', { forUser: 'erin' });
    expect((await identity.authenticate(token.secret))?.roles.get('default')).toBe('member');
    expect(erin.roles.get('default')).toBe('member');
    await identity.setMember(admin, 'default', 'erin', 'viewer');
    expect((await identity.authenticate(token.secret))?.roles.get('default')).toBe('viewer');
    await identity.removeMember(admin, 'default', 'erin');
    expect((await identity.authenticate(token.secret))?.roles.has('default')).toBe(false);
  });
});
