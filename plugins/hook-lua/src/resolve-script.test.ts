import { describe, expect, it } from 'vitest';
import { resolveScript, scriptPathOf } from './resolve-script.js';

const files: Record<string, string> = { 'ci/hooks/coverage.lua': 'result.succeeded = false' };
const readFile = (path: string): Promise<string> => {
  const text = files[path];
  return text === undefined
    ? Promise.reject(new Error(`no such file: ${path}`))
    : Promise.resolve(text);
};

describe('resolveScript', () => {
  it('reads a one-line .lua path through readFile', async () => {
    expect(await resolveScript('ci/hooks/coverage.lua', readFile)).toBe('result.succeeded = false');
    expect(await resolveScript('  ci/hooks/coverage.lua\n', readFile)).toBe(
      'result.succeeded = false',
    );
  });

  it('returns inline Lua unchanged', async () => {
    const inline = `log('see ci/hooks/coverage.lua')`;
    expect(await resolveScript(inline, readFile)).toBe(inline);
    expect(await resolveScript(`dofile('x')\nrun('y.lua')`, readFile)).toContain('dofile');
    expect(await resolveScript('x = y .. z.lua', readFile)).toBe('x = y .. z.lua');
  });

  it('refuses paths outside the repository', async () => {
    await expect(resolveScript('/etc/hook.lua', readFile)).rejects.toMatchObject({
      code: 'INVALID_WORKFLOW',
    });
    await expect(resolveScript('ci/../../secret.lua', readFile)).rejects.toThrow(
      'must not contain ".."',
    );
  });

  it('lets read errors propagate', async () => {
    await expect(resolveScript('missing.lua', readFile)).rejects.toThrow(
      'no such file: missing.lua',
    );
  });
});

describe('scriptPathOf', () => {
  it('names the path of a path value, nothing for inline Lua, and refuses escapes', () => {
    expect(scriptPathOf(' ci/hooks/coverage.lua\n')).toBe('ci/hooks/coverage.lua');
    expect(scriptPathOf('x = y .. z.lua')).toBeUndefined();
    expect(() => scriptPathOf('../hook.lua')).toThrow(/must not contain/);
  });
});
