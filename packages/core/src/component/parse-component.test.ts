import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../definition/diagnostics.js';
import { parseComponentDefinition } from './parse-component.js';

const base = 'name: library/git-clone\nversion: 1.0.0\nimage: containerops/git-clone:1.0.0\n';

/** `severity code path` of every diagnostic, for compact expectations. */
const problems = (source: string) =>
  parseComponentDefinition(source).diagnostics.map(
    (d) => `${d.severity} ${d.code}${d.path === undefined ? '' : ` ${d.path}`}`,
  );

describe('parseComponentDefinition', () => {
  it('reads a complete definition', () => {
    const source = `${base}description: Clones a git repository into the workspace
inputs:
  - key: repo
    description: URL or path of the repository
    required: true
  - key: depth
    default: 1
  - key: token
    secret: true
  - dir
outputs:
  - key: COMMIT
    description: the commit checked out
  - DIR
resources: { cpu: 500m, memory: 256Mi, memoryLimit: 1Gi }
timeout: 10m
readme: README.md
`;
    const result = parseComponentDefinition(source, { fileName: 'component.yaml' });
    expect(result.diagnostics).toEqual([]);
    expect(result.component).toEqual({
      name: 'library/git-clone',
      namespace: 'library',
      shortName: 'git-clone',
      version: '1.0.0',
      description: 'Clones a git repository into the workspace',
      image: 'containerops/git-clone:1.0.0',
      inputs: [
        {
          key: 'repo',
          description: 'URL or path of the repository',
          required: true,
          secret: false,
        },
        { key: 'depth', required: false, default: '1', secret: false },
        { key: 'token', required: false, secret: true },
        { key: 'dir', required: false, secret: false },
      ],
      outputs: [{ key: 'COMMIT', description: 'the commit checked out' }, { key: 'DIR' }],
      resources: { cpuMillis: 500, memoryBytes: 256 * 2 ** 20, memoryLimitBytes: 2 ** 30 },
      timeoutMs: 600_000,
      readme: 'README.md',
    });
    expect(result.sourceMap.get('inputs[1].default')).toEqual({ line: 10, col: 14 });
  });

  it('keeps defaults as written and accepts empty lists', () => {
    const result = parseComponentDefinition(
      `${base}inputs:\n  - { key: v, default: 1.10 }\n  - { key: on, default: true }\noutputs: []\n`,
    );
    expect(result.component?.inputs.map((i) => i.default)).toEqual(['1.10', 'true']);
    expect(result.component?.outputs).toEqual([]);
  });

  it('requires name, version and image, reported at once', () => {
    expect(problems('description: nothing else\n')).toEqual([
      'error missing-field name',
      'error missing-field version',
      'error missing-field image',
    ]);
    expect(parseComponentDefinition('description: x\n').component).toBeUndefined();
  });

  it('checks the name, the semantic version and the image reference', () => {
    const result = parseComponentDefinition('name: Library/x/y\nversion: 1.0\nimage: Acme/X y\n');
    expect(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toEqual([
      expect.stringMatching(/^1:7 invalid-value component name "Library\/x\/y" must be/),
      '2:10 invalid-value version "1.0" is not a semantic version MAJOR.MINOR.PATCH; did you mean "1.0.0"?',
      expect.stringMatching(/^3:8 invalid-value image "Acme\/X y" is not a valid image reference/),
    ]);
    expect(
      problems('name: acme/x\nversion: 2.1.0-rc.1+build.5\nimage: 127.0.0.1:5000/acme/x:2.1.0\n'),
    ).toEqual([]);
  });

  it('warns about an untagged image', () => {
    expect(problems('name: acme/x\nversion: 1.0.0\nimage: acme/x\n')).toEqual([
      'warning invalid-value image',
    ]);
  });

  it('reports input problems: duplicates, env-name clashes, reserved names, bad keys', () => {
    const source = `${base}inputs:
  - key: max-findings
  - key: max_findings
  - key: data
  - key: 9lives
  - key: repo
  - key: repo
  - { description: no key }
  - [nested]
`;
    expect(problems(source)).toEqual([
      'error duplicate-name inputs[1].key',
      'error invalid-value inputs[2].key',
      'error invalid-value inputs[3].key',
      'error duplicate-name inputs[5].key',
      'error missing-field inputs[6]',
      'error wrong-type inputs[7]',
    ]);
  });

  it('refuses a default on a secret input and warns about one on a required input', () => {
    const source = `${base}inputs:
  - { key: token, secret: true, default: s3cr3t }
  - { key: repo, required: true, default: x }
`;
    expect(problems(source)).toEqual([
      'error secret-in-file inputs[0].default',
      'warning invalid-value inputs[1].default',
    ]);
  });

  it('type-checks every field and warns about unknown ones with a suggestion', () => {
    const source = `${base}inputs: { repo: x }
outputs:
  - key: X
    descripton: typo
resources: { cpu: lots }
timeout: forever
readme: ../escape.md
input: []
`;
    const result = parseComponentDefinition(source);
    expect(result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path ?? ''}`)).toEqual([
      'error wrong-type inputs',
      'warning unknown-field outputs[0].descripton',
      'error invalid-quantity resources.cpu',
      'error invalid-duration timeout',
      'error invalid-value readme',
      'warning unknown-field input',
    ]);
    expect(result.diagnostics.at(-1)?.message).toContain('did you mean "inputs"?');
  });

  it('reports YAML syntax errors and non-map documents with positions', () => {
    const broken = parseComponentDefinition(`${base}inputs: [a\n`);
    expect(broken.diagnostics[0]?.code).toBe('yaml-syntax');
    expect(broken.component).toBeUndefined();
    const duplicate = parseComponentDefinition(`${base}version: 2.0.0\n`);
    expect(duplicate.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`)).toContain(
      '4:1 duplicate key "version": keys of a map must be unique',
    );
    expect(problems('- a\n- b\n')).toEqual(['error wrong-type']);
    const empty = parseComponentDefinition('', { fileName: 'x/component.yaml' });
    expect(empty.diagnostics.map((d) => formatDiagnostic('x/component.yaml', d))).toEqual([
      'x/component.yaml:1:1: error missing-field: x/component.yaml is empty: it needs at least "name", "version" and "image"',
    ]);
  });

  it('keeps the definition when there are only warnings', () => {
    const result = parseComponentDefinition(`${base}colour: blue\n`);
    expect(result.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(result.component?.name).toBe('library/git-clone');
  });
});
