import { describe, expect, it } from 'vitest';
import { MemoryIo } from '../../test/memory-io.js';
import { validateCommand } from './validate.js';

const valid = `uri: acme/demo/ci
stages:
  - type: normal
    name: build
    actions:
      - name: compile
        jobs:
          - name: hello
            command: echo hi
`;

const withWarning = valid.replace('    name: build\n', '    name: build\n    colour: blue\n');

const invalid = `uri: acme/demo/ci
stages:
  - type: normal
    name: build
    sequencing: sideways
    actions:
      - name: compile
        jobs:
          - name: hello
            command: echo hi
`;

const files = { '/w/ok.yaml': valid, '/w/warn.yaml': withWarning, '/w/bad.yaml': invalid };

describe('containerops validate', () => {
  it('exits 0 for a valid file', async () => {
    const io = new MemoryIo({ files });
    await expect(validateCommand.run(['ok.yaml'], io)).resolves.toBe(0);
    expect(io.stdout.text).toBe('valid: 1 file checked, no problems\n');
  });

  it('prints warnings like a compiler and still exits 0', async () => {
    const io = new MemoryIo({ files });
    await expect(validateCommand.run(['warn.yaml', 'ok.yaml'], io)).resolves.toBe(0);
    expect(io.stdout.text).toMatch(/^warn\.yaml:5:5: warning unknown-field: .*colour/m);
    expect(io.stdout.text).toMatch(/^valid: 2 files checked, 0 errors, 1 warning$/m);
  });

  it('prints errors with file:line:col and exits 1', async () => {
    const io = new MemoryIo({ files });
    await expect(validateCommand.run(['bad.yaml', 'ok.yaml'], io)).resolves.toBe(1);
    expect(io.stdout.text).toMatch(/^bad\.yaml:5:17: error unknown-sequencing: /m);
    expect(io.stdout.text).toMatch(/^invalid: 2 files checked, 1 error, 0 warnings$/m);
  });

  it('counts an unreadable file as an error', async () => {
    const io = new MemoryIo({ files });
    await expect(validateCommand.run(['missing.yaml'], io)).resolves.toBe(1);
    expect(io.stdout.text).toBe(
      'missing.yaml: error: cannot read missing.yaml: no such file\ninvalid: 1 file checked, 1 error, 0 warnings\n',
    );
  });

  it('--json prints one document', async () => {
    const io = new MemoryIo({ files });
    await expect(validateCommand.run(['--json', 'bad.yaml', 'ok.yaml'], io)).resolves.toBe(1);
    const doc = JSON.parse(io.stdout.text) as {
      files: {
        file: string;
        valid: boolean;
        diagnostics: { code: string; line: number; col: number }[];
      }[];
      errors: number;
      warnings: number;
    };
    expect(doc.errors).toBe(1);
    expect(doc.files.map((f) => [f.file, f.valid])).toEqual([
      ['bad.yaml', false],
      ['ok.yaml', true],
    ]);
    expect(doc.files[0]?.diagnostics[0]).toMatchObject({
      code: 'unknown-sequencing',
      line: 5,
      col: 17,
    });
  });

  it('needs at least one file', async () => {
    await expect(validateCommand.run([], new MemoryIo())).rejects.toThrow('no workflow file given');
  });
});

describe('containerops validate: original ContainerOps files (issue 15)', () => {
  it('says that no notifier handles mail receivers, once per type, as a warning', async () => {
    const withMail = valid.replace(
      'stages:\n',
      'receivers:\n  - { type: mail, address: a@example.com }\n  - { type: mail, address: b@example.com }\nstages:\n',
    );
    const io = new MemoryIo({ files: { '/w/mail.yaml': withMail } });
    await expect(validateCommand.run(['mail.yaml'], io)).resolves.toBe(0);
    expect(io.stdout.text).toBe(
      'mail.yaml:3:13: warning unhandled-receiver: no notifier handles "mail" receivers yet: nothing will be sent to them (they are kept in the workflow)\n' +
        'valid: 1 file checked, 0 errors, 1 warning\n',
    );
  });
});
