/**
 * Runs the trigger plugins: the built-in `generic` webhook, every trigger the plugin host knows
 * (the built-ins `github`, `gitlab`, `cron` of plugins/builtin-plugins.ts, and those named in the
 * config; a configured plugin of a built-in's name takes its place), and the host-fed `workflow`
 * trigger (workflow-trigger.ts). Each is created, started with a
 * {@link TriggerContext} (its subscriptions: the `triggers:` blocks of its type in every
 * workflow's latest version, reloaded when workflows change), and its `handleHttp` serves
 * `/hooks/<name>/...`. `stop()` stops them in reverse order.
 *
 * `fire(..., { once })` claims the key in `trigger_claims` first (trigger-claims.ts): a claimed
 * key starts nothing and is noted as a duplicate on the delivery being handled. `values` become
 * `CO_TRIGGER_*` variables of every job (the SDK's `triggerEnv`). `fire` resolves once the run
 * is stored and queued (`answerWhen: 'stored'`), not once it has begun.
 */
import type {
  RunSnapshot,
  SecretProvider,
  TriggerDefinition,
  WorkflowDefinition,
} from '@containerops/core';
import { UserError, triggerEnv } from '@containerops/sdk';
import { PLUGIN_NOT_FOUND } from '@containerops/sdk/host';
import type {
  PluginContext,
  TriggerContext,
  TriggerFireOptions,
  TriggerFireResult,
  TriggerInfo,
  TriggerPlugin,
  TriggerSubscription,
} from '@containerops/sdk';
import type { Database } from '../db/database.js';
import { WorkflowEntity, WorkflowVersionEntity } from '../db/entities.js';
import type { HookRoutes } from '../http/hook-routes.js';
import type { ServerLogger } from '../logger.js';
import type { PluginHost } from '@containerops/sdk/host';
import type { PluginIdentity } from '../plugins/plugin-context.js';
import type { RunService, WorkflowService } from '../services/contracts.js';
import {
  noteDeliveryDuplicate,
  noteDeliveryId,
  noteDeliveryRun,
  noteDeliveryWorkflow,
} from './delivery-log.js';
import { GENERIC_TRIGGER, GenericTrigger } from './generic-webhook.js';
import { ReplayGuard } from './replay-guard.js';
import { DEFAULT_REPLAY_WINDOW_MS } from './webhook-signature.js';
import { triggerPrincipal } from './system-principal.js';
import { TriggerClaims } from './trigger-claims.js';
import { WORKFLOW_TRIGGER, WorkflowTrigger } from './workflow-trigger.js';

export interface TriggerHostDeps {
  readonly db: Database;
  readonly hooks: HookRoutes;
  readonly workflows: WorkflowService;
  readonly runs: RunService;
  readonly secrets: { providerFor(organization: string): SecretProvider };
  readonly log: ServerLogger;
  readonly contextFor: (plugin: PluginIdentity) => PluginContext;
  /** The generic webhook's replay window (signed timestamps, duplicate detection); default 5 min. */
  readonly replayWindowMs?: number;
}

const ONCE_KEY = /^[\s\S]{1,200}$/;

interface Started {
  readonly name: string;
  readonly plugin: TriggerPlugin;
  readonly abort: AbortController;
}

export class TriggerHost {
  private readonly started: Started[] = [];
  private readonly listeners = new Set<() => void>();
  private workflowTriggers: Promise<readonly TriggerSubscription[]> | undefined;
  private readonly claims: TriggerClaims;
  private readonly workflowTrigger = new WorkflowTrigger();

  constructor(private readonly deps: TriggerHostDeps) {
    this.claims = new TriggerClaims(deps.db);
  }

  /**
   * Starts the `generic` webhook, every trigger plugin of `plugins` (built-in or loaded), then the
   * `workflow` trigger; the server's own two unless a loaded plugin of that name took their place.
   * A built-in whose optional package is not installed is skipped with a warning.
   */
  async start(plugins: PluginHost): Promise<void> {
    if (!plugins.has('trigger', GENERIC_TRIGGER)) {
      const context = this.deps.contextFor({ kind: 'trigger', name: GENERIC_TRIGGER });
      await this.startOne(GENERIC_TRIGGER, this.generic(), context);
    }
    for (const { name } of plugins.entries('trigger')) {
      const context = this.deps.contextFor({ kind: 'trigger', name });
      let plugin: TriggerPlugin;
      try {
        plugin = await plugins.create('trigger', name, { context });
      } catch (error) {
        if (!(error instanceof UserError) || error.code !== PLUGIN_NOT_FOUND) throw error;
        this.deps.log.warn(`trigger ${name} is not available: ${error.message}`);
        continue;
      }
      await this.startOne(name, plugin, context);
    }
    if (!plugins.has('trigger', WORKFLOW_TRIGGER)) {
      const context = this.deps.contextFor({ kind: 'trigger', name: WORKFLOW_TRIGGER });
      await this.startOne(WORKFLOW_TRIGGER, this.workflowTrigger, context);
    }
  }

  private async startOne(
    name: string,
    plugin: TriggerPlugin,
    context: PluginContext,
  ): Promise<void> {
    const abort = new AbortController();
    await plugin.start(await this.contextOf(name, abort.signal, context));
    this.started.push({ name, plugin, abort });
    const handleHttp = plugin.handleHttp?.bind(plugin);
    if (handleHttp !== undefined) this.deps.hooks.register(name, handleHttp);
  }

