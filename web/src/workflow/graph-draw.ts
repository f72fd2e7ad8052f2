/**
 * What a drawn graph node says and where the arrow keys move from it: the same on the run page,
 * the workflow page and in the editor (all draw with `ReadOnlyGraph.vue`). Pure: no DOM, no Vue.
 */
import { formatDuration } from '../stores/async.js';
import { fanOutBar } from './fan-out-bar.js';
import type { FanOutBar } from './fan-out-bar.js';
import type { Layout, LayoutNode } from './graph-columns.js';

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
