import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { graphToData, graphToYaml } from './graph-to-yaml.js';
import { parseWorkflowGraph } from './yaml-to-graph.js';

// The fixtures are read from disk as data; web/ imports nothing from the repo's packages.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const scenarioDir = join(root, 'packages', 'core', 'test', 'scenarios');
const examplesDir = join(root, 'examples');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

const files = [...yamlFiles(scenarioDir), ...yamlFiles(examplesDir)];

describe('workflow YAML → graph → YAML', () => {
  it('finds the fixtures (scenarios and examples)', () => {
    expect(yamlFiles(scenarioDir).length).toBeGreaterThanOrEqual(50);
    expect(yamlFiles(examplesDir).length).toBeGreaterThanOrEqual(2);
  });

  describe.each(files.map((f) => [f.slice(root.length + 1), f]))('%s', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const original: unknown = parse(text, { maxAliasCount: -1 });

    it('is lossless without the original document (fresh YAML)', () => {
      const result = parseWorkflowGraph(text);
      if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('; '));
      expect(graphToData(result.graph)).toEqual(original);
      expect(parse(graphToYaml(result.graph))).toEqual(original);
    });

    it('is lossless when patching the original document, and keeps its comments', () => {
      const result = parseWorkflowGraph(text);
      if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('; '));
      const written = graphToYaml(result.graph, result.doc);
      expect(parse(written)).toEqual(original);
      const comments = text.split('\n').filter((l) => /^\s*#/.test(l));
      for (const comment of comments) expect(written).toContain(comment.trim());
    });
  });
});
