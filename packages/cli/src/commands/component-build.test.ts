import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryIo } from '../../test/memory-io.js';
import { FakeDockerCli } from '../components/fake-docker-cli.js';
import { createComponentCommand } from './component-build.js';

let root: string;
let docker: FakeDockerCli;
const command = () => createComponentCommand({ docker: () => docker });

async function componentDir(name: string, yaml: string): Promise<void> {
  await mkdir(join(root, name));
  await writeFile(join(root, name, 'component.yaml'), yaml);
  await writeFile(join(root, name, 'Dockerfile'), 'FROM containerops/busybox:latest\n');
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'co-cmd-'));
  docker = new FakeDockerCli();
  await componentDir('hello', 'name: library/hello\nversion: 1.0.0\nimage: co/hello:1.0.0\n');
  await componentDir('warn', 'name: acme/warn\nversion: 0.1.0\nimage: co/warn\n');
  await componentDir('bad', 'name: acme/bad\nversion: one\nimage: co/bad:1\ncolour: red\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('containerops component build', () => {
  it('builds a directory, streams docker output and prints the result', async () => {
    const io = new MemoryIo({ cwd: root });
    await expect(
      command().run(['build', 'hello', '--tag', 'co/hello:latest', '--network', 'host'], io),
    ).resolves.toBe(0);
    expect(io.stdout.text).toMatch(
      /^library\/hello@1\.0\.0: built co\/hello:1\.0\.0, co\/hello:latest \([0-9a-f]{12}, \d+\.\ds\)\n$/,
    );
    expect(io.stderr.text).toContain('  Step 1/1');
    expect(docker.builds[0]).toMatchObject({ network: 'host', context: join(root, 'hello') });

    const again = new MemoryIo({ cwd: root });
    await command().run(['build', 'hello', '-t', 'co/hello:latest', '--quiet'], again);
    expect(again.stdout.text).toContain('library/hello@1.0.0: up to date');
    expect(again.stderr.text).toBe('');
  });

  it('prints diagnostics like a compiler, builds what it can and exits 1', async () => {
    const io = new MemoryIo({ cwd: root });
    await expect(command().run(['build', 'bad/', 'warn', '-q'], io)).resolves.toBe(1);
    expect(io.stderr.text.split('\n')).toEqual([
      'bad/component.yaml:2:10: error invalid-value: version "one" is not a semantic version MAJOR.MINOR.PATCH',
      'bad/component.yaml:4:1: warning unknown-field: unknown field "colour" in a component',
      'containerops component build: bad/component.yaml: not a valid component (1 error):',
      'warn/component.yaml:3:8: warning invalid-value: image "co/warn" has no tag, so it means ":latest": pin it to the component\'s version',
      '',
    ]);
    expect(io.stdout.text).toMatch(/^acme\/warn@0\.1\.0: built co\/warn/);
  });

  it('reports JSON results', async () => {
    const io = new MemoryIo({ cwd: root });
    await expect(command().run(['build', join(root, 'hello'), 'bad', '--json'], io)).resolves.toBe(
      1,
    );
    const report = JSON.parse(io.stdout.text) as {
      built: { name: string; status: string; tags: string[] }[];
      failed: { dir: string }[];
    };
    expect(report.built).toMatchObject([
      { name: 'library/hello', status: 'built', tags: ['co/hello:1.0.0'] },
    ]);
    expect(report.failed.map((f) => f.dir)).toEqual(['bad']);
  });

  it('rejects wrong command lines', async () => {
    const io = new MemoryIo({ cwd: root });
    await expect(command().run(['build'], io)).rejects.toThrow('no component directory given');
    await expect(command().run(['push', 'x'], io)).rejects.toThrow(
      "unknown subcommand 'push'; known: build, publish",
    );
    await expect(command().run(['build', 'a', 'b', '--tag', 'x:1'], io)).rejects.toThrow(
      '--tag needs a single component directory',
    );
    await expect(command().run([], io)).resolves.toBe(2);
    expect(io.stdout.text).toContain('Usage: containerops component build DIR...');
  });

  it('reports a failed docker build, with its last lines when the output was hidden', async () => {
    docker.failWith = 'exited with code 100:\nE: Unable to locate package nope';
    const quiet = new MemoryIo({ cwd: root });
    await expect(command().run(['build', 'hello', '-q'], quiet)).resolves.toBe(1);
    expect(quiet.stderr.text).toBe(
      'containerops component build: docker build failed for library/hello: exited with code 100:\nE: Unable to locate package nope\n',
    );
    const loud = new MemoryIo({ cwd: root });
    await expect(command().run(['build', 'hello'], loud)).resolves.toBe(1);
    expect(loud.stderr.text.split('\n').slice(-2)).toEqual([
      'containerops component build: docker build failed for library/hello: exited with code 100:',
      '',
    ]);
  });
});
