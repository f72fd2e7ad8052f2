import { describe, expect, it } from 'vitest';
import type { TreeStage } from './flow-tree.js';
import { dragCurve, layoutColumns, linkCurve } from './graph-columns.js';
import type { ColumnBox } from './graph-columns.js';
import { neighbour } from './graph-draw.js';

function stage(
  name: string,
  parallel: boolean,
  actions: [string, string[]][],
  type: TreeStage['type'] = 'normal',
): TreeStage {
  return {
    id: name,
    name,
    type,
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

const overlap = (a: ColumnBox, b: ColumnBox): boolean =>
  a.node.x < b.node.x + b.width &&
  b.node.x < a.node.x + a.width &&
  a.node.y < b.node.y + b.height &&
  b.node.y < a.node.y + a.height;
const inside = (inner: ColumnBox, outer: ColumnBox): boolean =>
  inner.node.x >= outer.node.x &&
  inner.node.y >= outer.node.y &&
  inner.node.x + inner.width <= outer.node.x + outer.width &&
  inner.node.y + inner.height <= outer.node.y + outer.height;

const workflow = [
  stage('start', false, [], 'start'),
  stage('build', false, [
    ['compile', ['go', 'vet']],
    ['package', ['tar']],
  ]),
  stage('test', true, [
    ['unit', ['a', 'b', 'c']],
    ['lint', ['l']],
  ]),
  stage('approve', false, [], 'pause'),
  stage('end', false, [], 'end'),
];

describe('layoutColumns', () => {
  const layout = layoutColumns(workflow);
  const box = (id: string): ColumnBox => {
    const b = layout.boxes.find((x) => x.node.id === id);
    if (!b) throw new Error(`no box ${id}`);
    return b;
  };

  it('puts stages in columns left to right, start and end as slim markers', () => {
    const stages = layout.boxes.filter((b) => b.node.kind === 'stage');
    expect(stages.map((b) => b.node.id)).toEqual(['start', 'build', 'test', 'approve', 'end']);
    for (let i = 1; i < stages.length; i++) {
      expect(stages[i]!.node.x).toBeGreaterThan(stages[i - 1]!.node.x + stages[i - 1]!.width);
    }
    expect(box('start').marker && box('end').marker).toBe(true);
    expect(box('start').width).toBeLessThan(box('build').width / 2);
  });

  it('stacks parallel actions and chains sequential ones', () => {
    expect(box('test.unit').node.x).toBe(box('test.lint').node.x);
    expect(box('test.lint').node.y).toBeGreaterThan(box('test.unit').node.y);
    expect(box('build.package').node.x).toBeGreaterThan(
      box('build.compile').node.x + box('build.compile').width,
    );
    expect(box('build.package').node.y).toBe(box('build.compile').node.y);
  });

  it('draws every job inside its action and every action inside its stage, none overlapping', () => {
    for (const b of layout.boxes) {
      if (b.node.kind === 'job')
        expect(inside(b, box(b.node.id.split('.').slice(0, 2).join('.')))).toBe(true);
      if (b.node.kind === 'action') expect(inside(b, box(b.node.stage.id))).toBe(true);
    }
    for (const kind of ['stage', 'action', 'job'] as const) {
      const same = layout.boxes.filter((b) => b.node.kind === kind);
      for (let i = 0; i < same.length; i++) {
        for (let j = i + 1; j < same.length; j++) expect(overlap(same[i]!, same[j]!)).toBe(false);
      }
    }
    expect(layout.width).toBeGreaterThanOrEqual(box('end').node.x + box('end').width);
    expect(layout.height).toBeGreaterThanOrEqual(box('test').height);
  });

  it('moves keyboard focus along the run order', () => {
    expect(neighbour(layout.nav, 'build.compile.go', 'ArrowRight')).toBe('build.compile.vet');
    expect(neighbour(layout.nav, 'build.compile.vet', 'ArrowRight')).toBe('build.package');
    expect(neighbour(layout.nav, 'test', 'ArrowLeft')).toBe('build.package.tar');
  });

  it('draws data links and a link being dragged from the right edge of the job', () => {
    const go = box('build.compile.go');
    const start = `M${go.node.x + go.width} ${go.node.y + go.height / 2}C`;
    const a = box('test.unit.a');
    expect(linkCurve(go, a).startsWith(start)).toBe(true);
    expect(linkCurve(go, a).endsWith(` ${a.node.x} ${a.node.y + a.height / 2}`)).toBe(true);
    expect(dragCurve(go, { x: 400, y: 120 }).startsWith(start)).toBe(true);
    expect(dragCurve(go, { x: 400, y: 120 }).endsWith(' 400 120')).toBe(true);
  });

  it('lays out 500 jobs at full size', () => {
    const jobs = Array.from({ length: 50 }, (_, i) => `j${i}`);
    const actions = Array.from({ length: 10 }, (_, i): [string, string[]] => [`a${i}`, jobs]);
    const big = layoutColumns([stage('big', true, actions)]);
    expect(big.boxes.filter((b) => b.node.kind === 'job')).toHaveLength(500);
  });
});
