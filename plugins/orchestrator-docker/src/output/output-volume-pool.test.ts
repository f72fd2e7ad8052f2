import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { JobLabel } from '@containerops/sdk';
import { readFirstFile } from './tar.js';
import {
  OUTPUT_ROLE,
  OutputVolumePool,
  ROLE_LABEL,
  SEEDER_ROLE,
  seedBatchArchive,
} from './output-volume-pool.js';

/** Just the dockerode surface the pool uses, recording what it is asked. */
function fakeDocker(options: { failPut?: boolean } = {}) {
  const creates: Dockerode.ContainerCreateOptions[] = [];
  let removed = 0;
  const docker = {
    createContainer: (create: Dockerode.ContainerCreateOptions) => {
      creates.push(create);
      return Promise.resolve({
        putArchive: () =>
          options.failPut === true ? Promise.reject(new Error('no')) : Promise.resolve(),
        remove: () => {
          removed += 1;
          return Promise.resolve();
        },
      });
    },
  } as unknown as Dockerode;
  return { docker, creates, removed: () => removed };
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('OutputVolumePool', () => {
  it('has nothing for the first job, then volumes seeded by one labelled helper per batch', async () => {
    const { docker, creates, removed } = fakeDocker();
    const pool = new OutputVolumePool(docker);
    expect(pool.take('run1', { team: 'a' }, 'img')).toBeUndefined();
    await flush();
    expect(creates).toHaveLength(1);
    const helper = creates[0];
    expect(helper?.Image).toBe('img');
    expect(helper?.Labels).toMatchObject({
      team: 'a',
      [JobLabel.runId]: 'run1',
      [JobLabel.managed]: 'true',
      [ROLE_LABEL]: SEEDER_ROLE,
    });
    const mounts = helper?.HostConfig?.Mounts ?? [];
    expect(mounts).toHaveLength(4);
    expect(mounts[0]?.VolumeOptions?.Labels).toMatchObject({ [ROLE_LABEL]: OUTPUT_ROLE });
    expect(removed()).toBe(1);

    const taken = [1, 2, 3, 4].map(() => pool.take('run1', {}, 'img'));
    expect(taken).toEqual(mounts.map((mount) => mount.Source));
    await flush();
    expect(creates).toHaveLength(2); // refilled when few were left, a bigger batch
    expect(creates[1]?.HostConfig?.Mounts).toHaveLength(8);
    await pool.close('run1');
  });

  it('stops refilling a run whose batch failed; close() waits for the refill in flight', async () => {
    const { docker, creates } = fakeDocker({ failPut: true });
    const pool = new OutputVolumePool(docker);
    expect(pool.take('run1', {}, 'img')).toBeUndefined();
    await pool.close('run1');
    expect(pool.take('run2', {}, 'img')).toBeUndefined();
    await flush();
    expect(pool.take('run2', {}, 'img')).toBeUndefined();
    await flush();
    expect(creates).toHaveLength(2); // one per run, none after run2's failure
  });

  it('seeds each volume with a 0777 root and an empty 0666 output', () => {
    const archive = seedBatchArchive(2);
    expect(archive.length % 512).toBe(0);
    expect(readFirstFile(archive, 1024)?.length).toBe(0);
    const names = [0, 1, 2, 3].map((i) =>
      archive
        .subarray(i * 512, i * 512 + 100)
        .toString('utf8')
        .replace(/\0.*$/s, ''),
    );
    expect(names).toEqual(['v0/', 'v0/output', 'v1/', 'v1/output']);
  });
});
