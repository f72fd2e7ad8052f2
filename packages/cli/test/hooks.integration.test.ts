/**
 * Lua hooks through the real command (spawned `bin/containerops.js`, local orchestrator): a pre
 * hook that changes an input, a post hook (a `.lua` file next to the workflow) that fails the job
 * on a coverage threshold, and `validate` pointing at a Lua syntax error inside the YAML.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/containerops.js', import.meta.url));
let dir: string;

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(...args: string[]): Promise<Result> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: dir,
    env: { ...process.env, TMPDIR: join(dir, 'tmp'), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function file(name: string, content: string): Promise<string> {
  await mkdir(join(dir, name, '..'), { recursive: true });
  await writeFile(join(dir, name), content);
  return name;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'containerops-hooks-'));
  await mkdir(join(dir, 'tmp'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const coverageGate = `local coverage = tonumber(outputs.COVERAGE)
log('coverage is ' .. coverage .. '%')
if coverage < 80 then
  result.succeeded = false
end
`;

describe('containerops run with Lua hooks (spawned, local orchestrator)', () => {
  it('applies a pre hook to the inputs and a post hook that fails on coverage', async () => {
    await file('ci/hooks/coverage.lua', coverageGate);
    const f = await file(
      'hooks.yaml',
      `uri: acme/cli/hooks
stages:
  - type: normal
    name: test
    actions:
      - name: unit
        jobs:
          - name: low
            command: echo "target=$CO_TARGET"; echo "[COUT] COVERAGE = 72.5"
            inputs: { target: any }
            pre: |
              log('target was ' .. input.target)
              input.target = 'linux-' .. input.target
            post: ci/hooks/coverage.lua
`,
    );
    const r = await cli('run', f, '--orchestrator', 'local', '--plain');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('[test.unit.low] (system) [pre] target was any\n');
    expect(r.stdout).toContain('[test.unit.low] target=linux-any\n');
    expect(r.stdout).toContain('[test.unit.low] (system) [post] coverage is 72.5%\n');
    expect(r.stdout).toContain('  ✗ test.unit.low: post hook marked the job failed\n');
    expect(r.code).toBe(1);
  });

  it('passes when the coverage is above the threshold', async () => {
    await file('ci/hooks/coverage.lua', coverageGate);
    const f = await file(
      'hooks-ok.yaml',
      `uri: acme/cli/hooks-ok
stages:
  - type: normal
    name: test
    actions:
      - name: unit
        jobs:
          - name: high
            command: echo "[COUT] COVERAGE = 91"
            post: ci/hooks/coverage.lua
`,
    );
    const r = await cli('run', f, '--orchestrator', 'local', '--plain');
    expect(r.stdout).toContain('[test.unit.high] (system) [post] coverage is 91%\n');
    expect(r.code).toBe(0);
  });

  it('validate reports a Lua syntax error at its line and column inside the YAML', async () => {
    const f = await file(
      'bad-lua.yaml',
      `uri: acme/cli/bad-lua
stages:
  - type: normal
    name: test
    actions:
      - name: unit
        jobs:
          - name: j
            command: 'true'
            pre: |
              local n = 1
              if n > 0 log('x') end
`,
    );
    const r = await cli('validate', f);
    expect(r.stdout).toBe(
      "bad-lua.yaml:12:24: error lua-syntax: pre hook: 'then' expected near 'log'\n" +
        'invalid: 1 file checked, 1 error, 0 warnings\n',
    );
    expect(r.code).toBe(1);
  });
});
