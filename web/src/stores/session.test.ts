import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.js';
import type { ApiClient } from '../api/client.js';
import { createSession, TOKEN_KEY } from './session.js';
import type { TokenStorage } from './session.js';

function memoryStorage(): TokenStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

/** A client that knows one valid token, answering `me` like the server would. */
function clientFor(valid: string) {
  return (token: string): ApiClient => ({
    request: <T>() =>
      token === valid
        ? Promise.resolve({ me: { id: '1', name: 'alice', siteAdmin: true, memberships: [] } } as T)
        : Promise.reject(new ApiError('invalid token', 'UNAUTHENTICATED')),
    subscribe: () => () => undefined,
    dispose: () => undefined,
  });
}

describe('session', () => {
  it('signs in with a valid token and keeps it for the next page load', async () => {
    const storage = memoryStorage();
    const session = createSession(storage, clientFor('good'));
    expect(await session.signIn(' good ')).toBe(true);
    expect(session.state.user?.name).toBe('alice');
    expect(storage.data.get(TOKEN_KEY)).toBe('good');

    const reloaded = createSession(storage, clientFor('good'));
    expect(reloaded.state.token).toBe('good');
    expect(await reloaded.restore()).toBe(true);
    expect(reloaded.state.user?.name).toBe('alice');
  });

  it('refuses a bad token and stores nothing', async () => {
    const storage = memoryStorage();
    const session = createSession(storage, clientFor('good'));
    expect(await session.signIn('bad')).toBe(false);
    // Written for a person, not the server's message for API clients.
    expect(session.state.error).toContain('This token was not accepted');
    expect(session.state.error).not.toContain('invalid token');
    expect(session.state.token).toBeNull();
    expect(storage.data.size).toBe(0);
  });

  it('signs out', async () => {
    const storage = memoryStorage();
    const session = createSession(storage, clientFor('good'));
    await session.signIn('good');
    session.signOut();
    expect(session.state.user).toBeNull();
    expect(storage.data.has(TOKEN_KEY)).toBe(false);
    expect(() => session.api()).toThrow('not signed in');
  });
});
