/**
 * The hook conformance suite: the cases every `hook` plugin runs, so script runners keep the
 * contract of `HookPlugin` (`kinds/hook.ts`): `check` finds syntax errors without running, a
 * script's changes come back, a script error or an abort resolves with `fail` (never rejects),
 * concurrent hooks do not see each other, `close` is idempotent.
 *
 * The suite is language-neutral: the plugin gives the scripts, in its language.
 */
import { describe, expect, it } from 'vitest';
import type { PostHookContext, PreHookContext } from '@containerops/core';
import type { HookPlugin } from '../../kinds/hook.js';

/** Scripts in the plugin's language that do what each name says. */
export interface HookConformanceScripts {
  /** Changes nothing. */
  readonly passThrough: string;
  /** Sets input `GREETING` to the value of input `NAME` prefixed with `hello `, and env `HOOKED=yes`. */
  readonly greet: string;
  /** Raises an error whose message contains `boom`. */
  readonly failing: string;
  /** Never ends on its own (a busy loop); only an abort or a limit stops it. */
  readonly endless: string;
  /** Does not compile; the error is on line 2. */
  readonly syntaxErrorOnLine2: string;
  /** A post script that marks the job failed (succeeded = false) without an error. */
  readonly postMarksFailed: string;
}

export type HookFactory = () => HookPlugin | Promise<HookPlugin>;

export interface HookConformanceOptions {
  /** Longest a case waits for an aborted script to end. Default 10 s. */
  readonly abortWithinMs?: number;
}

/** Registers `describe('hook conformance: <name>')`; `factory` runs once per case. */
export function describeHookConformance(
  name: string,
  factory: HookFactory,
  scripts: HookConformanceScripts,
  options: HookConformanceOptions = {},
): void {
  const abortWithinMs = options.abortWithinMs ?? 10_000;
  const withPlugin = async (body: (plugin: HookPlugin) => Promise<void>): Promise<void> => {
    const plugin = await factory();
    try {
      await body(plugin);
    } finally {
      await plugin.close?.();
    }
  };
  const pre = (
    script: string,
    inputs: Record<string, string> = {},
    signal: AbortSignal = new AbortController().signal,
  ): PreHookContext => ({
    script,
    jobPath: 'build.compile.go',
    inputs,
    env: { EXISTING: '1' },
    signal,
    log: () => undefined,
  });
  const post = (script: string): PostHookContext => ({
    script,
    jobPath: 'build.compile.go',
    exitCode: 0,
    succeeded: true,
    outputs: { VERSION: '1.0' },
    signal: new AbortController().signal,
    log: () => undefined,
  });

  describe(`hook conformance: ${name}`, () => {
    it('names its language', async () => {
      await withPlugin(async (plugin) => {
        expect(plugin.language).toMatch(/^[a-z0-9-]+$/);
      });
    });

    it('check accepts a good script and locates a syntax error', async () => {
      await withPlugin(async (plugin) => {
        if (plugin.check === undefined) return;
        expect(plugin.check(scripts.passThrough)).toEqual([]);
        const problems = plugin.check(scripts.syntaxErrorOnLine2);
        expect(problems.length).toBeGreaterThan(0);
        expect(problems[0]?.line).toBe(2);
        expect(problems[0]?.message).not.toBe('');
      });
    });

    it('a pass-through pre hook returns the inputs and env unchanged', async () => {
      await withPlugin(async (plugin) => {
        const result = await plugin.runPre(pre(scripts.passThrough, { NAME: 'ada' }));
        expect(result.fail).toBeUndefined();
        expect(result.skip).toBeUndefined();
        expect(result.inputs).toEqual({ NAME: 'ada' });
        expect(result.env['EXISTING']).toBe('1');
      });
    });

    it("a pre hook's changes come back", async () => {
      await withPlugin(async (plugin) => {
        const result = await plugin.runPre(pre(scripts.greet, { NAME: 'ada' }));
        expect(result.fail).toBeUndefined();
        expect(result.inputs['GREETING']).toBe('hello ada');
        expect(result.env['HOOKED']).toBe('yes');
      });
    });

    it('a script error resolves with fail, never rejects', async () => {
      await withPlugin(async (plugin) => {
        const result = await plugin.runPre(pre(scripts.failing));
        expect(result.fail).toContain('boom');
        const after = await plugin.runPost(post(scripts.failing));
        expect(after.fail).toContain('boom');
        expect(after.succeeded).toBe(false);
      });
    });

    it('a post hook can mark the job failed', async () => {
      await withPlugin(async (plugin) => {
        const result = await plugin.runPost(post(scripts.postMarksFailed));
        expect(result.succeeded).toBe(false);
      });
    });

    it('an abort ends an endless script with fail', async () => {
      await withPlugin(async (plugin) => {
        const abort = new AbortController();
        const running = plugin.runPre(pre(scripts.endless, {}, abort.signal));
        setTimeout(() => abort.abort(), 100);
        const started = Date.now();
        const result = await running;
        expect(result.fail).toBeDefined();
        expect(Date.now() - started).toBeLessThan(abortWithinMs);
      });
    });

    it('an already aborted signal resolves with fail', async () => {
      await withPlugin(async (plugin) => {
        const abort = new AbortController();
        abort.abort();
        const result = await plugin.runPre(pre(scripts.passThrough, {}, abort.signal));
        expect(result.fail).toBeDefined();
      });
    });

    it('concurrent hooks each see their own inputs', async () => {
      await withPlugin(async (plugin) => {
        const names = ['a', 'b', 'c', 'd', 'e'];
        const results = await Promise.all(
          names.map((n) => plugin.runPre(pre(scripts.greet, { NAME: n }))),
        );
        expect(results.map((r) => r.inputs['GREETING'])).toEqual(names.map((n) => `hello ${n}`));
      });
    });

    it('close is idempotent', async () => {
      const plugin = await factory();
      await plugin.close?.();
      await plugin.close?.();
    });
  });
}
