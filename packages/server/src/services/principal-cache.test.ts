import { describe, expect, it } from 'vitest';
import type { Principal } from './contracts.js';
import { PRINCIPAL_CACHE_MS, PrincipalCache } from './principal-cache.js';

const principal: Principal = {
  userId: 'u1',
  userName: 'alice',
  siteAdmin: false,
  roles: new Map([['default', 'member']]),
  tokenId: 't1',
};

describe('PrincipalCache', () => {
  it('answers for at most PRINCIPAL_CACHE_MS', () => {
    const cache = new PrincipalCache();
    cache.set('h', principal, 1_000, null);
    expect(cache.get('h', 1_000 + PRINCIPAL_CACHE_MS - 1)).toBe(principal);
    expect(cache.get('h', 1_000 + PRINCIPAL_CACHE_MS)).toBeUndefined();
    expect(cache.get('h', 1_000)).toBeUndefined(); // expired entries are dropped
  });

  it('never answers past the token expiry', () => {
    const cache = new PrincipalCache();
    cache.set('h', principal, 1_000, 1_010);
    expect(cache.get('h', 1_009)).toBe(principal);
    expect(cache.get('h', 1_010)).toBeUndefined();
  });

  it('forgets everything on clear', () => {
    const cache = new PrincipalCache();
    cache.set('a', principal, 0, null);
    cache.set('b', principal, 0, null);
    cache.clear();
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('b', 1)).toBeUndefined();
  });
});
