/**
 * The real command: spawns `node bin/containerops.js` (built by the global setup) on small
 * workflows of `command:` jobs run by the local orchestrator.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/containerops.js', import.meta.url));
let dir: string;
let localRoot: string;

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function start(args: readonly string[]): { child: ChildProcess; result: Promise<Result> } {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: dir,
    // TMPDIR moves the local orchestrator's root (os.tmpdir()/containerops-local) into the test dir.
    env: {
      ...process.env,
      TMPDIR: join(dir, 'tmp'),
      NO_COLOR: '1',
      CONTAINEROPS_SECRET_TOKEN: 's3cr3t-value',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const result = new Promise<Result>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  Object.defineProperty(child, 'output', { get: () => stdout });
  return { child, result };
}

function cli(...args: string[]): Promise<Result> {
  return start(args).result;
}

function workflow(name: string, jobs: string): string {
  return `uri: acme/cli/${name}
inputs: [WHO]
stages:
  - type: normal
    name: main
    actions:
      - name: act
        jobs:
${jobs}`;
}

async function file(name: string, content: string): Promise<string> {
  await writeFile(join(dir, name), content);
  return name;
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True while `pid` is a live process (a zombie waiting to be reaped counts as dead). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'containerops-cli-'));
  localRoot = join(dir, 'tmp', 'containerops-local');
  await mkdir(join(dir, 'tmp'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('containerops (spawned)', () => {
  it('runs a successful workflow: exit 0, prefixed logs, summary, masked secret', async () => {
    const f = await file(
      'ok.yaml',
      workflow(
        'ok',
        `          - name: hello
            command: echo "hello $WHO"; echo "token is $TOKEN"; echo "[COUT] DONE = yes"
            environments:
              TOKEN: \${{ secrets.TOKEN }}
`,
      ),
    );
    const r = await cli('run', f, '--input', 'WHO=world');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[main.act.hello] hello world\n');
    expect(r.stdout).toContain('[main.act.hello] token is ***\n');
    expect(r.stdout).not.toContain('s3cr3t-value');
    expect(r.stdout).toMatch(/\n✓ acme\/cli\/ok succeeded in \S+ \(run \w+\)\n$/);
  });

  it('exits 1 on a failed run and names the failed job', async () => {
    const f = await file(
      'fail.yaml',
      workflow('fail', `          - name: broken\n            command: echo bad >&2; exit 3\n`),
    );
    const r = await cli('run', f);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[main.act.broken] bad\n');
    expect(r.stdout).toContain('  ✗ main.act.broken: exited with code 3\n');
  });

  it('validate reports errors at file:line:col and exits 1', async () => {
    const f = await file(
      'bad.yaml',
      'uri: acme/cli/bad\nstages:\n  - type: normal\n    name: s\n    sequencing: sideways\n    actions: []\n',
    );
    const r = await cli('validate', f);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^bad\.yaml:5:17: error unknown-sequencing: /m);
    expect(r.stdout).toMatch(/^invalid: 1 file checked, \d+ errors?, \d+ warnings?$/m);
    const run = await cli('run', f);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^bad\.yaml:5:17: error unknown-sequencing: /m);
  });

  it('--json prints one JSON object per line, ending with the result', async () => {
    const f = await file(
      'json.yaml',
      workflow('json', `          - name: j\n            command: echo '{"not":"an event"}'\n`),
    );
    const r = await cli('run', f, '--json', '--orchestrator', 'local');
    expect(r.code).toBe(0);
    const objects = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    expect(objects[0]).toMatchObject({
      type: 'start',
      orchestrator: 'local',
      workflow: 'acme/cli/json',
    });
    expect(objects.some((o) => o.type === 'log' && o['text'] === '{"not":"an event"}')).toBe(true);
    expect(objects.filter((o) => o.type === 'event').length).toBeGreaterThan(3);
    expect(objects.at(-1)).toMatchObject({ type: 'result', status: 'succeeded', exitCode: 0 });
  });

  it('usage errors exit 2', async () => {
    const r = await cli('run', 'x.yaml', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "containerops run: unknown option '--bogus'\nRun 'containerops run --help' for usage.\n",
    );
  });

  it('SIGINT cancels the run, kills its processes, removes the workspace and exits 130', async () => {
    const f = await file(
      'slow.yaml',
      workflow(
        'slow',
        `          - name: sleeper
            command: |
              sleep 60 &
              echo $! > "${join(dir, 'child.pid')}"
              echo $$ > "${join(dir, 'job.pid')}"
              echo ready
              wait
`,
      ),
    );
    const { child, result } = start(['run', f, '--json']);
    const output = (): string => (child as unknown as { output: string }).output;
    await until(() => output().includes('"text":"ready"'), 'the job to start');
    const runId = (JSON.parse(output().split('\n')[0] as string) as { runId: string }).runId;
    const pids = [join(dir, 'child.pid'), join(dir, 'job.pid')].map((p) =>
      Number(readFileSync(p, 'utf8')),
    );
    expect(pids.every(alive)).toBe(true);
    expect(existsSync(join(localRoot, 'runs', runId))).toBe(true);

    child.kill('SIGINT');
    const r = await result;
    expect(r.code).toBe(130);
    const last = JSON.parse(r.stdout.trimEnd().split('\n').at(-1) as string) as Record<
      string,
      unknown
    >;
    expect(last).toMatchObject({
      type: 'result',
      status: 'cancelled',
      interrupted: true,
      exitCode: 130,
    });
    await until(() => !pids.some(alive), 'the job processes to end', 5000);
    expect(existsSync(join(localRoot, 'runs', runId))).toBe(false);
  });

  it('a second SIGINT exits at once, still leaving no job process behind', async () => {
    const f = await file(
      'stubborn.yaml',
      workflow(
        'stubborn',
        `          - name: stubborn
            command: |
              trap '' TERM
              echo $$ > "${join(dir, 'stubborn.pid')}"
              echo ready
              while true; do sleep 0.1; done
`,
      ),
    );
    const { child, result } = start(['run', f]);
    const output = (): string => (child as unknown as { output: string }).output;
    await until(() => output().includes('[main.act.stubborn] ready'), 'the job to start');
    const pid = Number(await readFile(join(dir, 'stubborn.pid'), 'utf8'));
    child.kill('SIGINT');
    await until(() => output().includes('cancelling the run'), 'the first signal to be handled');
    const sentAt = Date.now();
    child.kill('SIGINT');
    const r = await result;
    expect(r.code).toBe(130);
    expect(Date.now() - sentAt).toBeLessThan(5000);
    expect(r.stdout).toContain('SIGINT again: exiting without waiting for the run to stop');
    await until(() => !alive(pid), 'the job process to end', 5000);
  });
});
