import { afterAll, describe, expect, it } from 'vitest';
import { createLuaHookRunner } from './lua-hook-runner.js';
import type { PostHookContext, PreHookContext } from '@containerops/sdk';

const runner = createLuaHookRunner({ workers: 2 });
afterAll(() => runner.close());

function preContext(
  script: string,
  overrides: Partial<PreHookContext> = {},
): PreHookContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    script,
    jobPath: 'build/compile/test',
    inputs: { branch: 'main', retries: '2' },
    env: { HOME: '/home/ci', DROP_ME: 'x' },
    signal: new AbortController().signal,
    log: (text) => lines.push(text),
    lines,
    ...overrides,
  };
}

function postContext(
  script: string,
  overrides: Partial<PostHookContext> = {},
): PostHookContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    script,
    jobPath: 'build/compile/test',
    exitCode: 0,
    succeeded: true,
    outputs: { version: '1.2.3', coverage: '72.5' },
    signal: new AbortController().signal,
    log: (text) => lines.push(text),
    lines,
    ...overrides,
  };
}

describe('pre hooks', () => {
  it('changes, adds and removes inputs and env', async () => {
    const result = await runner.runPre(
      preContext(`
        input.branch = input.branch .. '-ci'
        input.retries = tonumber(input.retries) + 1
        input.dry_run = true
        env.GOFLAGS = '-mod=vendor'
        env.DROP_ME = nil
      `),
    );
    expect(result).toEqual({
      inputs: { branch: 'main-ci', retries: '3', dry_run: 'true' },
      env: { HOME: '/home/ci', GOFLAGS: '-mod=vendor' },
    });
  });

  it('skips the job with a reason', async () => {
    const result = await runner.runPre(
      preContext(`if input.branch == 'main' then skip('nothing to deploy on main') end`),
    );
    expect(result).toEqual({
      inputs: { branch: 'main', retries: '2' },
      env: { HOME: '/home/ci', DROP_ME: 'x' },
      skip: 'nothing to deploy on main',
    });
  });

  it('fails the job with a reason, even when the script catches the stop', async () => {
    const result = await runner.runPre(
      preContext(`pcall(fail, 'missing token') input.later = 'ignored'`),
    );
    expect(result.fail).toBe('missing token');
    expect(result.inputs).toEqual({ branch: 'main', retries: '2' });
  });

  it('reports Lua errors with the chunk name and line', async () => {
    const result = await runner.runPre(
      preContext(`local a = 1\nlocal b = 2\nlocal c = a + missing_value`),
    );
    expect(result.fail).toBe(
      `[string "pre"]:3: attempt to perform arithmetic on a nil value (global 'missing_value')`,
    );
    expect(result.inputs).toEqual({ branch: 'main', retries: '2' });
  });

  it('reports syntax errors with the line', async () => {
    const result = await runner.runPre(preContext(`log('a')\nif then`));
    expect(result.fail).toBe(`[string "pre"]:2: unexpected symbol near 'then'`);
  });

  it('refuses values that cannot become strings', async () => {
    expect((await runner.runPre(preContext(`input.list = {1, 2}`))).fail).toBe(
      'input.list must be a string, number or boolean, not a table (use json.encode for structured values)',
    );
    expect((await runner.runPre(preContext(`env['NOT VALID'] = 'x'`))).fail).toBe(
      'env.NOT VALID: not a valid environment variable name',
    );
    expect((await runner.runPre(preContext(`input = 'gone'`))).fail).toBe(
      'input must stay a table, not become a string',
    );
  });

  it('writes log(...) and print(...) lines to the job log, in order, before resolving', async () => {
    const ctx = preContext(`log('branch', input.branch, 42, nil, true) print('second') log()`);
    await runner.runPre(ctx);
    expect(ctx.lines).toEqual(['branch main 42 nil true', 'second', '']);
  });

  it('resolves with fail when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runner.runPre(preContext(`input.x = 1`, { signal: controller.signal }));
    expect(result.fail).toBe('aborted');
  });
});

