import { describe, expect, inject, it } from 'vitest';
import { runOnDocker, workflowOf } from '../../../test-support/run-on-docker.js';
import '../../../test-support/provided.js';

const images = inject('componentImages');

/**
 * Scripts with known findings: dirty.sh has SC2164 (warning) and SC2086 (info), bin/tool (no
 * extension, bash shebang) has SC2034 (warning); clean.sh none; node_modules is never searched.
 */
const prepare = `
- name: scripts
  endpoint: containerops/shell:1.0.0
  inputs:
    script: |
      mkdir -p proj/bin proj/node_modules/dep
      printf '#!/bin/sh\\necho "clean"\\n' > proj/clean.sh
      printf '#!/bin/sh\\ncd /tmp\\necho $1\\n' > proj/dirty.sh
      printf '#!/usr/bin/env bash\\nx=1\\n' > proj/bin/tool
      printf 'not a script\\n' > proj/notes.txt
      printf 'echo $1\\n' > proj/node_modules/dep/ignored.sh`;

function lint(name: string, inputs: string): string {
  return `
- name: ${name}
  endpoint: containerops/shellcheck:1.0.0
  inputs: ${inputs}
  outputs: [FINDINGS, FILES]`;
}

describe.skipIf(!images.ready)('library/shellcheck on Docker', () => {
  it('counts findings and passes within max-findings', async () => {
    const result = await runOnDocker(
      workflowOf('library/shellcheck/test', {
        prepare,
        lint: [
          lint('style', '{ path: proj, max-findings: 3 }'),
          lint('warning', '{ path: proj, max-findings: 2, severity: warning }'),
          lint('excluded', '{ path: proj/dirty.sh, exclude: "SC2164,SC2086" }'),
        ].join(''),
      }),
    );
    expect(result.run.status).toBe('succeeded');
    expect(result.job('lint.lint.style').outputs).toEqual({ FINDINGS: '3', FILES: '3' });
    expect(result.job('lint.lint.warning').outputs).toEqual({ FINDINGS: '2', FILES: '3' });
    expect(result.job('lint.lint.excluded').outputs).toEqual({ FINDINGS: '0', FILES: '1' });
    const log = result.log('lint.lint.style');
    expect(log).toContainEqual(
      expect.stringMatching(/^proj\/dirty\.sh:2:1: warning: .*\[SC2164\]$/),
    );
    expect(log).toContainEqual(
      expect.stringMatching(/^proj\/bin\/tool:2:1: warning: .*\[SC2034\]$/),
    );
    expect(log).toContain('3 finding(s), within the 3 allowed');
  });

  it('fails above max-findings, after reporting the count', async () => {
    const result = await runOnDocker(
      workflowOf('library/shellcheck/fail', { prepare, lint: lint('strict', '{ path: proj }') }),
    );
    expect(result.run.status).toBe('failed');
    const job = result.job('lint.lint.strict');
    expect(job).toMatchObject({ status: 'failed', exitCode: 1 });
    const log = result.log('lint.lint.strict');
    expect(log).toContain('[COUT] FINDINGS = 3');
    expect(log).toContain('[COUT] CO_RESULT = false');
    expect(log).toContain(
      'shellcheck: error: 3 finding(s), more than the 0 allowed (max-findings)',
    );
  });
});
