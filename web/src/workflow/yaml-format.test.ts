import { describe, expect, it } from 'vitest';
import { createEditor } from '../stores/editor.js';
import { addStage } from './graph-edit.js';

/** Lines of `after` that are not in `before` (what "Diff with saved" would show as changed). */
function changedLines(before: string, after: string): string[] {
  const old = new Set(before.split('\n'));
  return after.split('\n').filter((l) => !old.has(l));
}

describe("a graph edit keeps the user's YAML layout", () => {
  it('keeps flow collections unpadded: `outputs: [RESULT]` stays as written', () => {
    const text = `uri: a/b/c
stages:
  - { type: start, name: start }
  - name: build
    actions:
      - name: main
        jobs:
          - name: hello
            endpoint: x/y:1
            outputs: [RESULT]
            environments: [{CO_DATA: 'a=b'}]
  - { type: end, name: end }
`;
    const editor = createEditor(text);
    editor.edit((g) => addStage(g, { name: 'more' }));
    // Only the new stage's lines are new: nothing the user wrote was reformatted.
    expect(changedLines(text, editor.yaml.value)).toEqual([
      '  - type: normal',
      '    name: more',
      '    actions: []',
    ]);
  });

  it('keeps padded flow collections padded', () => {
    const text = 'uri: a/b/c\nstages:\n  - { type: start, name: start }\n';
    const editor = createEditor(text);
    editor.edit((g) => addStage(g, { name: 'more' }));
    expect(editor.yaml.value).toContain('  - { type: start, name: start }\n');
  });

  it('keeps 4-space indentation and unindented sequences', () => {
    const text = `uri: a/b/c
stages:
- name: build
  actions:
  - name: main
    jobs:
    - name: hello
      endpoint: x/y:1
      resources:
          cpu: 1
`;
    const four = text.replace('      resources:\n          cpu: 1\n', '');
    const editor = createEditor(four);
    editor.edit((g) => addStage(g, { name: 'more' }));
    expect(changedLines(four, editor.yaml.value)).toEqual([
      '- type: normal',
      '  name: more',
      '  actions: []',
    ]);
    const nested = 'uri: a/b/c\nmetadata:\n    owner: me\nstages:\n    - name: build\n';
    const other = createEditor(nested);
    other.edit((g) => addStage(g, { name: 'more' }));
    expect(changedLines(nested, other.yaml.value)).toEqual([
      '    - type: normal',
      '      name: more',
      '      actions: []',
    ]);
  });
});
