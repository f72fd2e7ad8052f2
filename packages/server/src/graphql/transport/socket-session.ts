/**
 * One WebSocket connection's identity. A socket lives for hours while the token behind it may be
 * deleted or its user's roles lowered, so the session keeps the raw `Authorization` value and
 * re-authenticates: before every new subscription, after every identity write of this process
 * and periodically (for other replicas' writes and expiring tokens).
 *
 * Outcomes of a re-check: the token is gone → the socket closes with 4401; the principal lost a
 * role (or site admin) → every subscription opened before ends with one FORBIDDEN error (the
 * client resubscribes and is checked afresh); gained rights change nothing for open streams.
 */
import { setMaxListeners } from 'node:events';
import { UserError } from '@containerops/core';
import type { Principal } from '../../services/contracts.js';
import { ServerErrorCode } from '../../services/contracts.js';

/** Subscriptions (and in-flight operations) one connection may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 100;

const RANK: Readonly<Record<string, number>> = { viewer: 1, member: 2, admin: 3 };

/** True when `after` may do less than `before` anywhere (a lost or lowered role, no longer admin). */
export function rightsShrank(before: Principal, after: Principal): boolean {
  if (before.userId !== after.userId) return true;
  if (before.siteAdmin && !after.siteAdmin) return true;
  for (const [organization, role] of before.roles) {
    const now = after.roles.get(organization);
    if (now === undefined || (RANK[now] ?? 0) < (RANK[role] ?? 0)) return true;
  }
  return false;
}

export type RecheckOutcome = 'unchanged' | 'revoked' | 'gone';

/**
 * The connection's "rights revoked" controller. Every subscription of the connection listens to
 * its one signal while it waits for the next event (graphql/abortable-feed.ts), so it has up to
 * {@link MAX_SUBSCRIPTIONS_PER_CONNECTION} `abort` listeners by design — the transport refuses
 * more subscriptions than that. Node's leak warning (default: more than 10 listeners) is set to
 * that bound, so a real leak beyond it still warns.
 */
function revocationController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(MAX_SUBSCRIPTIONS_PER_CONNECTION, controller.signal);
  return controller;
}

export class SocketSession {
  private controller = revocationController();
  private checking: Promise<RecheckOutcome> | undefined;
  private again = false;

  constructor(
    /** The `Authorization` value the connection was opened with. */
    readonly authorization: string,
    private current: Principal,
    /** Resolves the token afresh; undefined when it is unknown, expired or deleted. */
    private readonly resolve: (authorization: string) => Promise<Principal | undefined>,
  ) {}

  get principal(): Principal {
    return this.current;
  }

  /** Aborts (reason: FORBIDDEN) for the subscriptions opened while the old rights held. */
  get revoked(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Re-authenticates now. Concurrent calls share one check, and a call made during a check runs
   * one more afterwards (it may follow a write the running check did not see yet).
   * Throws what `resolve` throws (e.g. the database is down): the caller decides.
   */
  recheck(): Promise<RecheckOutcome> {
    if (this.checking !== undefined) {
      this.again = true;
      return this.checking;
    }
    const run = async (): Promise<RecheckOutcome> => {
      try {
        let outcome: RecheckOutcome;
        do {
          this.again = false;
          outcome = await this.checkOnce();
        } while (this.again && outcome !== 'gone');
        return outcome;
      } finally {
        this.checking = undefined;
      }
    };
    this.checking = run();
    return this.checking;
  }

  private async checkOnce(): Promise<RecheckOutcome> {
    const fresh = await this.resolve(this.authorization);
    if (fresh === undefined) {
      this.revoke('Your token was deleted or expired: sign in again.');
      return 'gone';
    }
    const shrank = rightsShrank(this.current, fresh);
    this.current = fresh;
    if (!shrank) return 'unchanged';
    this.revoke('Your access changed: subscribe again.');
    return 'revoked';
  }

  private revoke(message: string): void {
    this.controller.abort(new UserError(ServerErrorCode.forbidden, message));
    this.controller = revocationController();
  }
}
