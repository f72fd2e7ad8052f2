/**
 * The Lua hook runner, created on the first hook (fengari and its worker threads cost memory and
 * start-up time a server whose workflows have no hooks should not pay).
 */
import type {
  HookRunner,
  PostHookContext,
  PostHookResult,
  PreHookContext,
  PreHookResult,
} from '@containerops/core';
import type { LuaHookRunner } from '@containerops/hook-lua';

export class LazyLuaHooks implements HookRunner {
  readonly name = 'lua';
  private runner: Promise<LuaHookRunner> | undefined;

  private get(): Promise<LuaHookRunner> {
    this.runner ??= import('@containerops/hook-lua').then((m) => m.createLuaHookRunner());
    return this.runner;
  }

  async runPre(ctx: PreHookContext): Promise<PreHookResult> {
    return (await this.get()).runPre(ctx);
  }

  async runPost(ctx: PostHookContext): Promise<PostHookResult> {
    return (await this.get()).runPost(ctx);
  }

  async close(): Promise<void> {
    if (this.runner !== undefined) await (await this.runner).close();
  }
}
