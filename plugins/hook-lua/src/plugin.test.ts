import { describe, expect, it } from 'vitest';
import { createPluginInstance } from '@containerops/sdk';
import { luaHookPlugin } from './plugin.js';

describe('luaHookPlugin', () => {
  it('loads through the host checks and runs a hook', async () => {
    const hook = await createPluginInstance(
      luaHookPlugin,
      { workers: 1, wallTimeMs: 2000 },
      { kind: 'hook' },
    );
    try {
      expect(hook.language).toBe('lua');
      const result = await hook.runPre({
        script: `input.greeting = 'hi ' .. input.name`,
        jobPath: 's/a/j',
        inputs: { name: 'ops' },
        env: {},
        signal: new AbortController().signal,
        log: () => {},
      });
      expect(result.inputs).toEqual({ name: 'ops', greeting: 'hi ops' });
    } finally {
      await hook.close?.();
    }
  });

  it('checks syntax without running', async () => {
    const hook = await createPluginInstance(luaHookPlugin, undefined, { kind: 'hook' });
    expect(hook.check?.('while true do end')).toEqual([]);
    expect(hook.check?.(`log('a')\n  if then end`)).toEqual([
      { message: "unexpected symbol near 'then'", line: 2, column: 6 },
    ]);
    await hook.close?.();
  });

  it('refuses bad config with an actionable message', async () => {
    await expect(createPluginInstance(luaHookPlugin, { workers: -1 })).rejects.toThrow(
      'workers must be a positive integer',
    );
    await expect(createPluginInstance(luaHookPlugin, { wallTime: 5 })).rejects.toThrow(
      'unknown setting wallTime',
    );
  });
});
