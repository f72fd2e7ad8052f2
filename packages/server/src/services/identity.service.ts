/**
 * Users, organisations, memberships and API tokens (contracts.ts `IdentityService`), plus the
 * first-start bootstrap: a site-admin user `admin`, an organisation `default` with admin as
 * ADMIN, and a one-time token, created once (a marker row makes sure it never happens again).
 */
import { In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database.js';
import {
  ApiTokenEntity,
  MemberEntity,
  OrganizationEntity,
  ServerMarkerEntity,
  UserEntity,
} from '../db/entities.js';
import type { ApiTokenRow, UserRow } from '../db/entities.js';
import { requireRole } from './authz.js';
import type {
  CreatedToken,
  IdentityService,
  MembershipRecord,
  OrganizationRecord,
  Principal,
  Role,
  TokenRecord,
  UserRecord,
} from './contracts.js';
import { badInput, conflict, forbidden, notFound } from './errors.js';
import { newId } from './ids.js';
import { checkName } from './names.js';
import { PrincipalCache } from './principal-cache.js';
import { generateToken, hashToken, TOKEN_PREFIX } from './tokens.js';

const ROLES: readonly Role[] = ['admin', 'member', 'viewer'];
const BOOTSTRAP_MARKER = 'bootstrap';
/** `last_used_at` is written at most this often per token (it is a hint, not an audit log). */
const LAST_USED_GRANULARITY_MS = 60_000;
const DAY_MS = 86_400_000;

export const BOOTSTRAP_USER = 'admin';
export const BOOTSTRAP_ORGANIZATION = 'default';

export class TypeOrmIdentityService implements IdentityService {
  private readonly identityListeners = new Set<() => void>();
  private readonly principals = new PrincipalCache();

  constructor(private readonly db: Database) {}

  onIdentityChanged(listener: () => void): () => void {
    this.identityListeners.add(listener);
    return () => this.identityListeners.delete(listener);
  }

  /**
   * Another server replica changed identities (replicas/cache-invalidation.ts): as after a change
   * made here, cached principals are forgotten and the listeners told.
   */
  identityChangedElsewhere(): void {
    this.identityChanged();
  }

  /** After the commit: listeners re-read identities and must see the change. */
  private identityChanged(): void {
    this.principals.clear();
    for (const listener of this.identityListeners) listener();
  }

  /**
   * Creates the first admin, organisation and token on the very first start. Returns the token
   * (to print once), or undefined when the installation was bootstrapped before.
   */
  async bootstrap(): Promise<string | undefined> {
    return this.db.transaction(async (m) => {
      if ((await m.findOneBy(ServerMarkerEntity, { name: BOOTSTRAP_MARKER })) !== null)
        return undefined;
      const now = Date.now();
      const user: UserRow = { id: newId(), name: BOOTSTRAP_USER, siteAdmin: true, createdAt: now };
      const existing = await m.findOneBy(UserEntity, { name: BOOTSTRAP_USER });
      const admin = existing ?? (await m.save(UserEntity, user));
      let org = await m.findOneBy(OrganizationEntity, { name: BOOTSTRAP_ORGANIZATION });
      org ??= await m.save(OrganizationEntity, {
        id: newId(),
        name: BOOTSTRAP_ORGANIZATION,
        createdAt: now,
      });
      await m.save(MemberEntity, { organizationId: org.id, userId: admin.id, role: 'admin' });
      const token = generateToken();
      await m.insert(ApiTokenEntity, {
        id: newId(),
        userId: admin.id,
        name: 'bootstrap',
        prefix: token.prefix,
        hash: token.hash,
        createdAt: now,
        lastUsedAt: null,
        expiresAt: null,
      });
      await m.insert(ServerMarkerEntity, { name: BOOTSTRAP_MARKER, createdAt: now });
      return token.secret;
    });
  }

  async authenticate(bearer: string): Promise<Principal | undefined> {
    const secret = bearer.replace(/^Bearer\s+/i, '').trim();
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    const hash = hashToken(secret);
    const now = Date.now();
    const cached = this.principals.get(hash, now);
    if (cached !== undefined) return cached;
    const token = await this.db.manager.findOneBy(ApiTokenEntity, { hash });
    if (token === null) return undefined;
    if (token.expiresAt !== null && token.expiresAt <= now) return undefined;
    const user = await this.db.manager.findOneBy(UserEntity, { id: token.userId });
    if (user === null) return undefined;
    if (token.lastUsedAt === null || now - token.lastUsedAt > LAST_USED_GRANULARITY_MS) {
      void this.db.manager
        .update(ApiTokenEntity, { id: token.id }, { lastUsedAt: now })
        .catch(() => undefined);
    }
    const principal = await this.principalOf(user, token.id);
    this.principals.set(hash, principal, now, token.expiresAt);
    return principal;
  }

  /** The principal of a user by name (for trusted in-process callers such as tests and triggers). */
  async principalFor(userName: string): Promise<Principal | undefined> {
    const user = await this.db.manager.findOneBy(UserEntity, { name: userName });
    return user === null ? undefined : this.principalOf(user, '');
  }

  private async principalOf(user: UserRow, tokenId: string): Promise<Principal> {
    const members = await this.db.manager.findBy(MemberEntity, { userId: user.id });
    const orgs =
      members.length === 0
        ? []
        : await this.db.manager.findBy(OrganizationEntity, {
            id: In(members.map((m) => m.organizationId)),
          });
    const orgName = new Map(orgs.map((o) => [o.id, o.name]));
    const roles = new Map<string, Role>();
    for (const m of members) {
      const name = orgName.get(m.organizationId);
      if (name !== undefined) roles.set(name, m.role as Role);
    }
    return { userId: user.id, userName: user.name, siteAdmin: user.siteAdmin, roles, tokenId };
  }

  async me(p: Principal): Promise<UserRecord> {
    const user = await this.db.manager.findOneBy(UserEntity, { id: p.userId });
    if (user === null) throw notFound('your user no longer exists');
    return userRecord(user);
  }

  async listOrganizations(p: Principal): Promise<OrganizationRecord[]> {
    const rows = p.siteAdmin
      ? await this.db.manager.find(OrganizationEntity, { order: { name: 'ASC' } })
      : p.roles.size === 0
        ? []
        : await this.db.manager.find(OrganizationEntity, {
            where: { name: In([...p.roles.keys()]) },
            order: { name: 'ASC' },
          });
    return rows.map((o) => ({ id: o.id, name: o.name, createdAt: o.createdAt }));
  }

  async createOrganization(p: Principal, name: string): Promise<OrganizationRecord> {
    if (!p.siteAdmin) throw forbidden('only a site administrator can create organisations');
    checkName('organisation name', name);
    return this.db.transaction(async (m) => {
      if ((await m.findOneBy(OrganizationEntity, { name })) !== null) {
        throw conflict(`organisation "${name}" already exists`);
      }
      // Users and organisations share one component namespace (components.service.ts): the
      // user would otherwise publish into the organisation's namespace, or the reverse.
      if ((await m.findOneBy(UserEntity, { name })) !== null) {
        throw conflict(`"${name}" is a user name; organisations and users need different names`);
      }
      const row = { id: newId(), name, createdAt: Date.now() };
      await m.insert(OrganizationEntity, row);
      return row;
    });
  }

  async listMembers(p: Principal, organization: string): Promise<MembershipRecord[]> {
    requireRole(p, organization, 'viewer');
    const org = await this.organization(organization);
    const members = await this.db.manager.findBy(MemberEntity, { organizationId: org.id });
    if (members.length === 0) return [];
    const users = await this.db.manager.findBy(UserEntity, {
      id: In(members.map((m) => m.userId)),
    });
    const names = new Map(users.map((u) => [u.id, u.name]));
    return members
      .map((m) => ({ organization, user: names.get(m.userId) ?? m.userId, role: m.role as Role }))
      .sort((a, b) => a.user.localeCompare(b.user));
  }

  async setMember(
    p: Principal,
    organization: string,
    user: string,
    role: Role,
  ): Promise<MembershipRecord> {
    requireRole(p, organization, 'admin');
    if (!ROLES.includes(role))
      throw badInput(`unknown role "${String(role)}"; use admin, member or viewer`);
    checkName('user name', user);
    const membership = await this.db.transaction(async (m) => {
      const org = await m.findOneBy(OrganizationEntity, { name: organization });
      if (org === null) throw notFound(`no organisation "${organization}"`);
      let row = await m.findOneBy(UserEntity, { name: user });
      if (row === null) {
        if ((await m.findOneBy(OrganizationEntity, { name: user })) !== null) {
          throw conflict(
            `"${user}" is an organisation name; users and organisations need different names`,
          );
        }
        row = { id: newId(), name: user, siteAdmin: false, createdAt: Date.now() };
        await m.insert(UserEntity, row);
      }
      const current = await m.findOneBy(MemberEntity, { organizationId: org.id, userId: row.id });
      if (current?.role === 'admin' && role !== 'admin') await this.keepAnAdmin(m, org.id);
      await m.save(MemberEntity, { organizationId: org.id, userId: row.id, role });
      return { organization, user, role };
    });
    this.identityChanged(); // a lowered role must reach open sessions
    return membership;
  }

  async removeMember(p: Principal, organization: string, user: string): Promise<boolean> {
    requireRole(p, organization, 'admin');
    const removed = await this.db.transaction(async (m) => {
      const org = await m.findOneBy(OrganizationEntity, { name: organization });
      if (org === null) throw notFound(`no organisation "${organization}"`);
      const row = await m.findOneBy(UserEntity, { name: user });
      if (row === null) return false;
      const current = await m.findOneBy(MemberEntity, { organizationId: org.id, userId: row.id });
      if (current === null) return false;
      if (current.role === 'admin') await this.keepAnAdmin(m, org.id);
      await m.delete(MemberEntity, { organizationId: org.id, userId: row.id });
      return true;
    });
    if (removed) this.identityChanged();
    return removed;
  }

  private async keepAnAdmin(m: EntityManager, organizationId: string): Promise<void> {
    const admins = await m.countBy(MemberEntity, { organizationId, role: 'admin' });
    if (admins <= 1)
      throw conflict('an organisation needs at least one admin: make someone else admin first');
  }

  async createToken(
    p: Principal,
    name: string,
    options: { expiresInDays?: number; forUser?: string } = {},
  ): Promise<CreatedToken> {
    if (name.trim() === '' || name.length > 200)
      throw badInput('a token needs a name (at most 200 characters)');
    const days = options.expiresInDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
      throw badInput('expiresInDays must be a whole number of days from 1 to 3650');
    }
    let user: UserRow | null;
    if (options.forUser !== undefined && options.forUser !== p.userName) {
      if (!p.siteAdmin)
        throw forbidden('only a site administrator can create tokens for other users');
      user = await this.db.manager.findOneBy(UserEntity, { name: options.forUser });
      if (user === null) throw notFound(`no user "${options.forUser}"`);
    } else {
      user = await this.db.manager.findOneBy(UserEntity, { id: p.userId });
      if (user === null) throw notFound('your user no longer exists');
    }
    const token = generateToken();
    const now = Date.now();
    const row: ApiTokenRow = {
      id: newId(),
      userId: user.id,
      name,
      prefix: token.prefix,
      hash: token.hash,
      createdAt: now,
      lastUsedAt: null,
      expiresAt: days === undefined ? null : now + days * DAY_MS,
    };
    await this.db.manager.insert(ApiTokenEntity, row);
    return { record: tokenRecord(row, user.name), secret: token.secret };
  }

  async listTokens(p: Principal): Promise<TokenRecord[]> {
    const rows = await this.db.manager.find(ApiTokenEntity, {
      where: { userId: p.userId },
      order: { createdAt: 'ASC' },
    });
    return rows.map((r) => tokenRecord(r, p.userName));
  }

  async deleteToken(p: Principal, id: string): Promise<boolean> {
    const row = await this.db.manager.findOneBy(ApiTokenEntity, { id });
    if (row === null) return false;
    if (row.userId !== p.userId && !p.siteAdmin) return false; // do not reveal others' token ids
    await this.db.manager.delete(ApiTokenEntity, { id });
    this.identityChanged();
    return true;
  }

  private async organization(name: string): Promise<{ id: string }> {
    const org = await this.db.manager.findOneBy(OrganizationEntity, { name });
    if (org === null) throw notFound(`no organisation "${name}"`);
    return org;
  }
}

function userRecord(u: UserRow): UserRecord {
  return { id: u.id, name: u.name, siteAdmin: u.siteAdmin, createdAt: u.createdAt };
}

function tokenRecord(r: ApiTokenRow, userName: string): TokenRecord {
  return {
    id: r.id,
    userName,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.createdAt,
    ...(r.lastUsedAt === null ? {} : { lastUsedAt: r.lastUsedAt }),
    ...(r.expiresAt === null ? {} : { expiresAt: r.expiresAt }),
  };
}
