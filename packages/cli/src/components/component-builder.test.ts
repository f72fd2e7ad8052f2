import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContainerOpsError } from '@containerops/core';
import { COMPONENT_HASH_LABEL } from './content-hash.js';
import { buildComponent } from './component-builder.js';
import { FakeDockerCli } from './fake-docker-cli.js';

const definition = `name: library/hello
version: 1.2.0
description: Says hello
image: containerops/hello:1.2.0
readme: README.md
`;

let dir: string;
let docker: FakeDockerCli;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'co-build-'));
  await writeFile(join(dir, 'component.yaml'), definition);
  await writeFile(join(dir, 'Dockerfile'), 'FROM containerops/busybox:latest\n');
  await writeFile(join(dir, 'README.md'), '# hello\n');
  docker = new FakeDockerCli();
  docker.images.set('containerops/busybox:latest', { id: 'sha256:base', labels: {} });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('buildComponent', () => {
  it('builds, tags and labels the image, then finds it up to date', async () => {
    const lines: string[] = [];
    const built = await buildComponent(dir, {
      docker,
      network: 'host',
      tags: ['containerops/hello:latest'],
      onLine: (line) => lines.push(line),
    });
    expect(built.status).toBe('built');
    expect(built.tags).toEqual(['containerops/hello:1.2.0', 'containerops/hello:latest']);
    expect(docker.builds).toHaveLength(1);
    expect(docker.builds[0]).toMatchObject({
      context: dir,
      network: 'host',
      labels: {
        [COMPONENT_HASH_LABEL]: built.hash,
        'containerops.component.name': 'library/hello',
        'containerops.component.version': '1.2.0',
        'org.opencontainers.image.description': 'Says hello',
      },
    });
    expect(lines[0]).toContain('Step 1/1');

    const again = await buildComponent(dir, { docker, tags: ['containerops/hello:latest'] });
    expect(again).toMatchObject({ status: 'cached', hash: built.hash, imageId: built.imageId });
    expect(docker.builds).toHaveLength(1);
  });

  it('rebuilds when the directory, a base image or a tag changed, or when forced', async () => {
    const first = await buildComponent(dir, { docker });
    await writeFile(join(dir, 'run.sh'), 'echo changed\n');
    expect((await buildComponent(dir, { docker })).status).toBe('built');
    docker.images.set('containerops/busybox:latest', { id: 'sha256:rebuilt', labels: {} });
    const third = await buildComponent(dir, { docker });
    expect(third.status).toBe('built');
    expect(third.hash).not.toBe(first.hash);
    expect((await buildComponent(dir, { docker, tags: ['x/new:1'] })).status).toBe('built');
    const forced = await buildComponent(dir, { docker, force: true });
    expect(forced.status).toBe('built');
    expect(docker.builds.at(-1)?.noCache).toBe(true);
  });

  it('refuses an invalid definition with every problem, before touching Docker', async () => {
    await writeFile(join(dir, 'component.yaml'), 'name: Hello\nversion: 1\nreadme: NOPE.md\n');
    const error = await buildComponent(dir, { docker }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerOpsError);
    expect(error).toMatchObject({ code: 'COMPONENT_INVALID', kind: 'user' });
    const message = (error as Error).message;
    expect(message).toContain('component.yaml:1:7: error invalid-value');
    expect(message).toContain('component.yaml:2:10: error invalid-value');
    expect(message).toContain('error missing-field: a component needs "image"');
    expect(docker.builds).toHaveLength(0);
  });

  it('refuses a directory without a Dockerfile or with a missing readme', async () => {
    await rm(join(dir, 'Dockerfile'));
    await rm(join(dir, 'README.md'));
    const error = await buildComponent(dir, { docker }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /Dockerfile: missing[\s\S]*readme "README.md" does not exist/,
    );
  });

  it('turns a failed docker build into an operational error', async () => {
    docker.failWith = 'E: Unable to locate package nope';
    const error = await buildComponent(dir, { docker }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'COMPONENT_BUILD_FAILED', kind: 'operational' });
    expect((error as Error).message).toContain('Unable to locate package nope');
  });
});
