/**
 * The one list of built-in plugins, shared by the server and the CLI (`containerops run`): each an
 * ordinary plugin definition, imported on first use so a command that runs nothing never loads
 * dockerode or fengari. Third-party plugins join the same host through `plugins:` / `--plugin`.
 * List order is the preference order where a host picks an orchestrator by itself (`auto`).
 */
import { PluginHost } from '@containerops/sdk/host';
import type { BuiltinPlugin } from '@containerops/sdk/host';

export const builtinPlugins: readonly BuiltinPlugin[] = [
  {
    kind: 'orchestrator',
    name: 'docker',
    description: 'containers on the local Docker engine',
    auto: true,
    load: async () =>
      (
        await optional(
          '@containerops/orchestrator-docker',
          () => import('@containerops/orchestrator-docker'),
        )
      )?.dockerOrchestratorPlugin,
  },
  {
    kind: 'orchestrator',
    name: 'swarm',
    description: 'Docker Swarm services (replicated jobs)',
    load: async () =>
      (
        await optional(
          '@containerops/orchestrator-swarm',
          () => import('@containerops/orchestrator-swarm'),
        )
      )?.swarmOrchestratorPlugin,
  },
  {
    kind: 'orchestrator',
    name: 'kubernetes',
    description: 'Kubernetes batch/v1 Jobs (kubeconfig or in-cluster service account)',
    load: async () =>
      (
        await optional(
          '@containerops/orchestrator-kubernetes',
          () => import('@containerops/orchestrator-kubernetes'),
        )
      )?.kubernetesOrchestratorPlugin,
  },
  {
    kind: 'orchestrator',
    name: 'local',
    description: 'child processes on this machine; runs `command` jobs only, no images',
    auto: true,
    load: async () => (await import('@containerops/orchestrator-local')).localOrchestratorPlugin,
  },
  {
    kind: 'logStore',
    name: 'sqlite',
    description: 'job logs in a SQLite file',
    load: async () => (await import('@containerops/logstore-sqlite')).sqliteLogStorePlugin,
  },
  {
    kind: 'logStore',
    name: 'tidb',
    description: 'job logs in TiDB, MariaDB or MySQL (needs its config: url)',
    load: async () => (await import('@containerops/logstore-tidb')).tidbLogStorePlugin,
  },
  {
    kind: 'hook',
    name: 'lua',
    description: 'Lua pre/post hooks around jobs, sandboxed',
    load: async () => (await import('@containerops/hook-lua')).luaHookPlugin,
  },
  {
    kind: 'trigger',
    name: 'github',
    description: 'GitHub webhooks (push, pull request, tag)',
    load: async () => (await import('@containerops/trigger-github')).githubTriggerPlugin,
  },
  {
    kind: 'trigger',
    name: 'gitlab',
    description: 'GitLab webhooks (push, merge request, tag)',
    load: async () => (await import('@containerops/trigger-gitlab')).gitlabTriggerPlugin,
  },
  {
    kind: 'trigger',
    name: 'cron',
    description: 'schedules (5-field cron with time zones)',
    load: async () => (await import('@containerops/trigger-cron')).cronTriggerPlugin,
  },
  {
    kind: 'notifier',
    name: 'webhook',
    description: 'a signed JSON POST per run event',
    load: async () => (await import('@containerops/notifier-webhook')).webhookNotifierPlugin,
  },
  {
    kind: 'notifier',
    name: 'slack',
    description: 'Slack incoming webhooks',
    load: async () => (await import('@containerops/notifier-slack')).slackNotifierPlugin,
  },
  {
    kind: 'notifier',
    name: 'mail',
    description: 'an HTML and text run summary by mail (SMTP; needs its config)',
    load: async () => (await import('@containerops/notifier-mail')).mailNotifierPlugin,
  },
  {
    kind: 'notifier',
    name: 'github-status',
    description: 'commit statuses on GitHub',
    load: async () =>
      (await import('@containerops/notifier-github-status')).githubStatusNotifierPlugin,
  },
];

/** A host holding every built-in plugin (third-party ones are loaded into it afterwards). */
export function createPluginHost(builtins: readonly BuiltinPlugin[] = builtinPlugins): PluginHost {
  const host = new PluginHost();
  for (const plugin of builtins) host.addBuiltin(plugin);
  return host;
}

/**
 * `load()`'s module, or undefined when its package is not installed (an optional dependency
 * left out); any other import failure propagates.
 */
async function optional<T>(specifier: string, load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    const missing =
      (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') &&
      typeof e.message === 'string' &&
      e.message.includes(specifier);
    if (missing) return undefined;
    throw error;
  }
}
