import { describe, expect, inject, it } from 'vitest';
import { runOnDocker, workflowOf } from '../../../test-support/run-on-docker.js';
import '../../../test-support/provided.js';

const images = inject('componentImages');

describe.skipIf(!images.ready)('library/shell on Docker', () => {
  it('runs the script in the workspace dir and passes its outputs on', async () => {
    const result = await runOnDocker(
      workflowOf('library/shell/test', {
        write: `
- name: write
  endpoint: containerops/shell:1.0.0
  inputs:
    script: |
      mkdir -p data && cd data
      printf 'a b c\\n' > words.txt
      echo "wrote $(wc -w < words.txt) words in $PWD"
      echo "[COUT] WORDS = $(wc -w < words.txt)"
      echo "GIT=$(git --version | cut -d' ' -f3)" >> "$CO_OUTPUT"
  outputs: [WORDS, GIT]`,
        read: `
- name: read
  endpoint: containerops/shell:1.0.0
  inputs:
    dir: data
    shell: sh -e
    script: |
      test "$(cat words.txt)" = "a b c"
      echo "upstream counted $UPSTREAM_WORDS words"
  subscriptions:
    - write.write.write[WORDS]: UPSTREAM_WORDS`,
      }),
    );
    expect(result.run.status).toBe('succeeded');
    expect(result.job('write.write.write').outputs).toEqual({
      WORDS: '3',
      GIT: expect.stringMatching(/^2\.\d+/),
    });
    expect(result.log('write.write.write')).toContain('wrote 3 words in /workspace/data');
    expect(result.log('read.read.read')).toContain('upstream counted 3 words');
  });

  it('fails the job when the script fails, with CO_RESULT = false', async () => {
    const result = await runOnDocker(
      workflowOf('library/shell/fail', {
        fail: `
- name: fail
  endpoint: containerops/shell:1.0.0
  inputs:
    script: |
      echo before
      false
      echo never`,
      }),
    );
    expect(result.run.status).toBe('failed');
    const job = result.job('fail.fail.fail');
    expect(job.status).toBe('failed');
    expect(job.exitCode).toBe(1);
    const log = result.log('fail.fail.fail');
    expect(log).toContain('before');
    expect(log).not.toContain('never');
    expect(log).toContain('[COUT] CO_RESULT = false');
    expect(log).toContain('shell: error: the script exited with code 1');
  });

  it('refuses a missing script and a path outside the workspace', async () => {
    const job = (name: string, inputs: string) =>
      runOnDocker(
        workflowOf(`library/shell/${name}`, {
          bad: `- name: ${name}\n  endpoint: containerops/shell:1.0.0\n  inputs: ${inputs}`,
        }),
      );
    const [missing, escape] = await Promise.all([
      job('missing', '{}'),
      job('escape', '{ script: "true", dir: ../etc }'),
    ]);
    expect(missing.job('bad.bad.missing').status).toBe('failed');
    expect(missing.log('bad.bad.missing')).toContain(
      'shell: error: input "script" is required: the commands to run',
    );
    expect(escape.job('bad.bad.escape').status).toBe('failed');
    expect(escape.log('bad.bad.escape')).toContain(
      'shell: error: path "../etc" must stay inside the workspace (no "..")',
    );
  });
});
