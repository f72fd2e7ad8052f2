/**
 * The engine's hook runner: the `hook` plugin (built-in `lua`, or a loaded plugin of that name)
 * created through the plugin host on the first hook a job has — fengari and its worker threads
 * cost memory and start-up time that a server whose workflows have no hooks should not pay.
 */
import type {
  HookRunner,
  PostHookContext,
  PostHookResult,
  PreHookContext,
  PreHookResult,
} from '@containerops/core';
import type { HookPlugin } from '@containerops/sdk';

export class LazyHooks implements HookRunner {
  private plugin: Promise<HookPlugin> | undefined;

  /**
   * @param name the hook plugin's name, as workflows' hooks and diagnostics know it (`lua`)
   * @param create makes the plugin (through the plugin host); called at most once
   */
  constructor(
    readonly name: string,
    private readonly create: () => Promise<HookPlugin>,
  ) {}

  private get(): Promise<HookPlugin> {
    this.plugin ??= this.create();
    return this.plugin;
  }

  async runPre(ctx: PreHookContext): Promise<PreHookResult> {
    return (await this.get()).runPre(ctx);
  }

  async runPost(ctx: PostHookContext): Promise<PostHookResult> {
    return (await this.get()).runPost(ctx);
  }

  async close(): Promise<void> {
    if (this.plugin !== undefined) await (await this.plugin).close?.();
  }
}