  /** The names of the running trigger plugins (the generic and workflow triggers included). */
  names(): string[] {
    return this.started.map((s) => s.name);
  }

  /** A run this server executed ended: the `workflow` trigger may start others. Never rejects. */
  runEnded(snapshot: RunSnapshot): Promise<void> {
    return this.workflowTrigger.runEnded(snapshot).catch((error: unknown) => {
      this.deps.log.error(`workflow trigger: run ${snapshot.runId}`, error);
    });
  }

  /** Workflows were applied or removed: subscriptions are reloaded on next use. */
  workflowsChanged(): void {
    this.workflowTriggers = undefined;
    for (const listener of this.listeners) listener();
  }

  async stop(): Promise<void> {
    for (const { name, plugin, abort } of this.started.reverse()) {
      this.deps.hooks.unregister(name);
      abort.abort();
      await plugin
        .stop()
        .catch((error: unknown) => this.deps.log.error(`trigger ${name}: stop failed`, error));
    }
    this.started.length = 0;
  }

  private generic(): GenericTrigger {
    const principal = triggerPrincipal(GENERIC_TRIGGER);
    return new GenericTrigger({
      workflow: async (uri) => (await this.deps.workflows.version(principal, uri))?.model,
      secret: (organization, name) => this.deps.secrets.providerFor(organization).get(name),
      onMisconfigured: (uri, why) =>
        this.deps.log.warn(`generic webhook of ${uri} refused a delivery: ${why}`),
      replay: new ReplayGuard(this.deps.db, this.deps.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS),
    });
  }

  private async contextOf(
    name: string,
    signal: AbortSignal,
    plugin: PluginContext,
  ): Promise<TriggerContext> {
    const principal = triggerPrincipal(name);
    let current: readonly TriggerSubscription[] = [];
    const reload = async (): Promise<void> => {
      current = (await this.allTriggers()).filter((s) => s.trigger.type === name);
    };
    await reload();
    const pluginListeners = new Set<() => void>();
    // The plugin hears of a change once its subscriptions are the new ones.
    this.listeners.add(() => {
      reload().then(
        () => {
          for (const listener of pluginListeners) listener();
        },
        (error: unknown) =>
          this.deps.log.error(`trigger ${name}: cannot reload subscriptions`, error),
      );
    });
    return {
      logger: plugin.logger,
      signal,
      subscriptions: () => current,
      onSubscriptionsChange: (listener) => {
        pluginListeners.add(listener);
        return () => pluginListeners.delete(listener);
      },
      fire: (workflow, inputs, trigger, options) =>
        this.fire(name, principal, workflow, inputs, trigger, options),
    };
  }

  private async fire(
    plugin: string,
    principal: ReturnType<typeof triggerPrincipal>,
    workflow: string,
    inputs: Readonly<Record<string, string>>,
    trigger: TriggerInfo,
    options: TriggerFireOptions = {},
  ): Promise<TriggerFireResult> {
    const values = options.values ?? {};
    noteDeliveryWorkflow(workflow);
    const start = async (): Promise<string> => {
      const run = await this.deps.runs.trigger(principal, workflow, {
        inputs: { ...inputs },
        // The plugin's name is the type, whatever its info says: the run page shows who started it.
        trigger: { ...trigger, type: plugin },
        triggerEnv: triggerEnv(values),
        // The sender is answered once the run is stored and queued, not once it has begun: a
        // webhook's accept latency then does not include starting the run (issue 14's bench).
        answerWhen: 'stored',
      });
      noteDeliveryRun(run.snapshot.runId);
      return run.snapshot.runId;
    };
    if (options.once === undefined) return { runId: await start() };
    if (!ONCE_KEY.test(options.once))
      throw new Error(`trigger ${plugin}: a once key must be 1 to 200 characters`);
    // The event's key names the delivery well enough for an operator (`delivery:<X-GitHub-Delivery>`).
    noteDeliveryId(options.once);
    const claim = await this.claims.claim(plugin, workflow, options.once);
    if (!claim.claimed) {
      noteDeliveryDuplicate(claim.runId);
      return { duplicate: true, ...(claim.runId === undefined ? {} : { runId: claim.runId }) };
    }
    let runId: string;
    try {
      runId = await start();
    } catch (error) {
      // Nothing started: the sender's retry (or the next replica) must be able to run it.
      await this.claims.release(claim.key).catch(() => undefined);
      throw error;
    }
    // Not awaited: the claim is what keeps a copy from starting a second run, and it is stored.
    // Naming the run on it only lets later copies say which run they repeat; waiting for that
    // write would put one more turn of the database's queue on the sender's wait.
    void this.claims.started(claim.key, runId).catch(() => undefined);
    return { runId };
  }

  /** Every `triggers:` block of every workflow's latest version (cached until a change). */
  private allTriggers(): Promise<readonly TriggerSubscription[]> {
    this.workflowTriggers ??= (async () => {
      const manager = this.deps.db.manager;
      const out: TriggerSubscription[] = [];
      for (const workflow of await manager.find(WorkflowEntity)) {
        const version = await manager.findOneBy(WorkflowVersionEntity, {
          workflowId: workflow.id,
          number: workflow.latestVersion,
        });
        if (version === null) continue;
        const model = JSON.parse(version.model) as WorkflowDefinition;
        for (const trigger of model.triggers as readonly TriggerDefinition[])
          out.push({ workflow: model.uri, trigger });
      }
      return out;
    })();
    return this.workflowTriggers;
  }
}
