/**
 * An outside author's path, end to end and offline: `containerops plugin new` makes one plugin of
 * each kind in a temp directory outside the repository; each builds (`tsc`) and passes its kind's
 * conformance suite (`vitest run` in the package, as its author would); each is packed with
 * `npm pack` and installed from the tarball into another temp directory, together with tarballs
 * of the SDK, core and their dependencies made from this repository (no registry); then
 * `containerops run --plugin` runs a workflow on the scaffolded orchestrator, and
 * `containerops serve` with a config naming all five loads them, runs a workflow on the
 * orchestrator with its lines in the scaffolded log store, and routes webhooks to the trigger.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(REPO, 'packages/cli/bin/containerops.js');
const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
const vitest = join(REPO, 'node_modules/vitest/vitest.mjs');

/** One plugin of each kind: [kind, name, npm package the scaffold names it]. */
const PLUGINS = [
  ['orchestrator', 'lab-proc', 'containerops-orchestrator-lab-proc'],
  ['logStore', 'lab-logs', 'containerops-log-store-lab-logs'],
  ['trigger', 'lab-hook', 'containerops-trigger-lab-hook'],
  ['notifier', 'lab-post', 'containerops-notifier-lab-post'],
  ['hook', 'lab-lines', 'containerops-hook-lab-lines'],
] as const;
const TRIGGER_TOKEN = 'lab-token-0123456789abcdef';
/** The consumer's containerops.yaml: the scaffolded orchestrator chosen, all five loaded. */
const SERVER_CONFIG = `orchestrator: lab-proc
plugins:
  - containerops-orchestrator-lab-proc
  - { module: containerops-log-store-lab-logs, config: { path: lab.jsonl } }
  - { module: containerops-trigger-lab-hook, config: { token: ${TRIGGER_TOKEN} } }
  - containerops-notifier-lab-post
  - containerops-hook-lab-lines
`;

let dir: string;
const sourceOf = (name: string): string => join(dir, 'authoring', name);
const consumer = (): string => join(dir, 'consumer');

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return settle(start(args, cwd, env).child);
}

function start(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', TMPDIR: join(dir, 'tmp'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  return { child, out };
}

function settle(child: ChildProcess): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

/** `npm pack` of `packageDir` into `into`; returns the tarball's path. */
async function pack(packageDir: string, into: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--silent', packageDir], {
    cwd: into,
  });
  return join(into, stdout.trim().split('\n').at(-1) as string);
}

/**
 * Tarballs of the SDK, core and every package they need at run time, each taken from where the
 * repository resolves it: what a consumer's offline `npm install` needs besides the plugins.
 */
async function packRuntime(into: string): Promise<string[]> {
  const done = new Map<string, string>();
  const visit = async (packageDir: string): Promise<void> => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
    };
    if (done.has(manifest.name)) return;
    done.set(manifest.name, await pack(packageDir, into));
    const requireHere = createRequire(join(packageDir, 'package.json'));
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      const entry = requireHere.resolve.paths(dependency) ?? [];
      const found = entry
        .map((base) => join(base, dependency))
        .find((d) => existsSync(join(d, 'package.json')));
      if (found === undefined)
        throw new Error(`${dependency} of ${manifest.name} is not installed`);
      await visit(found);
    }
  };
  await visit(join(REPO, 'packages/sdk'));
  return [...done.values()];
}

function waitFor(out: { stdout: string; stderr: string }, pattern: RegExp, ms: number) {
  return new Promise<RegExpMatchArray>((done, fail) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const match = (out.stdout + out.stderr).match(pattern);
      if (match !== null) {
        clearInterval(poll);
        done(match);
      } else if (Date.now() - started > ms) {
        clearInterval(poll);
        fail(new Error(`no ${pattern} within ${ms} ms:\n${out.stdout}\n${out.stderr}`));
      }
    }, 50);
  });
}

const workflow = (uri: string): string => `uri: ${uri}
stages:
  - type: normal
    name: build
    actions:
      - name: compile
        jobs:
          - name: greet
            command: "echo made by the scaffolded orchestrator in $CO_WORKSPACE"
`;

