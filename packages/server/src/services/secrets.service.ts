/**
 * Organisation secrets (contracts.ts `SecretService`): AES-256-GCM at rest, write-only through
 * the API; the engine reads them decrypted through {@link SecretsStore.providerFor}. Values are
 * never logged.
 */
import type { SecretProvider } from '@containerops/core';
import type { Database } from '../db/database.js';
import { SecretEntity } from '../db/entities.js';
import type { SecretRow } from '../db/entities.js';
import type { SecretCipher } from '../secrets/secret-cipher.js';
import { requireRole } from './authz.js';
import type { Principal, SecretRecord, SecretService } from './contracts.js';
import { badInput } from './errors.js';
import { requireExistingOrganization } from './organization-exists.js';

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Secrets above this size are refused (they travel in env variables). */
const MAX_SECRET_BYTES = 64 * 1024;

export class TypeOrmSecretService implements SecretService {
  constructor(
    private readonly db: Database,
    private readonly cipher: SecretCipher,
  ) {}

  async list(p: Principal, organization: string): Promise<SecretRecord[]> {
    requireRole(p, organization, 'viewer');
    const rows = await this.db.manager.find(SecretEntity, {
      where: { organization },
      select: { organization: true, name: true, createdAt: true, updatedAt: true },
      order: { name: 'ASC' },
    });
    return rows.map(record);
  }

  async set(
    p: Principal,
    organization: string,
    name: string,
    value: string,
  ): Promise<SecretRecord> {
    requireRole(p, organization, 'admin');
    if (!SECRET_NAME.test(name))
      throw badInput(`secret name "${name}" is not valid: use [A-Za-z_][A-Za-z0-9_]*`);
    if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES)
      throw badInput('a secret value may hold at most 64 KiB');
    await requireExistingOrganization(
      this.db.manager,
      p,
      organization,
      'create it first (createOrganization)',
    );
    const sealed = this.cipher.seal(value, aad(organization, name));
    return this.db.transaction(async (m) => {
      const now = Date.now();
      const existing = await m.findOneBy(SecretEntity, { organization, name });
      const row: SecretRow = {
        organization,
        name,
        ...sealed,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await m.save(SecretEntity, row);
      return record(row);
    });
  }

  async remove(p: Principal, organization: string, name: string): Promise<boolean> {
    requireRole(p, organization, 'admin');
    const result = await this.db.manager.delete(SecretEntity, { organization, name });
    return (result.affected ?? 0) > 0;
  }

  /** What the engine of `organization` resolves `${{ secrets.NAME }}` with. */
  providerFor(organization: string): SecretProvider {
    return {
      get: async (name) => {
        const row = await this.db.manager.findOneBy(SecretEntity, { organization, name });
        return row === null ? undefined : this.cipher.open(row, aad(organization, name));
      },
    };
  }
}

function aad(organization: string, name: string): string {
  return `${organization}/${name}`;
}

function record(
  r: Pick<SecretRow, 'organization' | 'name' | 'createdAt' | 'updatedAt'>,
): SecretRecord {
  return {
    organization: r.organization,
    name: r.name,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
