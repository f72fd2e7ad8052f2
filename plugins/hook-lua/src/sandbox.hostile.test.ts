/**
 * Hostile scripts: each must stop within its limit with a clear error, the runner must keep
 * working afterwards, and other hooks must not stall meanwhile.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createLuaHookRunner } from './lua-hook-runner.js';
import type { LuaHookRunner } from './lua-hook-runner.js';

const MiB = 1024 * 1024;

/** Tight instruction budget: loops stop on it quickly. */
const tight = createLuaHookRunner({
  instructionBudget: 2_000_000,
  wallTimeMs: 5_000,
  memoryBytes: 32 * MiB,
  workers: 2,
});
/** Large budget: memory and wall-time limits are reached first. */
const roomy = createLuaHookRunner({
  instructionBudget: 2_000_000_000,
  wallTimeMs: 1_000,
  memoryBytes: 16 * MiB,
  workers: 2,
});
/** Long wall time: memory tests must end on the memory limit even on a slow machine. */
const heapBound = createLuaHookRunner({
  instructionBudget: 2_000_000_000,
  wallTimeMs: 30_000,
  memoryBytes: 16 * MiB,
  workers: 1,
});
afterAll(() => Promise.all([tight.close(), roomy.close(), heapBound.close()]));

function context(
  script: string,
  signal = new AbortController().signal,
  log: (text: string) => void = () => {},
) {
  return { script, jobPath: 'stage/action/job', inputs: { a: '1' }, env: {}, signal, log };
}

async function failureOf(runner: LuaHookRunner, script: string): Promise<string | undefined> {
  return (await runner.runPre(context(script))).fail;
}

/** The runner still runs an ordinary hook after the hostile one. */
async function expectHealthy(runner: LuaHookRunner): Promise<void> {
  const result = await runner.runPre(context(`input.b = input.a .. '!'`));
  expect(result).toEqual({ inputs: { a: '1', b: '1!' }, env: {} });
}

