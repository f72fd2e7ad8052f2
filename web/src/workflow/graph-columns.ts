/**
 * The workflow graph's layout — the same on the run page, the workflow page and in the editor, so
 * what a user draws is what they watch (issue 17). Drawn the way the workflow model is: one column
 * per stage, left to right (start and end as slim markers); a stage's actions inside it, stacked
 * when they run in parallel and chained left to right when they run in sequence; an action's jobs
 * stacked inside it. Boxes never overlap and keep a fixed, readable size: a large run grows the
 * page (which scrolls) instead of shrinking the text. Pure: no DOM, no Vue.
 */
import type { TreeAction, TreeJob, TreeStage } from './flow-tree.js';

export const JOB_WIDTH = 180;
export const JOB_HEIGHT = 46;
const GAP = 8;
const ACTION_PAD = 8;
const ACTION_HEADER = 26;
const ACTION_WIDTH = JOB_WIDTH + ACTION_PAD * 2;
const STAGE_PAD = 10;
const STAGE_HEADER = 48;
/** Room between two chained (sequential) actions for the arrow. */
const CHAIN_GAP = 28;
const STAGE_GAP = 36;
const MARKER_WIDTH = 64;
const PAUSE_WIDTH = 170;

/** A stage, action or job placed at `(x, y)`: the top left corner of its box. */
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

/** A run-order edge: `source` runs (or starts) before `target`. */
export interface LayoutEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
}

/** Placed nodes and their run-order edges: what keyboard navigation (`neighbour`) walks. */
export interface Layout {
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
  readonly width: number;
  readonly height: number;
}

/** A data link to draw: job `sourceId`'s output `output` arrives in job `targetId` as `env`. */
export interface GraphLink {
  readonly sourceId: string;
  readonly targetId: string;
  readonly output: string;
  readonly env: string;
}

/** One drawn box: a stage column, an action inside it, or a job inside that. */
export interface ColumnBox {
  readonly node: LayoutNode;
  readonly width: number;
  readonly height: number;
  /** A start or end stage, drawn as a slim marker. */
  readonly marker: boolean;
}

export interface ColumnLayout {
  /** Stages first, then actions, then jobs: later boxes are drawn on top of earlier ones. */
  readonly boxes: readonly ColumnBox[];
  /** The run-order arrows (stage to stage, action to action in a sequence) as one SVG path. */
  readonly arrows: string;
  readonly width: number;
  readonly height: number;
  /** Nodes and run-order edges, for keyboard navigation (`neighbour`). */
  readonly nav: Layout;
}

function actionHeight(jobs: number): number {
  if (jobs === 0) return ACTION_HEADER + 20;
  return ACTION_HEADER + jobs * (JOB_HEIGHT + GAP) - GAP + ACTION_PAD;
}

/** An arrow from `(x1, y)` to `(x2, y)` with a small head. */
function arrow(x1: number, x2: number, y: number): string {
  return `M${x1} ${y}H${x2 - 1}M${x2 - 6} ${y - 4}L${x2 - 1} ${y}L${x2 - 6} ${y + 4}`;
}

