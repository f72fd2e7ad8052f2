import { describe, expect, it } from 'vitest';
import { FakeOrchestrator } from '@containerops/core/testing';
import { workflowOf } from '../../test/fixtures.js';
import { fakeHost } from '../../test/fake-plugin-host.js';
import { selectOrchestrator } from './select-orchestrator.js';
import { workflowMisfit } from './workflow-fit.js';

/** Stands for `local`: runs commands, no images. */
class CommandsOnly extends FakeOrchestrator {
  override readonly capabilities = { ...new FakeOrchestrator().capabilities, images: false };
}

const commands = workflowOf(`uri: a/b/c
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: one
            command: echo 1
          - name: two
            endpoint: busybox
            command: echo 2
          - name: off
            endpoint: busybox
            active: false
`);

const images = workflowOf(`uri: a/b/c
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: img
            endpoint: busybox
`);

describe('workflowMisfit', () => {
  it('needs an image per job on container backends', () => {
    expect(workflowMisfit(new FakeOrchestrator(), commands)).toBe(
      'needs an image for every job (not: s.a.one)',
    );
    expect(workflowMisfit(new FakeOrchestrator(), images)).toBeUndefined();
  });

  it('needs a command per job on backends without images; inactive jobs do not count', () => {
    expect(workflowMisfit(new CommandsOnly(), commands)).toBeUndefined();
    expect(workflowMisfit(new CommandsOnly(), images)).toBe(
      'runs only jobs with a command (not: s.a.img)',
    );
  });
});

describe('default choice by workflow', () => {
  const docker = new FakeOrchestrator();
  const local = new CommandsOnly();
  const entries = [
    { name: 'docker', orchestrator: docker },
    { name: 'local', orchestrator: local },
  ];

  it('skips an available backend that cannot run the jobs', async () => {
    expect(await selectOrchestrator(fakeHost(entries), undefined, commands)).toBe(local);
    expect(await selectOrchestrator(fakeHost(entries), undefined, images)).toBe(docker);
  });

  it('falls back to the first available when none fits; refuses an explicit misfit', async () => {
    const mixed = workflowOf(`uri: a/b/c
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: cmd
            command: echo
          - name: img
            endpoint: busybox
`);
    expect(await selectOrchestrator(fakeHost(entries), undefined, mixed)).toBe(docker);
    // Issue 15: `run examples/hello.yaml --orchestrator docker` used to start and fail each job.
    await expect(selectOrchestrator(fakeHost(entries), 'docker', commands)).rejects.toThrow(
      /^the docker orchestrator cannot run this workflow: it needs an image for every job/,
    );
    expect(await selectOrchestrator(fakeHost(entries), 'docker', images)).toBe(docker);
  });
});
