import { describe, expect, it } from 'vitest';
import type { TreeStage } from './flow-tree.js';
import { COLUMN_WIDTH, layoutTree } from './graph-layout.js';

function stage(name: string, parallel: boolean, actions: [string, string[]][]): TreeStage {
  return {
    id: name,
    name,
    type: 'normal',
    parallel,
    actions: actions.map(([a, jobs]) => ({
      id: `${name}.${a}`,
      name: a,
      path: `${name}.${a}`,
      jobs: jobs.map((j) => ({
        id: `${name}.${a}.${j}`,
        name: j,
        path: `${name}.${a}.${j}`,
        outputs: [],
      })),
    })),
  };
}

describe('layoutTree', () => {
  it('starts parallel actions in the same column, all fed by the stage', () => {
    const layout = layoutTree([
      stage('test', true, [
        ['unit', ['go']],
        ['lint', ['vet']],
      ]),
    ]);
    const unit = layout.nodes.find((n) => n.id === 'test.unit');
    const lint = layout.nodes.find((n) => n.id === 'test.lint');
    expect(unit?.x).toBe(lint?.x);
    expect(layout.edges.map((e) => e.id)).toEqual(
      expect.arrayContaining(['e:test->test.unit', 'e:test->test.lint']),
    );
  });

  it('chains sequential actions as a staircase', () => {
    const layout = layoutTree([
      stage('build', false, [
        ['a', ['j1', 'j2']],
        ['b', ['j3']],
      ]),
    ]);
    const a = layout.nodes.find((n) => n.id === 'build.a');
    const b = layout.nodes.find((n) => n.id === 'build.b');
    expect((b?.x ?? 0) - (a?.x ?? 0)).toBe(3 * COLUMN_WIDTH);
    expect(layout.edges.map((e) => e.id)).toContain('e:build.a.j2->build.b');
  });

  it('links the ends of a stage to the next stage', () => {
    const layout = layoutTree([
      stage('test', true, [
        ['unit', ['go']],
        ['lint', ['vet']],
      ]),
      stage('end', false, []),
    ]);
    expect(layout.edges.map((e) => e.id)).toEqual(
      expect.arrayContaining(['e:test.unit.go->end', 'e:test.lint.vet->end']),
    );
  });

  it('lays out 500 jobs', () => {
    const jobs = Array.from({ length: 50 }, (_, i) => `j${i}`);
    const actions = Array.from({ length: 10 }, (_, i): [string, string[]] => [`a${i}`, jobs]);
    const layout = layoutTree([stage('big', true, actions)]);
    expect(layout.nodes.filter((n) => n.kind === 'job')).toHaveLength(500);
  });
});
