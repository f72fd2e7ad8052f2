/**
 * What a drawn graph node says and where its edges run, shared by the Vue Flow editor canvas and
 * the lightweight read-only graph (run and workflow pages). Pure: no DOM, no Vue.
 */
import { formatDuration } from '../stores/async.js';
import { fanOutBar } from './fan-out-bar.js';
import type { FanOutBar } from './fan-out-bar.js';
import type { Layout, LayoutNode } from './graph-layout.js';

/** The text and status a node shows. */
export interface NodeLabel {
  readonly kind: LayoutNode['kind'];
  readonly title: string;
  readonly sub: string;
  readonly status?: string;
  readonly outputs: readonly string[];
  /** A fan-out job: its instances counted (the node's `sub` is then the counts' text). */
  readonly fanOut?: FanOutBar;
}

/** Drawn widths (px) per node kind; the CSS of `.fnode` uses the same numbers. */
export const NODE_WIDTH: Readonly<Record<LayoutNode['kind'], number>> = {
  stage: 170,
  action: 130,
  job: 170,
};
/** Where edges attach, measured from a node's top (the middle of its title row). */
export const EDGE_ANCHOR_Y = 16;

export function describeNode(n: LayoutNode): NodeLabel {
  if (n.kind === 'stage') {
    const s = n.stage;
    const mode = s.type === 'normal' ? (s.parallel ? '⇉ parallel' : '→ sequence') : s.type;
    return {
      kind: 'stage',
      title: s.name,
      sub: [mode, formatDuration(s.durationMs)].filter(Boolean).join(' · '),
      status: s.status,
      outputs: [],
    };
  }
  if (n.kind === 'action') {
    return {
      kind: 'action',
      title: n.action.name,
      // A generated name is not in the file: say so, or users search the YAML for it in vain.
      sub: n.action.generated === true ? 'action · generated name' : 'action',
      status: n.action.status,
      outputs: [],
    };
  }
  const j = n.job;
  if (j.fanOut !== undefined) {
    const bar = fanOutBar(j.fanOut);
    return {
      kind: 'job',
      title: j.name,
      sub: bar.text,
      status: j.status,
      outputs: j.outputs,
      fanOut: bar,
    };
  }
  const attempt = j.attempt !== undefined && j.attempt > 1 ? `attempt ${j.attempt}` : '';
  const sub = [j.status?.toLowerCase(), formatDuration(j.durationMs), attempt]
    .filter(Boolean)
    .join(' · ');
  return { kind: 'job', title: j.name, sub: sub || j.path, status: j.status, outputs: j.outputs };
}

/** A point where an edge leaves (right side) or enters (left side) a node. */
export interface Anchor {
  readonly x: number;
  readonly y: number;
}

export function outAnchor(n: LayoutNode): Anchor {
  return { x: n.x + NODE_WIDTH[n.kind], y: n.y + EDGE_ANCHOR_Y };
}

export function inAnchor(n: LayoutNode): Anchor {
  return { x: n.x, y: n.y + EDGE_ANCHOR_Y };
}

/**
 * An orthogonal SVG path from `a` to `b`: across to halfway, down or up, across. When the target
 * lies left of the source (a data link to an earlier column cannot happen, but a stage's edge to
 * its first action does) the path drops first and comes in from the left.
 */
export function stepPath(a: Anchor, b: Anchor): string {
  if (b.x >= a.x + 20) {
    const mid = Math.round((a.x + b.x) / 2);
    return `M${a.x} ${a.y}H${mid}V${b.y}H${b.x}`;
  }
  const drop = Math.max(a.y, b.y) + 30;
  return `M${a.x} ${a.y}h10V${drop}H${b.x - 10}V${b.y}H${b.x}`;
}

/** All run-order edges of a layout as one SVG path (one DOM element however large the run). */
export function edgesPath(layout: Layout): string {
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const parts: string[] = [];
  for (const e of layout.edges) {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (s && t) parts.push(stepPath(outAnchor(s), inAnchor(t)));
  }
  return parts.join('');
}

export type ArrowKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown';

/**
 * Keyboard navigation between nodes: right/left follow the run order (first successor /
 * predecessor), up/down go to the nearest node above/below in the same column, else the nearest
 * row above/below. Returns the node id to focus, or undefined when there is none that way.
 */
export function neighbour(layout: Layout, fromId: string, key: ArrowKey): string | undefined {
  const from = layout.nodes.find((n) => n.id === fromId);
  if (!from) return undefined;
  if (key === 'ArrowRight') return layout.edges.find((e) => e.source === fromId)?.target;
  if (key === 'ArrowLeft') return layout.edges.find((e) => e.target === fromId)?.source;
  const down = key === 'ArrowDown';
  let best: LayoutNode | undefined;
  let bestScore = Infinity;
  for (const n of layout.nodes) {
    const dy = down ? n.y - from.y : from.y - n.y;
    if (dy <= 0) continue;
    const score = dy * 10 + Math.abs(n.x - from.x);
    if (score < bestScore) {
      best = n;
      bestScore = score;
    }
  }
  return best?.id;
}
