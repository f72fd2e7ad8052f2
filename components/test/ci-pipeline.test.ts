/** examples/ci-pipeline.yaml, run through the engine on Docker exactly as the example README says. */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { runOnDocker } from '../test-support/run-on-docker.js';
import '../test-support/provided.js';

const images = inject('componentImages');
const pipeline = readFileSync(new URL('../../examples/ci-pipeline.yaml', import.meta.url), 'utf8');

describe.skipIf(!images.ready)('examples/ci-pipeline.yaml on Docker', () => {
  it('clones, lints and tests in parallel, then packages, passing outputs along', async () => {
    const result = await runOnDocker(pipeline);
    expect(result.run.status).toBe('succeeded');
    const commit = result.job('checkout.clone.git-clone').outputs['COMMIT'] ?? '';
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(result.job('verify.lint.shellcheck').outputs).toMatchObject({
      FINDINGS: '0',
      FILES: '1',
    });
    expect(result.job('verify.test.node-test').outputs).toMatchObject({ PASSED: '2', FAILED: '0' });
    const tarball = result.job('release.package.tarball').outputs;
    expect(tarball['ARTIFACT']).toBe('artifacts/greeter.tar.gz');
    expect(result.log('release.package.summary')).toEqual([
      `commit ${commit.slice(0, 12)}: 2 tests passed, 0 failed`,
      'shellcheck: 0 findings in 1 files',
      `artifact: artifacts/greeter.tar.gz (${tarball['SIZE'] ?? ''} bytes, sha256 ${tarball['SHA256'] ?? ''})`,
      'artifacts/greeter.tar.gz: OK',
    ]);
  });
});
