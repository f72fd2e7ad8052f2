/**
 * Static checks of every library component (no Docker needed): its component.yaml is clean, names
 * and images follow the library's conventions, the script reads every declared input and reports
 * every declared output, and every script sources the shared contract helpers (components/base/contract.sh).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseComponentDefinition } from '@containerops/core';

const library = fileURLToPath(new URL('../library/', import.meta.url));
const names = readdirSync(library, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function read(name: string, file: string): string {
  return readFileSync(join(library, name, file), 'utf8');
}

describe('library components', () => {
  it('are the five documented ones', () => {
    expect(names).toEqual(['git-clone', 'node-test', 'package', 'shell', 'shellcheck']);
  });

  describe.each(names)('library/%s', (name) => {
    const script = read(name, `co-${name}.sh`);

    it('has a clean component.yaml following the library conventions', () => {
      const { component, diagnostics } = parseComponentDefinition(read(name, 'component.yaml'));
      expect(diagnostics).toEqual([]);
      expect(component).toMatchObject({ name: `library/${name}`, readme: 'README.md' });
      expect(component?.image).toBe(`containerops/${name}:${component?.version ?? ''}`);
      expect(existsSync(join(library, name, 'README.md'))).toBe(true);
      expect(read(name, 'Dockerfile')).toMatch(/^FROM containerops\/component-base:latest$/m);
      expect(read(name, '.dockerignore').split('\n')).toContain('test/');
    });

    it('reads every declared input and reports every declared output', () => {
      const { component } = parseComponentDefinition(read(name, 'component.yaml'));
      for (const input of component?.inputs ?? []) {
        expect(script, `input ${input.key}`).toMatch(new RegExp(`\\binput ${input.key}\\b`));
      }
      for (const output of component?.outputs ?? []) {
        expect(script, `output ${output.key}`).toMatch(new RegExp(`\\boutput ${output.key} `));
      }
    });

    it('sources the shared contract helpers of the component base image instead of copying them', () => {
      expect(script).toMatch(/^source \/usr\/local\/lib\/containerops\/contract\.sh$/m);
      expect(script).not.toMatch(/^(input|output|fail|in_workspace)\(\)/m);
    });
  });
});
