import { UserError } from '@containerops/core';
import { describe, expect, it } from 'vitest';
import type { Principal, Role } from '../../services/contracts.js';
import { rightsShrank, SocketSession } from './socket-session.js';

function principal(roles: Record<string, Role>, siteAdmin = false): Principal {
  return {
    userId: 'u1',
    userName: 'vera',
    siteAdmin,
    roles: new Map(Object.entries(roles)),
    tokenId: 't1',
  };
}

describe('rightsShrank', () => {
  it('is true for a lost or lowered role or lost site admin, false for gained rights', () => {
    expect(rightsShrank(principal({ a: 'admin' }), principal({ a: 'viewer' }))).toBe(true);
    expect(rightsShrank(principal({ a: 'viewer' }), principal({}))).toBe(true);
    expect(rightsShrank(principal({}, true), principal({}))).toBe(true);
    expect(rightsShrank(principal({ a: 'viewer' }), principal({ a: 'admin', b: 'viewer' }))).toBe(
      false,
    );
  });
});

describe('SocketSession', () => {
  it('revokes open subscriptions with FORBIDDEN when a role is lowered, and keeps the new principal', async () => {
    let current: Principal | undefined = principal({ a: 'admin' });
    const session = new SocketSession('Bearer x', current, async () => current);
    const before = session.revoked;
    current = principal({ a: 'viewer' });
    expect(await session.recheck()).toBe('revoked');
    expect(before.aborted).toBe(true);
    expect(before.reason).toBeInstanceOf(UserError);
    expect((before.reason as UserError).code).toBe('FORBIDDEN');
    expect(session.revoked.aborted).toBe(false); // subscriptions opened from now on
    expect(session.principal.roles.get('a')).toBe('viewer');
    expect(await session.recheck()).toBe('unchanged');
    current = undefined;
    expect(await session.recheck()).toBe('gone');
  });
});
