/**
 * The component repository (contracts.ts `ComponentService`): component.yaml files parsed by
 * core's component parser, stored per version; namespaces are `library` (site admins), an
 * organisation (its members), or a user (that user).
 */
import { LIBRARY_NAMESPACE, hasErrors, parseComponentDefinition } from '@containerops/core';
import type { ComponentDefinition } from '@containerops/core';
import type { Database } from '../db/database.js';
import { ComponentEntity, ComponentVersionEntity } from '../db/entities.js';
import type { ComponentRow, ComponentVersionRow } from '../db/entities.js';
import { hasRole } from './authz.js';
import type {
  ComponentRecord,
  ComponentService,
  ComponentVersionRecord,
  Principal,
  Role,
} from './contracts.js';
import { conflict, forbidden, invalidDefinition, notFound } from './errors.js';
import { newId } from './ids.js';
import { compareSemver, pickVersion } from './semver-order.js';

export class TypeOrmComponentService implements ComponentService {
  constructor(private readonly db: Database) {}

  private canView(p: Principal, namespace: string): boolean {
    return (
      namespace === LIBRARY_NAMESPACE || namespace === p.userName || hasRole(p, namespace, 'viewer')
    );
  }

  private requireWrite(p: Principal, namespace: string, role: Role): void {
    const ok =
      namespace === LIBRARY_NAMESPACE
        ? p.siteAdmin
        : namespace === p.userName || hasRole(p, namespace, role);
    if (!ok) {
      throw forbidden(
        namespace === LIBRARY_NAMESPACE
          ? 'only a site administrator can change library components'
          : `you need the ${role} role in "${namespace}" to change its components`,
      );
    }
  }

  async list(
    p: Principal,
    filter: { namespace?: string; search?: string } = {},
  ): Promise<ComponentRecord[]> {
    const qb = this.db.manager
      .createQueryBuilder(ComponentEntity, 'c')
      .orderBy('c.namespace')
      .addOrderBy('c.name');
    if (filter.namespace !== undefined) qb.where('c.namespace = :ns', { ns: filter.namespace });
    const rows = (await qb.getMany()).filter((c) => this.canView(p, c.namespace));
    const search = filter.search?.toLowerCase();
    const matching =
      search === undefined ? rows : rows.filter((c) => `${c.namespace}/${c.name}`.includes(search));
    return Promise.all(matching.map((c) => this.record(c)));
  }

  async get(p: Principal, namespace: string, name: string): Promise<ComponentRecord | undefined> {
    if (!this.canView(p, namespace)) return undefined;
    const row = await this.db.manager.findOneBy(ComponentEntity, { namespace, name });
    return row === null ? undefined : this.record(row);
  }

  async versions(p: Principal, namespace: string, name: string): Promise<ComponentVersionRecord[]> {
    if (!this.canView(p, namespace)) return [];
    const row = await this.db.manager.findOneBy(ComponentEntity, { namespace, name });
    if (row === null) return [];
    const versions = await this.db.manager.findBy(ComponentVersionEntity, { componentId: row.id });
    return versions
      .sort((a, b) => compareSemver(b.version, a.version))
      .map((v) => versionRecord(row, v));
  }

  async version(
    p: Principal,
    namespace: string,
    name: string,
    version?: string,
  ): Promise<ComponentVersionRecord | undefined> {
    const all = await this.versions(p, namespace, name);
    return pickVersion(all, version);
  }

  async publish(p: Principal, yaml: string, readme?: string): Promise<ComponentVersionRecord> {
    const parsed = parseComponentDefinition(yaml, { fileName: 'component.yaml' });
    const definition = parsed.component;
    if (definition === undefined || hasErrors(parsed.diagnostics)) {
      throw invalidDefinition('the component file has errors', parsed.diagnostics);
    }
    this.requireWrite(p, definition.namespace, 'member');
    return this.db.transaction(async (m) => {
      let component = await m.findOneBy(ComponentEntity, {
        namespace: definition.namespace,
        name: definition.shortName,
      });
      if (component === null) {
        component = {
          id: newId(),
          namespace: definition.namespace,
          name: definition.shortName,
          createdAt: Date.now(),
        };
        await m.insert(ComponentEntity, component);
      } else if (
        (await m.findOneBy(ComponentVersionEntity, {
          componentId: component.id,
          version: definition.version,
        })) !== null
      ) {
        throw conflict(
          `${definition.name}@${definition.version} is already published; bump the version`,
        );
      }
      const row: ComponentVersionRow = {
        componentId: component.id,
        version: definition.version,
        yaml,
        definition: JSON.stringify(definition),
        readme: readme ?? null,
        deprecated: false,
        deprecationMessage: null,
        publishedAt: Date.now(),
        publishedBy: p.userName,
      };
      await m.insert(ComponentVersionEntity, row);
      return versionRecord(component, row);
    });
  }

  async deprecate(
    p: Principal,
    namespace: string,
    name: string,
    version: string,
    message?: string,
  ): Promise<ComponentVersionRecord> {
    this.requireWrite(p, namespace, 'member');
    const component = await this.db.manager.findOneBy(ComponentEntity, { namespace, name });
    const row =
      component === null
        ? null
        : await this.db.manager.findOneBy(ComponentVersionEntity, {
            componentId: component.id,
            version,
          });
    if (component === null || row === null)
      throw notFound(`no component ${namespace}/${name}@${version}`);
    row.deprecated = true;
    row.deprecationMessage = message ?? null;
    await this.db.manager.update(
      ComponentVersionEntity,
      { componentId: component.id, version },
      { deprecated: true, deprecationMessage: message ?? null },
    );
    return versionRecord(component, row);
  }

  async remove(p: Principal, namespace: string, name: string, version: string): Promise<boolean> {
    this.requireWrite(p, namespace, 'admin');
    return this.db.transaction(async (m) => {
      const component = await m.findOneBy(ComponentEntity, { namespace, name });
      if (component === null) return false;
      const result = await m.delete(ComponentVersionEntity, { componentId: component.id, version });
      if ((await m.countBy(ComponentVersionEntity, { componentId: component.id })) === 0) {
        await m.delete(ComponentEntity, { id: component.id });
      }
      return (result.affected ?? 0) > 0;
    });
  }

  private async record(c: ComponentRow): Promise<ComponentRecord> {
    const versions = await this.db.manager.find(ComponentVersionEntity, {
      where: { componentId: c.id },
      select: { version: true, componentId: true, deprecated: true },
    });
    const latest = pickVersion(
      versions.map((v) => ({ version: v.version, deprecated: v.deprecated })),
      undefined,
    );
    return {
      id: c.id,
      namespace: c.namespace,
      name: c.name,
      ...(latest === undefined ? {} : { latestVersion: latest.version }),
      createdAt: c.createdAt,
    };
  }
}

function versionRecord(c: ComponentRow, v: ComponentVersionRow): ComponentVersionRecord {
  return {
    namespace: c.namespace,
    name: c.name,
    version: v.version,
    definition: JSON.parse(v.definition) as ComponentDefinition,
    yaml: v.yaml,
    ...(v.readme === null ? {} : { readme: v.readme }),
    deprecated: v.deprecated,
    ...(v.deprecationMessage === null ? {} : { deprecationMessage: v.deprecationMessage }),
    publishedAt: v.publishedAt,
    publishedBy: v.publishedBy,
  };
}
