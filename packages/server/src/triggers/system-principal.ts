/**
 * The principal runs started by triggers act as: no token, no user row; a site administrator,
 * because the trigger (installed by an administrator, or the generic webhook after checking the
 * workflow's own secret) has already decided that this workflow may start.
 */
import type { Principal } from '../services/contracts.js';

export function triggerPrincipal(trigger: string): Principal {
  return {
    userId: `trigger:${trigger}`,
    userName: `trigger:${trigger}`,
    siteAdmin: true,
    roles: new Map(),
    tokenId: '',
  };
}
