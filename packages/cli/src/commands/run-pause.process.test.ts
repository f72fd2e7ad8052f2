/**
 * `containerops run` as a real process on the local orchestrator, with a flow that only pauses
 * (issue 15 item 1): nothing but the run keeps the event loop busy, so these tests are about the
 * process staying alive while the run waits, and removing `runs/<id>` on every way out.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const mainTs = join(packageDir, 'src', 'main.ts');

interface Child {
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  readonly kill: (signal: NodeJS.Signals) => void;
  readonly waitFor: (text: string) => Promise<void>;
}

/** The CLI from its TypeScript sources, in its own process, with its temp dir under `tmp`. */
function startCli(args: readonly string[], tmp: string): Child {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@containerops/source',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { main } from ${JSON.stringify(mainTs)}; process.exit(await main(process.argv.slice(1)));`,
      ...args,
    ],
    { cwd: packageDir, env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' } },
  );
  let text = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const w of waiters.filter((x) => text.includes(x.text))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return {
    output: () => text,
    exited,
    kill: (signal) => child.kill(signal),
    waitFor: (wanted) =>
      text.includes(wanted)
        ? Promise.resolve()
        : new Promise<void>((done, fail) => {
            waiters.push({ text: wanted, resolve: done });
            void exited.then(() => fail(new Error(`exited before "${wanted}":\n${text}`)));
          }),
  };
}

/** Run directories the local orchestrator left under `tmp` (its root is TMPDIR/containerops-local). */
async function leftRuns(tmp: string): Promise<string[]> {
  return readdir(join(tmp, 'containerops-local', 'runs')).catch(() => []);
}

describe('containerops run: a pause stage waits (real process, local orchestrator)', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'co-cli-pause-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('stays alive while waiting, and Ctrl-C cancels, exits 130 and removes runs/<id>', async () => {
    const file = join(tmp, 'pause.yaml');
    await writeFile(file, 'uri: a/b/c\nstages: [{ type: pause, name: approve }]\n');
    const cli = startCli(['run', file, '--orchestrator', 'local', '--plain'], tmp);
    await cli.waitFor('run waiting');
    expect(await leftRuns(tmp)).toHaveLength(1);
    // Before the fix the process exited with code 13 about a second after "run waiting".
    const early = await Promise.race([
      cli.exited.then((code) => `exited ${String(code)}`),
      new Promise((done) => setTimeout(() => done('alive'), 2_500)),
    ]);
    expect(early, cli.output()).toBe('alive');
    cli.kill('SIGINT');
    expect(await cli.exited, cli.output()).toBe(130);
    expect(cli.output()).toContain('cancelled');
    expect(await leftRuns(tmp)).toEqual([]);
  }, 30_000);

  it('fails when the pause times out, exits 1 and removes runs/<id>', async () => {
    const file = join(tmp, 'pause-timeout.yaml');
    await writeFile(file, 'uri: a/b/c\nstages: [{ type: pause, name: approve, timeout: 1s }]\n');
    const cli = startCli(['run', file, '--orchestrator', 'local', '--plain'], tmp);
    expect(await cli.exited, cli.output()).toBe(1);
    expect(cli.output()).toContain('approval timed out after 1s');
    expect(await leftRuns(tmp)).toEqual([]);
  }, 30_000);
});
