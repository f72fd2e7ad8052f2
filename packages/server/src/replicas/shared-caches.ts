/**
 * Which of the server's caches replicas share invalidations of, and how each takes part (see
 * cache-invalidation.ts): principals through the identity service's change listeners, workflow
 * rows and versions through the workflow service's (the listener list start-server.ts gives it).
 */
import type { TypeOrmIdentityService } from '../services/identity.service.js';
import type { TypeOrmWorkflowService } from '../services/workflows.service.js';
import type { CacheInvalidation } from './cache-invalidation.js';

export interface SharedCacheOwners {
  readonly identity: Pick<TypeOrmIdentityService, 'onIdentityChanged' | 'identityChangedElsewhere'>;
  readonly workflows: Pick<TypeOrmWorkflowService, 'changedElsewhere'>;
  /** Registers a listener told after every workflow change (the workflow service's `onChanged`). */
  readonly onWorkflowsChanged: (listener: () => void) => void;
}

/** Binds the principal and workflow caches to `caches` (once, at start). */
export function shareCaches(caches: CacheInvalidation, owners: SharedCacheOwners): void {
  caches.bind('principals', {
    onChanged: (listener) => void owners.identity.onIdentityChanged(listener),
    changedElsewhere: () => owners.identity.identityChangedElsewhere(),
  });
  caches.bind('workflows', {
    onChanged: owners.onWorkflowsChanged,
    changedElsewhere: () => owners.workflows.changedElsewhere(),
  });
}
