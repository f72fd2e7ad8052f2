/** Names this server process among the replicas sharing a database. */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * `host-pid-random`: readable in logs and in `run_leases.owner`, unique even when a restarted
 * process gets the same pid on the same host (the random part), at most 100 characters.
 */
export function replicaId(): string {
  return `${hostname().slice(0, 70)}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The exit code of a replica that found its runs taken over by another (see lease-keeper.ts). */
export const EXIT_LEASE_LOST = 75;
