import { describe, expect, inject, it } from 'vitest';
import { runOnDocker, workflowOf } from '../../../test-support/run-on-docker.js';
import '../../../test-support/provided.js';

const images = inject('componentImages');

function pack(name: string, inputs: string): string {
  return `
- name: ${name}
  endpoint: containerops/package:1.0.0
  inputs: ${inputs}
  outputs: [ARTIFACT, SHA256, SIZE, FILES]`;
}

describe.skipIf(!images.ready)('library/package on Docker', () => {
  it('packs a directory reproducibly and reports path, SHA-256 and size', async () => {
    const result = await runOnDocker(
      workflowOf('library/package/test', {
        prepare: `
- name: files
  endpoint: containerops/shell:1.0.0
  inputs:
    script: |
      mkdir -p app/lib app/node_modules/dep app/.git
      echo 'console.log(1)' > app/index.js
      echo 'module.exports = 2' > app/lib/two.js
      echo dep > app/node_modules/dep/index.js
      echo ref > app/.git/HEAD`,
        first: pack('first', '{ dir: app }'),
        // New mtimes, same content: a reproducible archive does not change.
        touch: `
- name: touch
  endpoint: containerops/shell:1.0.0
  inputs: { script: "sleep 1 && touch app/index.js app/lib/two.js app/lib" }`,
        second: pack('second', '{ dir: app/, name: again.tar.gz, output-dir: out/dist }'),
        check: `
- name: verify
  endpoint: containerops/shell:1.0.0
  inputs:
    script: |
      echo "$SHA  $ARTIFACT" | sha256sum -c -
      tar -tzf "$ARTIFACT" | sort
  subscriptions:
    - first.first.first[ARTIFACT]: ARTIFACT
    - first.first.first[SHA256]: SHA`,
      }),
    );
    expect(result.run.status).toBe('succeeded');
    const first = result.job('first.first.first').outputs;
    expect(first).toEqual({
      ARTIFACT: 'artifacts/app.tar.gz',
      SHA256: expect.stringMatching(/^[0-9a-f]{64}$/),
      SIZE: expect.stringMatching(/^\d+$/),
      FILES: '2',
    });
    const second = result.job('second.second.second').outputs;
    expect(second['ARTIFACT']).toBe('out/dist/again.tar.gz');
    expect(second['SHA256']).toBe(first['SHA256']);
    expect(result.log('check.check.verify')).toEqual([
      'artifacts/app.tar.gz: OK',
      './app/',
      './app/index.js',
      './app/lib/',
      './app/lib/two.js',
    ]);
  });

  it('does not pack its own artifact, and fails on a missing directory', async () => {
    const result = await runOnDocker(
      workflowOf('library/package/self', {
        prepare: `
- name: files
  endpoint: containerops/shell:1.0.0
  inputs: { script: "mkdir -p site && echo hi > site/index.html" }`,
        pack: pack('inside', '{ dir: site, output-dir: site/dist }'),
      }),
    );
    expect(result.job('pack.pack.inside').outputs).toMatchObject({
      ARTIFACT: 'site/dist/site.tar.gz',
      FILES: '1',
    });
    const missing = await runOnDocker(
      workflowOf('library/package/missing', { pack: pack('nothing', '{ dir: nowhere }') }),
    );
    expect(missing.job('pack.pack.nothing')).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(missing.log('pack.pack.nothing')).toContain(
      'package: error: directory "nowhere" does not exist in the workspace',
    );
  });
});
