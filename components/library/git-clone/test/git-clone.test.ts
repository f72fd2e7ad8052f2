import { describe, expect, inject, it } from 'vitest';
import { runOnDocker, workflowOf } from '../../../test-support/run-on-docker.js';
import '../../../test-support/provided.js';

const images = inject('componentImages');

/** A job that makes a bare repository `origin.git` in the workspace: main with 2 commits, dev. */
const makeOrigin = `
- name: origin
  endpoint: containerops/shell:1.0.0
  inputs:
    script: |
      export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@example.com
      export GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.com
      git init --quiet --initial-branch=main work
      cd work
      echo one > file.txt && git add file.txt && git commit --quiet -m "first"
      echo two > file.txt && git commit --quiet -am "second"
      git branch dev HEAD~1
      git clone --quiet --bare . ../origin.git
      echo "MAIN=$(git rev-parse main)" >> "$CO_OUTPUT"
      echo "DEV=$(git rev-parse dev)" >> "$CO_OUTPUT"
  outputs: [MAIN, DEV]`;

describe.skipIf(!images.ready)('library/git-clone on Docker', () => {
  it('clones a repository of the workspace and reports the commit', async () => {
    const result = await runOnDocker(
      workflowOf('library/git-clone/test', {
        prepare: makeOrigin,
        clone: `
- name: main
  endpoint: containerops/git-clone:1.0.0
  inputs: { repo: /workspace/origin.git }
  outputs: [COMMIT, BRANCH, DIR]
- name: dev
  endpoint: containerops/git-clone:1.0.0
  environments:
    - CO_DATA: "repo=origin.git branch=dev dir=checkouts/dev depth=0"
  outputs: [COMMIT, BRANCH, DIR]`,
        check: `
- name: check
  endpoint: containerops/shell:1.0.0
  inputs:
    script: |
      test "$(cat origin/file.txt)" = two
      test "$(cat checkouts/dev/file.txt)" = one
      test "$(git -C origin rev-list --count HEAD)" = 1
      echo "checked $MAIN_COMMIT"
  subscriptions:
    - clone.clone.main[COMMIT]: MAIN_COMMIT`,
      }),
    );
    expect(result.run.status).toBe('succeeded');
    const origin = result.job('prepare.prepare.origin').outputs;
    expect(result.job('clone.clone.main').outputs).toEqual({
      COMMIT: origin['MAIN'],
      BRANCH: 'main',
      DIR: 'origin',
    });
    expect(result.job('clone.clone.dev').outputs).toEqual({
      COMMIT: origin['DEV'],
      BRANCH: 'dev',
      DIR: 'checkouts/dev',
    });
    expect(result.log('clone.clone.main')).toContain('cloning /workspace/origin.git into origin');
    expect(result.log('clone.clone.main')).toContainEqual(
      expect.stringMatching(/^HEAD is \w+ second/),
    );
    expect(result.log('check.check.check')).toContain(`checked ${origin['MAIN']}`);
  });

  it('fails on a missing repository and on a non-empty target directory', async () => {
    const result = await runOnDocker(
      workflowOf('library/git-clone/fail', {
        prepare: makeOrigin,
        clone: `
- name: twice
  endpoint: containerops/git-clone:1.0.0
  inputs: { repo: origin.git, dir: work }`,
      }),
    );
    expect(result.job('clone.clone.twice').status).toBe('failed');
    expect(result.log('clone.clone.twice')).toContain(
      'git-clone: error: "work" already exists in the workspace and is not empty: choose another "dir"',
    );
    const missing = await runOnDocker(
      workflowOf('library/git-clone/missing', {
        clone: `
- name: nowhere
  endpoint: containerops/git-clone:1.0.0
  inputs: { repo: /workspace/nowhere.git }`,
      }),
    );
    expect(missing.job('clone.clone.nowhere')).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(missing.log('clone.clone.nowhere')).toContain('[COUT] CO_RESULT = false');
  });
});
