/**
 * Runs the trigger plugins: the built-in `generic` webhook and those named in the config. Each
 * configured one is created, started with a {@link TriggerContext} (its subscriptions: the
 * `triggers:` blocks of its type in every workflow's latest version, reloaded when workflows
 * change), and its `handleHttp` serves `/hooks/<name>/...`. `stop()` stops them in reverse order.
 */
import type { SecretProvider, TriggerDefinition, WorkflowDefinition } from '@containerops/core';
import { createPluginInstance } from '@containerops/sdk';
import type {
  PluginContext,
  TriggerContext,
  TriggerPlugin,
  TriggerSubscription,
} from '@containerops/sdk';
import type { Database } from '../db/database.js';
import { WorkflowEntity, WorkflowVersionEntity } from '../db/entities.js';
import type { HookRoutes } from '../http/hook-routes.js';
import type { ServerLogger } from '../logger.js';
import type { LoadedPlugin } from '../plugins/load-plugins.js';
import type { RunService, WorkflowService } from '../services/contracts.js';
import { noteDeliveryRun } from './delivery-log.js';
import { GENERIC_TRIGGER, genericWebhook } from './generic-webhook.js';
import { ReplayGuard } from './replay-guard.js';
import { DEFAULT_REPLAY_WINDOW_MS } from './webhook-signature.js';
import { triggerPrincipal } from './system-principal.js';

export interface TriggerHostDeps {
  readonly db: Database;
  readonly hooks: HookRoutes;
  readonly workflows: WorkflowService;
  readonly runs: RunService;
  readonly secrets: { providerFor(organization: string): SecretProvider };
  readonly log: ServerLogger;
  readonly contextFor: (plugin: LoadedPlugin) => PluginContext;
  /** The generic webhook's replay window (signed timestamps, duplicate detection); default 5 min. */
  readonly replayWindowMs?: number;
}

interface Started {
  readonly name: string;
  readonly plugin: TriggerPlugin;
  readonly abort: AbortController;
}

export class TriggerHost {
  private readonly started: Started[] = [];
  private readonly listeners = new Set<() => void>();
  private workflowTriggers: Promise<readonly TriggerSubscription[]> | undefined;

  constructor(private readonly deps: TriggerHostDeps) {}

  /** Registers the generic webhook and starts every configured trigger plugin. */
  async start(plugins: readonly LoadedPlugin[]): Promise<void> {
    this.deps.hooks.register(GENERIC_TRIGGER, this.generic());
    for (const loaded of plugins) {
      const name = loaded.definition.name;
      const context = this.deps.contextFor(loaded);
      const plugin = await createPluginInstance(loaded.definition, loaded.reference.config, {
        kind: 'trigger',
        context,
      });
      const abort = new AbortController();
      await plugin.start(await this.contextOf(name, abort.signal, context));
      this.started.push({ name, plugin, abort });
      const handleHttp = plugin.handleHttp?.bind(plugin);
      if (handleHttp !== undefined) this.deps.hooks.register(name, handleHttp);
    }
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
    this.deps.hooks.unregister(GENERIC_TRIGGER);
  }

  private generic(): ReturnType<typeof genericWebhook> {
    const principal = triggerPrincipal(GENERIC_TRIGGER);
    return genericWebhook({
      workflow: async (uri) => (await this.deps.workflows.version(principal, uri))?.model,
      secret: (organization, name) => this.deps.secrets.providerFor(organization).get(name),
      onMisconfigured: (uri, why) =>
        this.deps.log.warn(`generic webhook of ${uri} refused a delivery: ${why}`),
      replay: new ReplayGuard(this.deps.db, this.deps.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS),
      start: async (uri, inputs, trigger) => {
        const run = await this.deps.runs.trigger(principal, uri, { inputs, trigger });
        noteDeliveryRun(run.snapshot.runId);
        return run.snapshot.runId;
      },
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
      fire: async (workflow, inputs, trigger) => {
        const run = await this.deps.runs.trigger(principal, workflow, {
          inputs: { ...inputs },
          trigger: { ...trigger },
        });
        noteDeliveryRun(run.snapshot.runId);
        return { runId: run.snapshot.runId };
      },
    };
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
