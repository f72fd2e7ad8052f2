import { describe, expect, it } from 'vitest';
import { MemoryIo } from '../../test/memory-io.js';
import { validateCommand } from '../commands/validate.js';

function workflow(hooks: string): string {
  return `uri: acme/demo/ci
stages:
  - type: normal
    name: build
    actions:
      - name: compile
        jobs:
          - name: j
            command: 'true'
${hooks}`;
}

async function validate(files: Record<string, string>): Promise<{ code: number; out: string }> {
  const io = new MemoryIo({ files });
  const code = await validateCommand.run(['repo/wf.yaml'], io);
  return { code, out: io.stdout.text };
}

describe('validate with Lua hooks', () => {
  it('accepts valid inline hooks and hook files', async () => {
    const r = await validate({
      '/w/repo/wf.yaml': workflow(
        `            pre: "input.x = 'y'"\n            post: ci/post.lua\n`,
      ),
      '/w/repo/ci/post.lua': 'if outputs.x then log(outputs.x) end\n',
    });
    expect(r.out).toBe('valid: 1 file checked, no problems\n');
    expect(r.code).toBe(0);
  });

  it('reports an inline error at its column on the key line', async () => {
    const r = await validate({ '/w/repo/wf.yaml': workflow(`            post: x = 1 + * 2\n`) });
    expect(r.out).toContain(
      "repo/wf.yaml:10:27: error lua-syntax: post hook: unexpected symbol near '*'\n",
    );
    expect(r.code).toBe(1);
  });

  it('reports an error in a hook file at the hook, naming the file line and column', async () => {
    const r = await validate({
      '/w/repo/wf.yaml': workflow(`            post: ci/post.lua\n`),
      '/w/repo/ci/post.lua': 'local a = 1\nif a then log(a)\n',
    });
    expect(r.out).toContain(
      "repo/wf.yaml:10:19: error lua-syntax: post hook ci/post.lua: 3:1: 'end' expected (to close 'if' at line 2) near <eof>\n",
    );
    expect(r.code).toBe(1);
  });

  it('reports a missing hook file and a path that leaves the repository', async () => {
    const r = await validate({
      '/w/repo/wf.yaml': workflow(`            pre: ci/missing.lua\n`),
    });
    expect(r.out).toContain(
      'repo/wf.yaml:10:18: error lua-syntax: pre hook ci/missing.lua: no such file\n',
    );
    const escape = await validate({ '/w/repo/wf.yaml': workflow(`            pre: ../x.lua\n`) });
    expect(escape.out).toContain(
      'repo/wf.yaml:10:18: error lua-syntax: pre hook: hook script path "../x.lua" must be relative to the repository root and must not contain ".."\n',
    );
  });
});
