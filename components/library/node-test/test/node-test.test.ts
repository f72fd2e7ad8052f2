import { describe, expect, inject, it } from 'vitest';
import { runOnDocker, workflowOf } from '../../../test-support/run-on-docker.js';
import '../../../test-support/provided.js';

const images = inject('componentImages');

/** A job writing a Node package at `dir` whose `node --test` suite has the given extra test. */
function writePackage(dir: string, extra: string): string {
  return `
- name: write-${dir}
  endpoint: containerops/shell:1.0.0
  inputs:
    script: |
      mkdir -p ${dir}/test
      cat > ${dir}/package.json <<'JSON'
      { "name": "${dir}", "version": "1.0.0", "private": true, "scripts": { "test": "node --test", "lint": "exit 0" } }
      JSON
      cat > ${dir}/test/math.test.js <<'JS'
      const test = require('node:test');
      const assert = require('node:assert');
      test('adds', () => assert.equal(1 + 1, 2));
      test('later', { skip: 'not yet' }, () => {});
      test.describe('group', () => { test.it('nested', () => assert.ok(true)); });
      ${extra}
      JS`;
}

function nodeTest(name: string, inputs: string): string {
  return `
- name: ${name}
  endpoint: containerops/node-test:1.0.0
  inputs: ${inputs}
  outputs: [PASSED, FAILED, SKIPPED, TESTS]`;
}

describe.skipIf(!images.ready)('library/node-test on Docker', () => {
  it("runs npm test and reports the counts of Node's test runner", async () => {
    const result = await runOnDocker(
      workflowOf('library/node-test/test', {
        prepare: writePackage('app', "test('todo', { todo: true }, () => {});"),
        test: [
          nodeTest('unit', '{ dir: app }'),
          nodeTest('lint', '{ dir: app, script: lint }'),
        ].join(''),
      }),
    );
    expect(result.run.status).toBe('succeeded');
    expect(result.job('test.test.unit').outputs).toEqual({
      PASSED: '2',
      FAILED: '0',
      SKIPPED: '2',
      TESTS: '4',
    });
    const log = result.log('test.test.unit');
    expect(log).toContainEqual(expect.stringMatching(/^node v18\.\d+\.\d+, npm \d+/));
    expect(log).toContain('# pass 2');
    expect(log).toContain('2 passed, 0 failed, 2 skipped');
    // A script that is not Node's runner still runs; its counts read as 0, and the log says why.
    expect(result.job('test.test.lint').outputs).toMatchObject({ PASSED: '0', TESTS: '0' });
    expect(result.log('test.test.lint')).toContain(
      "note: no summary of Node's test runner found in the output: counts are 0",
    );
  });

  it('fails when a test fails, after reporting the counts', async () => {
    const result = await runOnDocker(
      workflowOf('library/node-test/fail', {
        prepare: writePackage('broken', "test('breaks', () => assert.equal(1 + 1, 3));"),
        test: nodeTest('unit', '{ dir: broken }'),
      }),
    );
    expect(result.run.status).toBe('failed');
    expect(result.job('test.test.unit')).toMatchObject({ status: 'failed', exitCode: 1 });
    const log = result.log('test.test.unit');
    expect(log).toContain('[COUT] PASSED = 2');
    expect(log).toContain('[COUT] FAILED = 1');
    expect(log).toContain('[COUT] CO_RESULT = false');
    expect(log).toContainEqual(
      expect.stringMatching(/^node-test: error: npm run test exited with code 1 \(1 failed\)$/),
    );
  });

  it('refuses a directory without package.json', async () => {
    const result = await runOnDocker(
      workflowOf('library/node-test/missing', { test: nodeTest('unit', '{ dir: nowhere }') }),
    );
    expect(result.job('test.test.unit').status).toBe('failed');
    expect(result.log('test.test.unit')).toContain(
      'node-test: error: no package.json in "nowhere"',
    );
  });
});
