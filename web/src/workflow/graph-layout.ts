/**
 * Positions for drawing a {@link TreeStage} list: stages left to right; inside a stage one row
 * per action, jobs of an action left to right. Parallel actions start side by side (same column,
 * all fed by the stage); sequential actions form a staircase (each starts after the previous
 * one ends), so the difference is visible at a glance.
 */
import type { TreeAction, TreeJob, TreeStage } from './flow-tree.js';

export const COLUMN_WIDTH = 200;
export const ROW_HEIGHT = 76;
const STAGE_GAP = 60;

export type LayoutNode =
  | {
      readonly kind: 'stage';
      readonly id: string;
      readonly x: number;
      readonly y: number;
      readonly stage: TreeStage;
    }
  | {
      readonly kind: 'action';
      readonly id: string;
      readonly x: number;
      readonly y: number;
      readonly action: TreeAction;
      readonly stage: TreeStage;
    }
  | {
      readonly kind: 'job';
      readonly id: string;
      readonly x: number;
      readonly y: number;
      readonly job: TreeJob;
      readonly stage: TreeStage;
    };

export interface LayoutEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
}

export interface Layout {
  readonly nodes: LayoutNode[];
  readonly edges: LayoutEdge[];
  readonly width: number;
  readonly height: number;
}

export function layoutTree(stages: readonly TreeStage[]): Layout {
  const nodes: LayoutNode[] = [];
  const edges: LayoutEdge[] = [];
  const edge = (source: string, target: string): void => {
    edges.push({ id: `e:${source}->${target}`, source, target });
  };
  let x = 0;
  let height = ROW_HEIGHT;
  let previousEnds: string[] = [];

  for (const stage of stages) {
    nodes.push({ kind: 'stage', id: stage.id, x, y: 0, stage });
    for (const end of previousEnds) edge(end, stage.id);
    let column = 0;
    let widest = 1;
    let ends: string[] = [stage.id];
    let sequenceTail = stage.id;
    stage.actions.forEach((action, row) => {
      const y = ROW_HEIGHT * (row + 1);
      const startColumn = stage.parallel ? 0 : column;
      nodes.push({
        kind: 'action',
        id: action.id,
        x: x + startColumn * COLUMN_WIDTH,
        y,
        action,
        stage,
      });
      edge(stage.parallel ? stage.id : sequenceTail, action.id);
      let last = action.id;
      action.jobs.forEach((job, j) => {
        nodes.push({
          kind: 'job',
          id: job.id,
          x: x + (startColumn + j + 1) * COLUMN_WIDTH,
          y,
          job,
          stage,
        });
        edge(last, job.id);
        last = job.id;
      });
      const used = startColumn + action.jobs.length + 1;
      widest = Math.max(widest, used);
      column = used;
      sequenceTail = last;
      height = Math.max(height, y + ROW_HEIGHT);
      if (stage.parallel) ends = row === 0 ? [last] : [...ends, last];
      else ends = [last];
    });
    previousEnds = ends;
    x += widest * COLUMN_WIDTH + STAGE_GAP;
  }
  return { nodes, edges, width: x, height };
}
