/**
 * `startServer(config)`: the composition root. Locks the data directory (and a shared database),
 * opens the database (migrations), the log store, the orchestrator and the engines; builds the
 * services; bootstraps the first admin; listens; resumes unfinished runs; starts retention.
 * `shutdown()` drains runs first (lifecycle/graceful-shutdown.ts); `close()` shuts it all down in
 * reverse order.
 */
import { mkdirSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { CallbackRegistry } from '@containerops/core';
import type { RunSnapshot } from '@containerops/core';
import { UserError } from '@containerops/sdk';
import type { LogStore, PluginContext, PluginKind } from '@containerops/sdk';
import { resolveServerConfig } from './config/resolve-config.js';
import type { ServerConfig, ServerConfigInput } from './config/server-config.js';
import { openDatabase } from './db/data-source.js';
import { Database } from './db/database.js';
import { engineStoreProblems } from './db/engine-store-problems.js';
import { storageProbes } from './db/storage-probes.js';
import { EngineHost } from './engine-host/engine-host.js';
import { configError } from './config/config-error.js';
import { LeaseKeeper } from './replicas/lease-keeper.js';
import { EXIT_LEASE_LOST, replicaId } from './replicas/replica-id.js';
import { RunLeases } from './replicas/run-leases.js';
import { LazyHooks } from './engine-host/lazy-hooks.js';
import { createOrchestrator } from './engine-host/orchestrators.js';
import { CALLBACK_PATH } from './http/callback-route.js';
import type { GraphqlFactory } from './http/graphql-mount.js';
import { HookRoutes } from './http/hook-routes.js';
import { loadPlugins, PLUGIN_NOT_FOUND } from './plugins/load-plugins.js';
import { pluginContext } from './plugins/plugin-context.js';
import { createHttpServer } from './http/http-server.js';
import type { HttpServerOptions } from './http/http-server.js';
import { ServerMetrics } from './http/metrics.js';
import { listen } from './http/listen.js';
import { defaultWebDir } from './http/static-files.js';
import { lockDataDir } from './lifecycle/data-dir-lock.js';
import { lockDatabase } from './lifecycle/database-lock.js';
import { drainRuns } from './lifecycle/graceful-shutdown.js';
import type { DrainReport } from './lifecycle/graceful-shutdown.js';
import { consoleLogger } from './logger.js';
import type { ServerLogger } from './logger.js';
import { RetentionJob } from './retention/retention-job.js';
import { SecretCipher } from './secrets/secret-cipher.js';
import { loadSecretKey } from './secrets/secret-key.js';
import { createSecretService, createServices } from './services/create-services.js';
import type { CreatedServices } from './services/create-services.js';
import { EventBus } from './services/event-bus.js';
import { ReplicaSync } from './replicas/replica-sync.js';
import { shareCaches } from './replicas/shared-caches.js';
import { JobAttemptWriter } from './stores/job-attempt-writer.js';
import { TypeOrmRunStore } from './stores/typeorm-run-store.js';
import { unfinishedOrganizations } from './stores/unfinished-organizations.js';
import { NotificationLog } from './notifiers/notification-log.js';
import { NotifierHost } from './notifiers/notifier-host.js';
import { sharedParsePool } from './parsing/parse-pool.js';
import { DeliveryLog } from './triggers/delivery-log.js';
import { TriggerHost } from './triggers/trigger-host.js';
import { WorkspaceKeeper } from './workspaces/workspace-keeper.js';

export interface StartServerOptions {
  /** Mounts the GraphQL API at `/graphql` (without it, `/graphql` answers 503). */
  readonly graphql?: GraphqlFactory;
  readonly logger?: ServerLogger;
}

export interface StartedServer {
  /** `http://<host>:<port>` (127.0.0.1 when listening on every interface: the URL this machine uses). */
  readonly url: string;
  readonly port: number;
  readonly config: ServerConfig;
  readonly services: CreatedServices;
  /** The state database (benchmarks and maintenance tools use it directly). */
  readonly dataSource: DataSource;
  /** The one-time admin token, on the very first start only (printed through `config.announce`). */
  readonly adminToken?: string;
  readonly hooks: HookRoutes;
  readonly engines: EngineHost;
  readonly retention: RetentionJob;
  /**
   * Graceful shutdown (what SIGTERM does in `containerops serve`): refuses new runs, gives running
   * local jobs `config.shutdownGraceMs` to finish and stops the rest with a shutdown reason,
   * leaves Docker/Swarm jobs running for the next start (see lifecycle/graceful-shutdown.ts),
   * then {@link close}. Idempotent; never rejects.
   */
  shutdown(): Promise<DrainReport>;
  /**
   * Stops listening, lets the stores settle, closes the database, releases the locks: without
   * draining runs first (their jobs are left to recovery at the next start). Idempotent.
   */
  close(): Promise<void>;
}

export async function startServer(
  input: ServerConfig | ServerConfigInput = {},
  options: StartServerOptions = {},
): Promise<StartedServer> {
  const config = resolveServerConfig(input as ServerConfigInput);
  const log = options.logger ?? consoleLogger;
  // First: a broken plugin (or an orchestrator name no plugin has) stops the start before
  // anything was opened or created.
  const plugins = await loadPlugins(config.plugins);
  if (config.orchestrator !== 'auto' && !plugins.host.has('orchestrator', config.orchestrator)) {
    const known = plugins.host.entries('orchestrator').map((e) => e.name);
    throw new UserError(
      PLUGIN_NOT_FOUND,
      `orchestrator "${config.orchestrator}": no orchestrator plugin has that name; known: ` +
        `auto, ${known.join(', ')} (load a third-party one under plugins:)`,
    );
  }
  // Aborted at close: the PluginContext signal of every plugin.
  const stopping = new AbortController();
  const contextOf = (kind: PluginKind, name: string): PluginContext =>
    pluginContext({ kind, name }, config.dataDir, log, stopping.signal);
  mkdirSync(config.dataDir, { recursive: true });
  // Before anything is opened: a second server on this state is refused here (one line, the
  // holder named), and the locks are the last thing released.
  const dataDirLock = lockDataDir(config.dataDir);
  const cleanups: (() => Promise<void>)[] = [() => dataDirLock.release()];
  const closeAll = async (): Promise<void> => {
    stopping.abort();
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((e: unknown) => log.error('shutdown step failed', e));
  };
  try {
    if (config.database.type === 'sqlite' && config.replicas === 'many') {
      throw configError(
        'replicas',
        'many needs a database that several servers can share (PostgreSQL, MySQL/' +
          'MariaDB or TiDB: CONTAINEROPS_DATABASE_URL); SQLite is one server only',
      );
    }
    if (config.replicas === 'many' && config.redisUrl === undefined) {
      throw configError(
        'replicas',
        'many needs Redis for live events, cache invalidations and run control across ' +
          'replicas: set redis: redis://host:6379 (or CONTAINEROPS_REDIS_URL)',
      );
    }
    if (config.database.type !== 'sqlite' && config.replicas === 'one') {
      const databaseLock = await lockDatabase(config.database, log);
      cleanups.push(() => databaseLock.release());
    }
    const db = new Database(await openDatabase(config.database));
    cleanups.push(() => db.close());
    const bus = new EventBus();
    // This process's commits; with `replicas: many` the replica link puts them and the other
    // replicas' onto `bus`, in seq order (replicas/replica-sync.ts). Metrics count this one's.
    const committed = config.replicas === 'many' ? new EventBus() : bus;
    const metrics = new ServerMetrics();
    committed.subscribe(metrics.onEvents);
    const jobAttempts = new JobAttemptWriter(db);
    const store = new TypeOrmRunStore(db, (events) => committed.publish(events), jobAttempts);
    // One name per process, in its run claims and on the replica link alike.
    const self = replicaId();
    const replicas =
      config.redisUrl === undefined || config.replicas === 'one'
        ? undefined
        : await ReplicaSync.start({
            redisUrl: config.redisUrl,
            db,
            store,
            bus,
            log,
            replicaId: self,
          });
    if (replicas !== undefined) {
      committed.subscribe((events) => replicas.committed(events));
      cleanups.push(() => replicas.close()); // after the store's last commits (reverse order)
    }
    cleanups.push(async () => {
      await store.flushed();
      // Only while the disk is full: what could not be written is lost with this process.
      if (store.unsavedRuns > 0)
        log.error(`shutdown: ${store.unsavedRuns} run(s) not saved (storage full)`);
    });
    const cipher = new SecretCipher(loadSecretKey(config.dataDir, config.secretKey));
    const logStoreName = plugins.logStore?.definition.name ?? 'sqlite';
    const logs: LogStore = await plugins.host.create('logStore', logStoreName, {
      config: { path: config.logStorePath },
      context: contextOf('logStore', logStoreName),
    });
    cleanups.push(() => logs.close());
    db.storage.configure({
      log,
      probes: storageProbes({
        db,
        database: config.database,
        logs,
        ...(plugins.logStore === undefined ? { logStorePath: config.logStorePath } : {}),
      }),
    });
    const orchestrator = await createOrchestrator(plugins.host, config.orchestrator, {
      dataDir: config.dataDir,
      ...(config.orchestratorConfig === undefined ? {} : { config: config.orchestratorConfig }),
      context: (name) => contextOf('orchestrator', name),
    });
    jobAttempts.orchestrator = orchestrator.name; // before any engine exists: no job ran yet
    // Workflows are validated for it from now on (`kubectl` fields: see parse.worker.ts).
    sharedParsePool().orchestrator = {
      name: orchestrator.name,
      jobOptions: orchestrator.capabilities.jobOptions ?? [],
    };
    // Workflows' `pre`/`post` hooks are Lua: the `lua` hook plugin (built-in, or a loaded plugin
    // of that name), created through the host like every other plugin.
    const hooks = new LazyHooks('lua', () =>
      plugins.host.create('hook', 'lua', { context: contextOf('hook', 'lua') }),
    );
    cleanups.push(() => hooks.close());
    const secrets = createSecretService(db, cipher);
    const deliveryLog = new DeliveryLog(db, cipher);
    const hookRoutes = new HookRoutes({
      deliveries: deliveryLog,
      logError: (id, error) => log.error(`webhook failed (id ${id})`, error),
    });
    const routes: HttpServerOptions = {
      ready: () => Promise.resolve({ ready: false, checks: { server: 'starting' } }),
      shuttingDown: false,
      metrics,
      hooks: hookRoutes,
      webDir: config.webDir ?? defaultWebDir(),
      logError: (id, error) => log.error(`request failed (id ${id})`, error),
    };
    const server = createHttpServer(routes);
    const port = await listen(server, config.port, config.host);
    cleanups.push(async () => {
      await routes.graphql?.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const everywhere = config.host === '0.0.0.0' || config.host === '::';
    const localHost = everywhere ? '127.0.0.1' : config.host;
    const url = `http://${localHost.includes(':') ? `[${localHost}]` : localHost}:${port}`;
    const callbacks = new CallbackRegistry({
      baseUrl: `${config.publicUrl ?? url}${CALLBACK_PATH}`,
    });

    const workspaces = new WorkspaceKeeper({
      db,
      orchestrator,
      keepForMs: config.retention.workspacesMs,
      log,
    });
    cleanups.push(() => workspaces.settled());
    // Run ends reach the notifier host and the `workflow` trigger (both created further down).
    const runEndListeners: ((snapshot: RunSnapshot) => Promise<void>)[] = [];
    const notifierHost = new NotifierHost({
      store,
      logs,
      secretsFor: (org) => secrets.providerFor(org),
      notifications: new NotificationLog(db),
      log,
      contextFor: (plugin) => pluginContext(plugin, config.dataDir, log, stopping.signal),
      publicUrl: config.publicUrl ?? url,
    });
    await notifierHost.start(plugins.host);
    cleanups.push(() => notifierHost.stop());
    sharedParsePool().receiverTypes = notifierHost.types();
    committed.subscribe((events) => {
      for (const event of events)
        if (event.scope === 'run' && event.status === 'running')
          notifierHost.runStarted(event.runId);
    });
    runEndListeners.push((snapshot) => notifierHost.runEnded(snapshot));
    // Replicas: this one's claims on its runs (see replicas/lease-keeper.ts).
    let leaseKeeper: LeaseKeeper | undefined;
    if (config.replicas === 'many') {
      const leases = new RunLeases(db, self, config.leaseTtlMs);
      log.info(`replica ${leases.owner}: run claims last ${config.leaseTtlMs} ms without renewal`);
      leaseKeeper = new LeaseKeeper({
        leases,
        host: {
          drives: (runId) => host.drives(runId),
          recoverRuns: (runs) => host.recoverRuns(runs),
        },
        log,
        onLost: () => {
          log.error('exiting: another replica drives runs this one was driving');
          process.exit(EXIT_LEASE_LOST);
        },
      });
      const keeper = leaseKeeper;
      runEndListeners.push((snapshot) => keeper.runEnded(snapshot.runId));
      // Registered after the database: runs before it is closed (cleanups run in reverse).
      cleanups.push(() => keeper.stop(true));
    }
    const host: EngineHost = new EngineHost({
      orchestrator,
      ...(leaseKeeper === undefined
        ? {}
        : {
            onRunStarted: (runId: string, organization: string) =>
              leaseKeeper?.runStarted(runId, organization),
          }),
      onRunEnded: async (snapshot) => {
        await workspaces.runEnded(snapshot);
        // Notifications and the `workflow` trigger go on in the background.
        for (const listener of runEndListeners) await listener(snapshot);
      },
      store,
      logs,
      hooks,
      callbacks,
      secretsFor: (org) => secrets.providerFor(org),
      engineOptions: {
        maxLogBytesPerAttempt: config.jobLogLimitBytes,
        onStoreProblem: engineStoreProblems(db.storage, log),
      },
      // Fan-out instances' transitions are not stored; live subscribers get them here.
      onLiveEvent: (event) => (replicas ? replicas.live(event) : bus.publish([event])),
    });
    const remoteRuns = replicas?.attachEngines(host);
    // The trigger host needs the services, and they tell it of workflow changes: a late binding.
    const workflowListeners: (() => void)[] = [];
    const services = createServices({
      db,
      store,
      bus,
      logs,
      host,
      secrets,
      hooks,
      workspaces,
      pluginHealth: () => plugins.host.health(),
      webhooks: { log: deliveryLog, routes: hookRoutes, audit: (line) => log.info(line) },
      onWorkflowsChanged: () => {
        for (const listener of workflowListeners) listener();
      },
      ...(remoteRuns === undefined ? {} : { remoteRuns }),
      ...(replicas === undefined ? {} : { currentSeq: () => replicas.currentSeq() }),
    });
    if (replicas !== undefined) {
      const { identity, workflows } = services;
      shareCaches(replicas.caches, {
        identity,
        workflows,
        onWorkflowsChanged: (l) => workflowListeners.push(l),
      });
    }
    routes.callbacks = callbacks;
    let lastNotReady = '';
    routes.ready = async () => {
      if (routes.shuttingDown === true) {
        return { ready: false, checks: { server: 'shutting down' } };
      }
      const { ready, checks, details } = await services.health.ready();
      // The reasons go to the log (once per change, probes come every few seconds), not to
      // the anonymous caller.
      const why = JSON.stringify(details);
      if (!ready && why !== lastNotReady) log.warn(`not ready: ${why}`);
      lastNotReady = ready ? '' : why;
      return { ready, checks };
    };
    if (options.graphql !== undefined) {
      const graphql = await options.graphql(services);
      graphql.attachWebSocket?.(server);
      routes.graphql = graphql;
    }

    const adminToken = await services.identity.bootstrap();
    if (adminToken !== undefined) {
      const announce = config.announce ?? ((text: string) => process.stdout.write(text));
      announce(
        `First start: created site administrator "admin" and organisation "default".\n` +
          `Admin API token (shown once, store it now): ${adminToken}\n`,
      );
    }
    if (leaseKeeper === undefined) {
      const resumed = await host.recover(await unfinishedOrganizations(db));
      if (resumed.length > 0) log.info(`resumed ${resumed.length} unfinished run(s)`);
    } else {
      // Only the runs no live replica holds: expired claims, and unclaimed runs past one TTL.
      await leaseKeeper.start();
    }
    const triggerHost = new TriggerHost({
      db,
      hooks: hookRoutes,
      workflows: services.workflows,
      runs: services.runs,
      secrets,
      log,
      contextFor: (plugin) => pluginContext(plugin, config.dataDir, log, stopping.signal),
    });
    cleanups.push(() => triggerHost.stop());
    workflowListeners.push(() => triggerHost.workflowsChanged());
    await triggerHost.start(plugins.host);
    runEndListeners.push((snapshot) => triggerHost.runEnded(snapshot));

    const retention = new RetentionJob({
      db,
      store,
      logs,
      config: config.retention,
      log,
      onRunsPruned: (runIds, now) => workspaces.prune(runIds, now),
    });
    retention.start();
    cleanups.push(() => retention.stop());
    // The one "listening" line: the address really bound, and whether others can reach it.
    const reach = everywhere
      ? `on every interface, port ${port} (this machine: ${url})`
      : `on ${url}${isLoopback(config.host) ? ' (this machine only; --host 0.0.0.0 exposes it)' : ''}`;
    log.info(
      `listening ${reach}; orchestrator ${orchestrator.name}, database ${config.database.type}`,
    );

    let closing: Promise<void> | undefined;
    let draining: Promise<DrainReport> | undefined;
    const close = (): Promise<void> => (closing ??= closeAll());
    return {
      url,
      port,
      config,
      services,
      dataSource: db.dataSource,
      ...(adminToken === undefined ? {} : { adminToken }),
      hooks: hookRoutes,
      engines: host,
      retention,
      shutdown: () =>
        (draining ??= (async () => {
          routes.shuttingDown = true;
          // Whatever goes wrong while draining, the stores still get closed.
          const report = await drainRuns(host, { graceMs: config.shutdownGraceMs, log }).catch(
            (error: unknown): DrainReport => {
              log.error('draining the runs failed; closing anyway', error);
              return { finished: 0, stopped: [], detached: [], parked: [] };
            },
          );
          await close();
          log.info(
            `stopped: ${report.finished} run(s) finished during the grace period, ` +
              `${report.stopped.length} stopped, ${report.detached.length} left running for the next start, ` +
              `${report.parked.length} queued or paused resume at the next start`,
          );
          return report;
        })()),
      close,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