describe('post hooks', () => {
  it('changes and adds outputs', async () => {
    const result = await runner.runPost(
      postContext(
        `outputs.version = 'v' .. outputs.version\noutputs.image = 'registry/app:' .. outputs.version`,
      ),
    );
    expect(result).toEqual({
      outputs: { version: 'v1.2.3', coverage: '72.5', image: 'registry/app:v1.2.3' },
      succeeded: true,
    });
  });

  const coverageGate = `
    local coverage = tonumber(outputs.coverage)
    if result.succeeded and coverage < 80 then
      log(string.format('coverage %.1f%% is below 80%%', coverage))
      result.succeeded = false
    end
  `;

  it('overrides the result: a coverage threshold fails a successful job', async () => {
    const low = postContext(coverageGate);
    expect(await runner.runPost(low)).toEqual({
      outputs: { version: '1.2.3', coverage: '72.5' },
      succeeded: false,
    });
    expect(low.lines).toEqual(['coverage 72.5% is below 80%']);
    const high = postContext(coverageGate, { outputs: { coverage: '91' } });
    expect(await runner.runPost(high)).toEqual({ outputs: { coverage: '91' }, succeeded: true });
  });

  it('sees the exit code (nil when the job never ran)', async () => {
    const script = `outputs.code = tostring(result.exit_code)`;
    expect(
      (await runner.runPost(postContext(script, { exitCode: 3, succeeded: false }))).outputs.code,
    ).toBe('3');
    expect(
      (await runner.runPost(postContext(script, { exitCode: null, succeeded: false }))).outputs
        .code,
    ).toBe('nil');
  });

  it('fails the job with a reason', async () => {
    const result = await runner.runPost(
      postContext(`outputs.version = 'x' fail('artifact not signed')`),
    );
    expect(result).toEqual({
      outputs: { version: '1.2.3', coverage: '72.5' },
      succeeded: false,
      fail: 'artifact not signed',
    });
  });

  it('has no skip(), and errors fail the job', async () => {
    const result = await runner.runPost(postContext(`\nskip('late')`));
    expect(result).toEqual({
      outputs: { version: '1.2.3', coverage: '72.5' },
      succeeded: false,
      fail: `[string "post"]:2: attempt to call a nil value (global 'skip')`,
    });
  });

  it('requires result.succeeded to stay a boolean', async () => {
    const result = await runner.runPost(postContext(`result.succeeded = 'no'`));
    expect(result.fail).toBe('result.succeeded must be a boolean, not string');
  });

  it('round-trips structured outputs through json', async () => {
    const result = await runner.runPost(
      postContext(`
        local report = json.decode('{"files":["a.go","b.go"],"lines":{"covered":80,"total":100},"note":null}')
        report.lines.ratio = report.lines.covered / report.lines.total
        outputs.report = json.encode(report)
      `),
    );
    expect(JSON.parse(result.outputs.report ?? '')).toEqual({
      files: ['a.go', 'b.go'],
      lines: { covered: 80, total: 100, ratio: 0.8 },
      note: null,
    });
  });
});

describe('runner lifecycle', () => {
  it('rejects invalid options', () => {
    expect(() => createLuaHookRunner({ workers: 0 })).toThrow(RangeError);
    expect(() => createLuaHookRunner({ wallTimeMs: 1.5 })).toThrow(
      'wallTimeMs must be a positive integer',
    );
  });

  it('resolves hooks with fail after close, and close is idempotent', async () => {
    const closing = createLuaHookRunner({ workers: 1 });
    expect((await closing.runPre(preContext(`input.x = 1`))).inputs.x).toBe('1');
    await closing.close();
    await closing.close();
    expect((await closing.runPre(preContext(`input.x = 1`))).fail).toBe(
      'the hook runner is closed',
    );
  });
});
