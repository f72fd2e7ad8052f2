/**
 * Lays out the live tree of a run: one line per visible stage, action and job, with symbol,
 * name, elapsed time and reason, cut to the terminal's width and height.
 */
import { fanOutCountParts, fanOutTotalText } from './fan-out-counts.js';
import type { FanOutView } from './fan-out-view.js';
import type { NodeView, RunView } from './run-view.js';
import type { Colour, Paint } from './style.js';
import { elapsed, statusColour, statusSymbol, statusWord } from './style.js';

export interface TreeLayout {
  readonly now: number;
  /** Spinner frame for running nodes; undefined draws a static symbol. */
  readonly frame?: number;
  readonly columns: number;
  /** Most lines the tree may take. */
  readonly maxLines: number;
}

type Segment = readonly [text: string, colour?: Colour];

interface Line {
  readonly segments: Segment[];
  /** Lower = dropped later when the tree is too tall. */
  readonly keep: number;
}

/** The tree as printable lines (colours applied, each within `columns`). */
export function treeLines(view: RunView, paint: Paint, layout: TreeLayout): string[] {
  const lines = layoutLines(view, layout);
  return fitHeight(lines, layout.maxLines).map((l) => render(l.segments, layout.columns, paint));
}

function layoutLines(view: RunView, layout: TreeLayout): Line[] {
  const run = view.run;
  const lines: Line[] = [
    {
      keep: 3,
      segments: [
        [statusSymbol(run.status, layout.frame), statusColour(run.status)],
        [' '],
        [view.workflow.uri, 'bold'],
        ['  '],
        [statusWord(run.status), statusColour(run.status)],
        ...time(run.startedAt, run.finishedAt, layout.now),
      ],
    },
  ];
  for (const stage of view.stages) {
    if ((stage.type === 'start' || stage.type === 'end') && stage.actions.length === 0) continue;
    const stageDetail: Segment[] =
      stage.type === 'pause'
        ? stage.status === 'waiting'
          ? [['  waiting for approval', 'yellow']]
          : []
        : stage.actions.length > 1
          ? [
              [
                `  ${view.workflow.stages.find((s) => s.name === stage.name)?.sequencing ?? ''}`,
                'gray',
              ],
            ]
          : [];
    lines.push(nodeLine(stage, 1, layout, stageDetail, 2));
    const open =
      stage.status === 'running' || stage.status === 'waiting' || stage.status === 'failed';
    for (const action of stage.actions) {
      lines.push(nodeLine(action, 2, layout, [], open ? 1 : 0));
      for (const job of action.jobs) {
        const attempt: Segment[] =
          job.maxAttempts > 1 && job.attempt > 1
            ? [[`  attempt ${job.attempt}/${job.maxAttempts}`, 'yellow']]
            : [];
        const keep = job.status === 'running' || job.status === 'failed' ? 1 : 0;
        // A fan-out's instances are one line: its counts, never a line per instance.
        const detail =
          job.fanOut === undefined || job.status === 'pending'
            ? attempt
            : fanOutSegments(job.fanOut);
        lines.push(nodeLine(job, 3, layout, detail, open ? keep : -1));
      }
    }
  }
  return lines;
}

function fanOutSegments(fan: FanOutView): Segment[] {
  const segments: Segment[] = [];
  fanOutCountParts(fan).forEach((part, i) =>
    segments.push([i === 0 ? '  ' : ' · ', 'gray'], [part.text, statusColour(part.status)]),
  );
  segments.push([` ${fanOutTotalText(fan)}`, 'gray']);
  return segments;
}

function nodeLine(
  node: NodeView,
  depth: number,
  layout: TreeLayout,
  detail: Segment[],
  keep: number,
): Line {
  const segments: Segment[] = [
    ['  '.repeat(depth)],
    [statusSymbol(node.status, layout.frame), statusColour(node.status)],
    [' '],
    [node.name, node.status === 'pending' || node.status === 'skipped' ? 'gray' : undefined],
    ...detail,
    ...time(node.startedAt, node.finishedAt, layout.now),
  ];
  if (node.reason !== undefined && node.status !== 'succeeded' && node.status !== 'running') {
    segments.push(
      ['  '],
      [node.reason, node.status === 'failed' || node.status === 'timed_out' ? 'red' : 'gray'],
    );
  }
  return { segments, keep };
}

function time(
  startedAt: number | undefined,
  finishedAt: number | undefined,
  now: number,
): Segment[] {
  const t = elapsed(startedAt, finishedAt, now);
  return t === '' ? [] : [[`  ${t}`, 'gray']];
}

/** Drops the least important lines (pending/finished detail first) until the tree fits. */
function fitHeight(lines: Line[], maxLines: number): Line[] {
  if (lines.length <= maxLines) return lines;
  let kept = lines;
  for (let level = -1; level <= 2 && kept.length > maxLines; level++) {
    kept = kept.filter((l) => l.keep > level);
  }
  if (kept.length <= maxLines) return kept;
  const hidden = kept.length - (maxLines - 1);
  return [
    ...kept.slice(0, Math.max(0, maxLines - 1)),
    { keep: 0, segments: [[`  … ${hidden} more`, 'gray']] },
  ];
}

/** Joins segments, cutting at `columns - 1` visible characters so the terminal never wraps. */
function render(segments: readonly Segment[], columns: number, paint: Paint): string {
  let room = Math.max(10, columns - 1);
  let out = '';
  for (const [text, colour] of segments) {
    if (room <= 0) break;
    let piece = text.replace(/\s*[\r\n]+\s*/g, ' ');
    if ([...piece].length > room) piece = `${[...piece].slice(0, room - 1).join('')}…`;
    room -= [...piece].length;
    out += colour === undefined ? piece : paint(colour, piece);
  }
  return out;
}
