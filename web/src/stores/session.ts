/**
 * The signed-in session: the API token (kept in storage so a reload keeps you signed in), the
 * user it belongs to, and the API client built from it.
 */
import { reactive, readonly } from 'vue';
import { ApiError, createApiClient } from '../api/client.js';
import type { ApiClient } from '../api/client.js';
import { ME } from '../api/documents.js';
import type { User } from '../api/types.js';

/** The part of `Storage` the session needs (localStorage in the browser, a map in tests). */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const TOKEN_KEY = 'containerops.token';

export interface SessionState {
  token: string | null;
  user: User | null;
  /** Why the last sign-in failed, for the sign-in form. */
  error: string | null;
}

export type ClientFactory = (token: string, onUnauthenticated: () => void) => ApiClient;

/** Creates a session store over a storage and a client factory (both injectable for tests). */
export function createSession(storage: TokenStorage, makeClient: ClientFactory) {
  const state = reactive<SessionState>({
    token: storage.getItem(TOKEN_KEY),
    user: null,
    error: null,
  });
  let client: ApiClient | null = null;

  const signOut = (): void => {
    client?.dispose();
    client = null;
    storage.removeItem(TOKEN_KEY);
    state.token = null;
    state.user = null;
  };

  const api = (): ApiClient => {
    if (state.token === null) throw new Error('not signed in');
    client ??= makeClient(state.token, () => {
      signOut();
      state.error = 'Your session has ended; sign in again.';
    });
    return client;
  };

  /** Checks the token with the server (`me`) and keeps it. Resolves false when refused. */
  const signIn = async (token: string): Promise<boolean> => {
    signOut();
    state.token = token.trim();
    try {
      const { me } = await api().request<{ me: User }>(ME);
      storage.setItem(TOKEN_KEY, state.token);
      state.user = me;
      state.error = null;
      return true;
    } catch (error) {
      signOut();
      state.error = signInFailure(error);
      return false;
    }
  };

  /** After a reload: re-reads the user for a stored token. False when it is no longer valid. */
  const restore = async (): Promise<boolean> => {
    if (state.token === null) return false;
    if (state.user !== null) return true;
    return signIn(state.token);
  };

  return { state: readonly(state), signIn, signOut, restore, api };
}

export type Session = ReturnType<typeof createSession>;

/**
 * Why signing in failed, for the person at the form: the server's own message for a refused token
 * speaks to API clients ("send a valid bearer token (Authorization: ...)").
 */
export function signInFailure(error: unknown): string {
  if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') {
    return 'This token was not accepted. Check that you pasted all of it (it starts with co_), or ask an administrator for a new one.';
  }
  if (error instanceof ApiError && error.code === 'NETWORK') {
    return `The server could not be reached (${error.message}). Check your connection and try again.`;
  }
  return error instanceof Error ? error.message : String(error);
}

let shared: Session | undefined;

/** The app's session (browser storage, real API client). */
export function useSession(): Session {
  shared ??= createSession(window.localStorage, (token, onUnauthenticated) =>
    createApiClient({ token, onUnauthenticated }),
  );
  return shared;
}
