/**
 * Site administrators pass every role check (authz.ts), so for them nothing proves that the
 * organisation they name exists; members' roles do. Services that create something owned by an
 * organisation call this first, so a typo never creates secrets or workflows nobody can see.
 */
import type { EntityManager } from 'typeorm';
import { OrganizationEntity } from '../db/entities.js';
import type { Principal } from './contracts.js';
import { notFound } from './errors.js';

/** @throws NOT_FOUND when a site admin names an organisation that does not exist. */
export async function requireExistingOrganization(
  manager: EntityManager,
  p: Principal,
  organization: string,
  what: string,
): Promise<void> {
  if (!p.siteAdmin || p.roles.has(organization)) return;
  if ((await manager.countBy(OrganizationEntity, { name: organization })) > 0) return;
  throw notFound(`no organisation "${organization}": ${what}`);
}