describe('hostile scripts', () => {
  const stoppedByLimits: ReadonlyArray<readonly [string, string, string]> = [
    [
      'an endless loop',
      'while true do end',
      `[string "pre"]:1: instruction budget exceeded (2000000 instructions)`,
    ],
    [
      'an endless loop that catches the budget error',
      'while true do pcall(function() while true do end end) end',
      'instruction budget exceeded',
    ],
    [
      'an error handler that loops (runs while hooks are off in plain Lua)',
      'xpcall(function() while true do end end, function() while true do end end)',
      'instruction budget exceeded',
    ],
    [
      'a coroutine that loops',
      'coroutine.wrap(function() while true do end end)()',
      'instruction budget exceeded',
    ],
    [
      'a coroutine that loops, its error caught by resume',
      `coroutine.resume(coroutine.create(function() while true do end end)) input.a = 'done'`,
      'instruction budget exceeded',
    ],
    [
      'string.rep of 1e9 bytes',
      `string.rep('x', 1e9)`,
      `[string "pre"]:1: string of 1000000000 bytes exceeds the limit of 8 MiB`,
    ],
    [
      'a string doubled forever',
      `local s = 'x' while true do s = s .. s end`,
      'exceeds the limit of 8 MiB',
    ],
    [
      'table.concat of one large string many times',
      `local s = string.rep('x', 1e6) local t = {} for i = 1, 100 do t[i] = s end table.concat(t)`,
      'exceeds the limit of 8 MiB',
    ],
    [
      'deep recursion',
      'local function f() return 1 + f() end f()',
      `[string "pre"]:1: stack overflow`,
    ],
    [
      'os.execute',
      `os.execute('ls')`,
      `[string "pre"]:1: attempt to call a nil value (field 'execute')`,
    ],
    [
      'io.open',
      `io.open('/etc/passwd')`,
      `[string "pre"]:1: attempt to index a nil value (global 'io')`,
    ],
    [
      'require',
      `require('os')`,
      `[string "pre"]:1: attempt to call a nil value (global 'require')`,
    ],
    ['dofile', `dofile('/etc/passwd')`, `attempt to call a nil value (global 'dofile')`],
    [
      'load of bytecode from string.dump',
      `local f, err = load(string.dump(function() return 1 end)) assert(f == nil) error(err, 0)`,
      `attempt to load a binary chunk (mode is 't')`,
    ],
    [
      'load of bytecode asking for mode "b"',
      `local f, err = load(string.dump(function() return 1 end), 'x', 'b') assert(f == nil) error(err, 0)`,
      `attempt to load a binary chunk (mode is 't')`,
    ],
  ];

  it.each(stoppedByLimits)('stops %s', async (_name, script, message) => {
    expect(await failureOf(tight, script)).toContain(message);
    await expectHealthy(tight);
  });

  it('lets load() run text chunks, inside the sandbox only', async () => {
    const result = await tight.runPre(
      context(`
        assert(load('x = 1'))()
        input.x = tostring(x)
        input.execute = type(load('return os.execute')())
        input.io = type(load('return io')())
        input.env_os = type(load('return os', 'chunk', 't', {})())
      `),
    );
    expect(result.inputs).toEqual({ a: '1', x: '1', execute: 'nil', io: 'nil', env_os: 'nil' });
  });

  it('exposes only the safe globals', async () => {
    const result = await tight.runPre(
      context(`
        local names = {}
        for _, name in ipairs({ 'io', 'require', 'package', 'debug', 'dofile', 'loadfile', 'collectgarbage' }) do
          if _G[name] ~= nil then names[#names + 1] = name end
        end
        input.leaked = table.concat(names, ',')
        local os_names = {}
        for name in pairs(os) do os_names[#os_names + 1] = name end
        table.sort(os_names)
        input.os = table.concat(os_names, ',')
      `),
    );
    expect(result.inputs).toEqual({ a: '1', leaked: '', os: 'clock,date,difftime,time' });
  });

  it('stops a table that grows forever at the memory limit', async () => {
    const fail = await failureOf(
      heapBound,
      'local t = {} local i = 0 while true do i = i + 1 t[i] = { i } end',
    );
    expect(fail).toContain('memory limit exceeded (16 MiB)');
    await expectHealthy(heapBound);
  });

  it('stops large strings kept in a table at the memory limit', async () => {
    const fail = await failureOf(
      heapBound,
      `local t = {} while true do t[#t + 1] = string.rep('x', 4e6) end`,
    );
    expect(fail).toContain('memory limit exceeded (16 MiB)');
    await expectHealthy(heapBound);
  });

  it('replaces a worker that runs out of heap inside one library call', async () => {
    // One json.decode builds millions of values without returning to the VM: the worker's heap
    // limit stops it, or the VM check right after the call does.
    const fail = await failureOf(
      heapBound,
      `local t = json.decode('[' .. string.rep('[1],', 1e6) .. '1]')`,
    );
    expect(fail).toContain('memory limit exceeded (16 MiB)');
    await expectHealthy(heapBound);
  });

  it('stops an endless loop at the wall-time limit', async () => {
    const fail = await failureOf(roomy, 'while true do end');
    // Normally stopped inside the VM; on a starved machine the kill may come first.
    expect(fail).toContain('wall time limit exceeded (1000 ms)');
    await expectHealthy(roomy);
  });

  it('kills a worker stuck in a library call past the wall-time limit, and replaces it', async () => {
    const fail = await failureOf(roomy, `string.find(string.rep('a', 30000), '.-.-.-.-b')`);
    expect(fail).toBe('wall time limit exceeded (1000 ms); the hook was stopped');
    await expectHealthy(roomy);
  });

  it('does not stall other hooks while one runs away', async () => {
    // Only an abort ends this runaway, so the order below cannot depend on machine speed.
    const patient = createLuaHookRunner({ instructionBudget: 2_000_000_000, wallTimeMs: 60_000 });
    try {
      await Promise.all([patient.runPre(context('')), patient.runPre(context(''))]);
      const controller = new AbortController();
      let runawayDone = false;
      const runaway = patient
        .runPre(context('while true do end', controller.signal))
        .then((result) => {
          runawayDone = true;
          return result;
        });
      const others = await Promise.all(
        [0, 1, 2].map((n) => patient.runPre(context(`input.n = ${n}`))),
      );
      expect(others.map((result) => result.inputs.n)).toEqual(['0', '1', '2']);
      expect(runawayDone).toBe(false);
      controller.abort();
      expect((await runaway).fail).toBe('aborted');
    } finally {
      await patient.close();
    }
  });

  it('stops a running hook when its signal aborts', async () => {
    const controller = new AbortController();
    const result = roomy.runPre(
      context(`log('started') while true do end`, controller.signal, () => controller.abort()),
    );
    expect((await result).fail).toBe('aborted');
    await expectHealthy(roomy);
  });

  it('caps the log', async () => {
    const lines: string[] = [];
    await tight.runPre(
      context(`for i = 1, 5000 do log(i) end log(string.rep('y', 10000))`, undefined, (line) =>
        lines.push(line),
      ),
    );
    expect(lines).toHaveLength(1001);
    expect(lines[1000]).toBe('(log limit of 1000 lines reached; further lines are dropped)');
  });
});
