/**
 * The hook runner of one `containerops run`: the `lua` hook plugin (built-in, or a plugin of that
 * name loaded with `--plugin`), created through the run's plugin host only when the workflow has
 * hooks (fengari and its worker threads are loaded lazily), with `.lua` paths read from the
 * workflow file's directory.
 */
import { dirname, resolve } from 'node:path';
import type {
  HookRunner,
  PostHookContext,
  PostHookResult,
  PreHookContext,
  PreHookResult,
} from '@containerops/core';
import type { PluginHost } from '@containerops/sdk/host';
import type { CliIo } from '../io.js';

/** A hook runner that owns worker threads: `close()` stops them (idempotent). */
export interface WorkflowHooks extends HookRunner {
  close(): Promise<void>;
}

/**
 * Creates the runner. A script that is a path (`ci/hooks/coverage.lua`, see `resolveScript`) is
 * read at each hook, relative to the workflow's directory; an unreadable one fails the job with
 * the reason.
 */
export async function createWorkflowHooks(
  io: CliIo,
  workflowPath: string,
  host: PluginHost,
): Promise<WorkflowHooks> {
  const { resolveScript } = await import('@containerops/hook-lua');
  const runner = await host.create('hook', 'lua');
  const dir = dirname(workflowPath);
  const read = async (script: string): Promise<{ script: string } | { error: string }> => {
    try {
      return { script: await resolveScript(script, (path) => io.readFile(resolve(dir, path))) };
    } catch (error) {
      return { error: `cannot read the hook script: ${(error as Error).message}` };
    }
  };
  return {
    async runPre(ctx: PreHookContext): Promise<PreHookResult> {
      const got = await read(ctx.script);
      if ('error' in got)
        return { inputs: { ...ctx.inputs }, env: { ...ctx.env }, fail: got.error };
      return runner.runPre({ ...ctx, script: got.script });
    },
    async runPost(ctx: PostHookContext): Promise<PostHookResult> {
      const got = await read(ctx.script);
      if ('error' in got) return { outputs: { ...ctx.outputs }, succeeded: false, fail: got.error };
      return runner.runPost({ ...ctx, script: got.script });
    },
    close: async () => {
      await runner.close?.();
    },
  };
}
