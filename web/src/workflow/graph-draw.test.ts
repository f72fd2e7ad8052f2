import { describe, expect, it } from 'vitest';
import { treeFromGraph } from './flow-tree.js';
import type { TreeStage } from './flow-tree.js';
import { layoutColumns } from './graph-columns.js';
import type { LayoutNode } from './graph-columns.js';
import { describeNode, neighbour } from './graph-draw.js';
import { parseWorkflowGraph } from './yaml-to-graph.js';

const stages: TreeStage[] = [
  {
    id: 'build',
    name: 'build',
    type: 'normal',
    parallel: true,
    status: 'SUCCEEDED',
    durationMs: 65_000,
    actions: ['a', 'b'].map((a) => ({
      id: `build.${a}`,
      name: a,
      path: `build.${a}`,
      jobs: [
        {
          id: `build.${a}.j`,
          name: 'j',
          path: `build.${a}.j`,
          outputs: [],
          status: 'RUNNING',
          durationMs: 1500,
          attempt: 2,
        },
      ],
    })),
  },
];

describe('graph drawing', () => {
  const layout = layoutColumns(stages).nav;
  const node = (id: string): LayoutNode => {
    const n = layout.nodes.find((x) => x.id === id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  };

  it('labels nodes with mode, live status, duration and retries', () => {
    expect(describeNode(node('build'))).toMatchObject({
      title: 'build',
      sub: '⇉ parallel · 1m 05s',
    });
    expect(describeNode(node('build.a.j'))).toMatchObject({
      kind: 'job',
      sub: 'running · 2s · attempt 2',
      status: 'RUNNING',
    });
  });

  it('moves keyboard focus along the run order and between rows', () => {
    expect(neighbour(layout, 'build', 'ArrowRight')).toBe('build.a');
    expect(neighbour(layout, 'build.a', 'ArrowRight')).toBe('build.a.j');
    expect(neighbour(layout, 'build.a.j', 'ArrowLeft')).toBe('build.a');
    // Up and down walk the column: an action, its job, the next action (stacked: parallel).
    expect(neighbour(layout, 'build.a', 'ArrowDown')).toBe('build.a.j');
    expect(neighbour(layout, 'build.a.j', 'ArrowDown')).toBe('build.b');
    expect(neighbour(layout, 'build.b.j', 'ArrowUp')).toBe('build.b');
    expect(neighbour(layout, 'build', 'ArrowUp')).toBeUndefined();
    expect(neighbour(layout, 'build.b.j', 'ArrowRight')).toBeUndefined();
  });
});

describe('generated action names (original ContainerOps files)', () => {
  it('names a repeated action like the engine and marks it as generated', () => {
    const parsed = parseWorkflowGraph(
      [
        'uri: a/b/c',
        'stages:',
        '  - type: normal',
        '    name: build',
        '    actions:',
        '      - name: compile',
        '        jobs: [{ endpoint: example/one:1 }]',
        '      - name: compile',
        '        jobs: [{ endpoint: example/two:1 }]',
        '      - jobs: [{ endpoint: example/three:1 }]',
      ].join('\n'),
    );
    if (!parsed.ok) throw new Error('the fixture must parse');
    const tree = treeFromGraph(parsed.graph);
    expect(tree[0]?.actions.map((a) => [a.name, a.generated === true])).toEqual([
      ['compile', false],
      ['compile-2', true],
      ['action-3', true],
    ]);
    const labels = layoutColumns(tree)
      .nav.nodes.filter((n) => n.kind === 'action')
      .map((n) => describeNode(n).sub);
    expect(labels).toEqual(['action', 'action · generated name', 'action · generated name']);
  });
});

describe('describeNode for a fan-out job', () => {
  it('shows the counts instead of the duration and carries the bar', () => {
    const fanOut = { total: 30, started: 12, running: 5, passed: 6, failed: 1, skipped: 0 };
    const layout = layoutColumns([
      {
        id: 'test',
        name: 'test',
        type: 'normal',
        parallel: false,
        actions: [
          {
            id: 'test.unit',
            name: 'unit',
            path: 'test.unit',
            jobs: [
              {
                id: 'test.unit.shard',
                name: 'shard',
                path: 'test.unit.shard',
                outputs: [],
                status: 'RUNNING',
                durationMs: 1500,
                fanOut,
              },
            ],
          },
        ],
      },
    ]);
    const node = layout.nav.nodes.find((n) => n.id === 'test.unit.shard');
    if (node === undefined) throw new Error('no node');
    const label = describeNode(node);
    expect(label.sub).toBe('6✓ 1✕ 5◐ /30');
    expect(label.fanOut?.segments.map((s) => [s.part, s.count])).toEqual([
      ['passed', 6],
      ['failed', 1],
      ['running', 5],
      ['rest', 18],
    ]);
  });
});