beforeAll(async () => {
  // Outside the repository: nothing may resolve through the repo's node_modules by accident.
  dir = await mkdtemp(join(tmpdir(), 'co-scaffold-'));
  mkdirSync(join(dir, 'tmp'));
  for (const [kind, name] of PLUGINS) {
    const made = await cli(['plugin', 'new', kind, name, '--dir', sourceOf(name)], dir);
    expect(made.code, made.stderr).toBe(0);
    // The author's `npm install` (offline here): the repository's SDK, TypeScript and vitest.
    symlinkSync(join(REPO, 'node_modules'), join(sourceOf(name), 'node_modules'));
    await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: sourceOf(name) });
  }
}, 240_000);
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('a scaffolded plugin of each kind', () => {
  it.each(PLUGINS)(
    '%s: builds and passes its conformance suite as generated',
    async (_kind, name) => {
      expect(existsSync(join(sourceOf(name), 'dist/index.js'))).toBe(true);
      const suite = await run(process.execPath, [vitest, 'run'], {
        cwd: sourceOf(name),
        env: { ...process.env, CI: 'true' },
      }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      expect(suite.code, `${suite.stdout}\n${suite.stderr}`).toBe(0);
      expect(suite.stdout).toMatch(/conformance/);
    },
    180_000,
  );

  describe('packed, installed from tarballs outside the repository', () => {
    let server: ReturnType<typeof start> | undefined;

    beforeAll(async () => {
      const tarballs = join(dir, 'tarballs');
      mkdirSync(tarballs);
      mkdirSync(consumer());
      writeFileSync(join(consumer(), 'package.json'), '{ "name": "consumer", "private": true }\n');
      writeFileSync(join(consumer(), 'containerops.yaml'), SERVER_CONFIG);
      writeFileSync(join(consumer(), 'lab.yaml'), workflow('lab/demo/ci'));
      const files = [
        ...(await packRuntime(tarballs)),
        ...(await Promise.all(PLUGINS.map(([, name]) => pack(sourceOf(name), tarballs)))),
      ];
      await run(
        'npm',
        ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...files],
        { cwd: consumer() },
      );
    }, 240_000);
    afterAll(async () => {
      server?.child.kill('SIGTERM');
      if (server !== undefined) await new Promise((done) => server?.child.on('close', done));
    });

    it('containerops plugin list --plugin loads every one the CLI can load without config', async () => {
      // The trigger needs a token (its config) and the CLI runs no triggers: the server loads it.
      const loadable = PLUGINS.filter(([kind]) => kind !== 'trigger');
      const args = ['plugin', 'list', ...loadable.flatMap(([, , pkg]) => ['--plugin', pkg])];
      const listed = await cli(args, consumer());
      expect(listed.code, listed.stderr).toBe(0);
      for (const [kind, name, pkg] of loadable)
        expect(listed.stdout).toMatch(new RegExp(`${kind}\\s+${name}\\s+${pkg}`));
    }, 60_000);

    it('containerops run --plugin runs a workflow on the scaffolded orchestrator', async () => {
      const [, , pkg] = PLUGINS[0];
      const ran = await cli(
        ['run', 'lab.yaml', '--plugin', pkg, '--orchestrator', 'lab-proc', '--plain'],
        consumer(),
      );
      expect(ran.code, `${ran.stdout}\n${ran.stderr}`).toBe(0);
      expect(ran.stdout).toContain('made by the scaffolded orchestrator in /');
      expect(ran.stdout).toContain('lab-proc');
    }, 60_000);

    it('containerops serve with a config loads all five and uses them', async () => {
      const data = join(dir, 'server-data');
      server = start(
        ['serve', '--config', 'containerops.yaml', '--port', '0', '--data', data],
        consumer(),
      );
      const [, url] = await waitFor(server.out, /listening on (http:\/\/[0-9.:]+)/, 60_000);
      const [, token] = await waitFor(server.out, /token \(shown once, store it now\): (\S+)/, 1);
      expect(server.out.stdout + server.out.stderr).toContain('orchestrator lab-proc');
      const env = { CONTAINEROPS_SERVER: url, CONTAINEROPS_TOKEN: token };

      writeFileSync(join(consumer(), 'server.yaml'), workflow('default/demo/lab'));
      const applied = await cli(['workflow', 'apply', '-f', 'server.yaml'], consumer(), env);
      expect(applied.code, applied.stderr).toBe(0);
      const ran = await cli(['run', 'default/demo/lab', '--plain'], consumer(), env);
      expect(ran.code, `${ran.stdout}\n${ran.stderr}`).toBe(0);
      expect(ran.stdout).toContain('made by the scaffolded orchestrator');
      // The job's lines went to the scaffolded log store's file.
      const lines = readFileSync(join(data, 'plugins/logStore-lab-logs/lab.jsonl'), 'utf8');
      expect(lines).toContain('made by the scaffolded orchestrator');

      // The trigger serves its hook path: a wrong token is refused by the plugin itself.
      const refused = await fetch(`${url}/hooks/lab-hook/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-lab-hook-token': 'wrong' },
        body: '{}',
      });
      expect(refused.status).toBe(401);

      // Every one reports itself to the admin API: name, version, ok.
      const health = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ plugins { kind name version healthy active } }' }),
      });
      const { data: reported } = (await health.json()) as {
        data: { plugins: { kind: string; name: string; healthy: boolean }[] };
      };
      const shown = reported.plugins.map((p) => `${p.kind} ${p.name} ${p.healthy}`);
      for (const expected of [
        'ORCHESTRATOR lab-proc true',
        'LOG_STORE lab-logs true',
        'TRIGGER lab-hook true',
        'NOTIFIER lab-post true',
      ])
        expect(shown).toContain(expected);
    }, 120_000);

    it('containerops run --config takes the plugins and orchestrator of that server config', async () => {
      // containerops.yaml of the serve case: orchestrator lab-proc, all five plugins with config.
      const ran = await cli(
        ['run', 'lab.yaml', '--config', 'containerops.yaml', '--plain'],
        consumer(),
      );
      expect(ran.code, `${ran.stdout}\n${ran.stderr}`).toBe(0);
      expect(ran.stdout).toContain('made by the scaffolded orchestrator in /');
    }, 60_000);
  });
});
