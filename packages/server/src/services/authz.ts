/** Role checks shared by the services: admin ⊃ member ⊃ viewer per organisation; site admins pass all. */
import type { Principal, Role } from './contracts.js';
import { forbidden } from './errors.js';

const RANK: Readonly<Record<Role, number>> = { viewer: 1, member: 2, admin: 3 };

export function hasRole(p: Principal, organization: string, role: Role): boolean {
  if (p.siteAdmin) return true;
  const mine = p.roles.get(organization);
  return mine !== undefined && RANK[mine] >= RANK[role];
}

/** @throws FORBIDDEN naming the role needed. */
export function requireRole(p: Principal, organization: string, role: Role): void {
  if (!hasRole(p, organization, role)) {
    throw forbidden(`you need the ${role} role in organisation "${organization}" for this`);
  }
}

/** Organisations the caller can view (undefined: all, for a site admin). */
export function viewableOrganizations(p: Principal): readonly string[] | undefined {
  return p.siteAdmin ? undefined : [...p.roles.keys()];
}