/** Places every stage, action and job of `stages` (see the file comment for the shape). */
export function layoutColumns(stages: readonly TreeStage[]): ColumnLayout {
  const stageBoxes: ColumnBox[] = [];
  const actionBoxes: ColumnBox[] = [];
  const jobBoxes: ColumnBox[] = [];
  const edges: LayoutEdge[] = [];
  const edge = (source: string, target: string): void => {
    edges.push({ id: `e:${source}->${target}`, source, target });
  };
  const arrows: string[] = [];
  let x = 0;
  let height = STAGE_HEADER;
  let previous: { id: string; ends: string[]; right: number } | undefined;

  for (const stage of stages) {
    const marker = stage.type === 'start' || stage.type === 'end';
    let width: number;
    let stageHeight = STAGE_HEADER;
    let ends: string[] = [stage.id];
    if (marker) {
      width = MARKER_WIDTH;
    } else if (stage.type !== 'normal' || stage.actions.length === 0) {
      width = PAUSE_WIDTH;
    } else {
      let ax = x + STAGE_PAD;
      let ay = STAGE_HEADER;
      let tail = stage.id;
      let widest = 0;
      ends = [];
      stage.actions.forEach((action, index) => {
        const h = actionHeight(action.jobs.length);
        actionBoxes.push({
          node: { kind: 'action', id: action.id, x: ax, y: ay, action, stage },
          width: ACTION_WIDTH,
          height: h,
          marker: false,
        });
        edge(stage.parallel ? stage.id : tail, action.id);
        let last = action.id;
        action.jobs.forEach((job, j) => {
          jobBoxes.push({
            node: {
              kind: 'job',
              id: job.id,
              x: ax + ACTION_PAD,
              y: ay + ACTION_HEADER + j * (JOB_HEIGHT + GAP),
              job,
              stage,
            },
            width: JOB_WIDTH,
            height: JOB_HEIGHT,
            marker: false,
          });
          edge(last, job.id);
          last = job.id;
        });
        tail = last;
        if (stage.parallel) {
          ends.push(last);
          widest = ACTION_WIDTH;
          stageHeight = Math.max(stageHeight, ay + h + STAGE_PAD);
          ay += h + GAP * 1.5;
        } else {
          ends = [last];
          stageHeight = Math.max(stageHeight, ay + h + STAGE_PAD);
          const next = ax + ACTION_WIDTH + CHAIN_GAP;
          if (index < stage.actions.length - 1) {
            arrows.push(arrow(ax + ACTION_WIDTH, next, ay + ACTION_HEADER / 2));
          }
          widest = next - CHAIN_GAP - (x + STAGE_PAD);
          ax = next;
        }
      });
      width = widest + STAGE_PAD * 2;
    }
    stageBoxes.push({
      node: { kind: 'stage', id: stage.id, x, y: 0, stage },
      width,
      height: stageHeight,
      marker,
    });
    if (previous !== undefined) {
      arrows.push(arrow(previous.right, x, STAGE_HEADER / 2));
      for (const end of previous.ends) edge(end, stage.id);
    }
    previous = { id: stage.id, ends, right: x + width };
    height = Math.max(height, stageHeight);
    x += width + STAGE_GAP;
  }
  const boxes = [...stageBoxes, ...actionBoxes, ...jobBoxes];
  return {
    boxes,
    arrows: arrows.join(''),
    width: Math.max(0, x - STAGE_GAP),
    height,
    nav: { nodes: boxes.map((b) => b.node), edges, width: x, height },
  };
}

/** A point in the layout's coordinates. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * A cubic curve from `a` to `b` that leaves and arrives horizontally (bending at least 30 px, so
 * short links show) and sags a little: a link between two jobs at the same height is still a
 * curve, never mistaken for the straight run-order arrows.
 */
function curve(a: Point, b: Point): string {
  const bend = Math.max(30, Math.abs(b.x - a.x) / 2);
  const sag = Math.min(24, Math.round(Math.abs(b.x - a.x) / 10) + 6);
  return `M${a.x} ${a.y}C${a.x + bend} ${a.y + sag} ${b.x - bend} ${b.y + sag} ${b.x} ${b.y}`;
}

/** Where a data link leaves a job: the middle of its right edge. */
function outPoint(from: ColumnBox): Point {
  return { x: from.node.x + from.width, y: from.node.y + from.height / 2 };
}

/** A data link's curve from the right edge of one job to the left edge of a later one. */
export function linkCurve(from: ColumnBox, to: ColumnBox): string {
  return curve(outPoint(from), { x: to.node.x, y: to.node.y + to.height / 2 });
}

/** The curve drawn while the user drags a new data link out of `from`, up to the pointer. */
export function dragCurve(from: ColumnBox, pointer: Point): string {
  return curve(outPoint(from), pointer);
}
