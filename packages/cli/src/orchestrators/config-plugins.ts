/**
 * `containerops run --config FILE`: the plugins and the orchestrator named in a server config file
 * (`containerops.yaml`), read with the server's own loader so both take one format: `plugins:`
 * entries with their `config`, and `orchestrator: NAME`.
 */
import type { PluginReference } from '@containerops/sdk/host';

export interface ConfiguredPlugins {
  readonly plugins: readonly PluginReference[];
  /** The file's `orchestrator:`; undefined for `auto` (the CLI's own default choice applies). */
  readonly orchestrator?: string;
}

/** @throws UserError `INVALID_CONFIG` naming the file position of a bad value. */
export async function pluginsFromConfig(file: string, cwd: string): Promise<ConfiguredPlugins> {
  // Only when asked: the server package is large, `run` without --config never loads it.
  const { loadServerConfig } = await import('@containerops/server');
  const config = await loadServerConfig({ file, cwd, env: {} });
  return {
    plugins: config.plugins,
    ...(config.orchestrator === 'auto' ? {} : { orchestrator: config.orchestrator }),
  };
}
