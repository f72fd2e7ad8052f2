/** Builds every domain service of contracts.ts `ServerServices` over one database and engine host. */
import { RunInsightsService } from './run-insights.service.js';
import type { LogStore } from '@containerops/sdk';
import type { Database } from '../db/database.js';
import type { EngineHost } from '../engine-host/engine-host.js';
import type { SecretCipher } from '../secrets/secret-cipher.js';
import type { TypeOrmRunStore } from '../stores/typeorm-run-store.js';
import type { WorkspaceKeeper } from '../workspaces/workspace-keeper.js';
import type { ComponentLookupFor } from './component-references.js';
import { TypeOrmComponentService } from './components.service.js';
import type { ServerServices } from './contracts.js';
import type { EventBus } from './event-bus.js';
import type { PluginHealth } from '@containerops/sdk';
import { ServerHealthService } from './health.service.js';
import { TypeOrmIdentityService } from './identity.service.js';
import { ServerLiveFeed } from './live-feed.js';
import { RunScopes } from './run-scopes.js';
import { TypeOrmRunService } from './runs.service.js';
import type { RemoteRunControl } from './runs.service.js';
import { TypeOrmSecretService } from './secrets.service.js';
import { TypeOrmWorkflowService } from './workflows.service.js';
import { TypeOrmNotificationService } from '../notifiers/notifications.service.js';
import { TypeOrmDeliveryService } from '../triggers/deliveries.service.js';
import type { DeliveryServiceDeps } from '../triggers/deliveries.service.js';
import { DeliveryLog } from '../triggers/delivery-log.js';

export interface ServiceDeps {
  readonly db: Database;
  readonly store: TypeOrmRunStore;
  readonly bus: EventBus;
  readonly logs: LogStore;
  readonly host: EngineHost;
  readonly secrets: TypeOrmSecretService;
  readonly workspaces: WorkspaceKeeper;
  readonly hooks?: { readonly name: string };
  /** Every plugin instance's health (the plugin host's `health()`). */
  readonly pluginHealth: () => Promise<readonly PluginHealth[]>;
  /** Told after a workflow was applied or removed. */
  readonly onWorkflowsChanged?: () => void;
  /** Webhook deliveries: their log (with the cipher), the routes redeliveries go through. */
  readonly webhooks?: DeliveryServiceDeps;
  /** With `replicas: many`: cancel and decide for runs other replicas drive. */
  readonly remoteRuns?: RemoteRunControl;
  /**
   * The seq feeds and run lists count as "now" (default: the run store's highest). With
   * `replicas: many`, the highest this replica's bus has published: the store's own counter
   * only knows this replica's commits.
   */
  readonly currentSeq?: () => Promise<number>;
}

/** The services plus the concrete classes start-up needs (bootstrap, readiness). */
export interface CreatedServices extends ServerServices {
  readonly identity: TypeOrmIdentityService;
  readonly workflows: TypeOrmWorkflowService;
  readonly health: ServerHealthService;
  readonly components: TypeOrmComponentService;
}

export function createSecretService(db: Database, cipher: SecretCipher): TypeOrmSecretService {
  return new TypeOrmSecretService(db, cipher);
}

export function createServices(deps: ServiceDeps): CreatedServices {
  const identity = new TypeOrmIdentityService(deps.db);
  const components = new TypeOrmComponentService(deps.db);
  // Every reference is resolved as its caller: no path reads a component the caller cannot view.
  const lookup: ComponentLookupFor = (p) => (ns, name, version) =>
    components.version(p, ns, name, version);
  const workflows = new TypeOrmWorkflowService(deps.db, lookup, deps.onWorkflowsChanged);
  const scopes = new RunScopes(deps.db, () => deps.store.flushed());
  const currentSeq = deps.currentSeq ?? (() => deps.store.currentSeq());
  const runs = new TypeOrmRunService({
    db: deps.db,
    store: deps.store,
    host: deps.host,
    logs: deps.logs,
    workflows,
    components: lookup,
    workspaces: deps.workspaces,
    scopes,
    ...(deps.remoteRuns === undefined ? {} : { remoteRuns: deps.remoteRuns }),
    currentSeq,
  });
  const live = new ServerLiveFeed({
    store: deps.store,
    currentSeq,
    bus: deps.bus,
    logs: deps.logs,
    scopes,
    runs,
  });
  const health = new ServerHealthService({
    db: deps.db,
    orchestrator: deps.host.orchestrator,
    pluginHealth: deps.pluginHealth,
    ...(deps.hooks === undefined ? {} : { hooks: deps.hooks }),
  });
  return {
    identity,
    workflows,
    runs,
    live,
    components,
    secrets: deps.secrets,
    health,
    deliveries: new TypeOrmDeliveryService(deps.webhooks ?? { log: new DeliveryLog(deps.db) }),
    notifications: new TypeOrmNotificationService(deps.db, runs),
    insights: new RunInsightsService(deps.db),
  };
}
