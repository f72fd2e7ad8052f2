import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { addAction, addStage } from '../workflow/graph-edit.js';
import type { StageNode } from '../workflow/graph-model.js';
import { createEditor } from './editor.js';

const YAML = `uri: a/b/c # the id
stages:
  - name: build
    actions:
      - name: compile
        jobs:
          - name: go
            endpoint: x/go:1
`;

describe('editor store', () => {
  it('writes graph edits to the YAML, keeping comments', () => {
    const editor = createEditor(YAML);
    editor.edit((g) => addAction(addStage(g, { name: 'test' }), 'unit'));
    expect(editor.yaml.value).toContain('# the id');
    const data = parse(editor.yaml.value) as { stages: { name: string }[] };
    expect(data.stages.map((s) => s.name)).toEqual(['build', 'test']);
  });

  it('re-reads the graph from valid YAML and keeps the selection by path', () => {
    const editor = createEditor(YAML);
    const job = (editor.graph.value.stages.items[0] as StageNode).actions.items[0]?.jobs.items[0];
    editor.selectedId.value = job?.id ?? null;
    expect(editor.setYaml(YAML.replace('x/go:1', 'x/go:2'))).toBe(true);
    const again = (editor.graph.value.stages.items[0] as StageNode).actions.items[0]?.jobs.items[0];
    expect(again?.fields['endpoint']).toBe('x/go:2');
    expect(editor.selectedId.value).toBe(again?.id);
  });

  it('keeps the last good graph while the YAML does not parse', () => {
    const editor = createEditor(YAML);
    expect(editor.setYaml('stages: [')).toBe(false);
    expect(editor.problems.value.length).toBeGreaterThan(0);
    expect(editor.graph.value.stages.items).toHaveLength(1);
  });

  it('puts diagnostics on the nodes their paths point to', () => {
    const editor = createEditor(YAML);
    editor.diagnostics.value = [
      {
        severity: 'ERROR',
        code: 'wrong-type',
        message: 'x',
        line: 8,
        col: 13,
        path: 'stages[0].actions[0].jobs[0].timeout',
      },
      {
        severity: 'WARNING',
        code: 'unknown-field',
        message: 'y',
        line: 3,
        col: 5,
        path: 'stages[0].foo',
      },
    ];
    const stage = editor.graph.value.stages.items[0] as StageNode;
    const job = stage.actions.items[0]?.jobs.items[0];
    expect(editor.problemsByNode.value.get(job?.id ?? '')).toBe('ERROR');
    expect(editor.problemsByNode.value.get(stage.id)).toBe('WARNING');
  });
});
