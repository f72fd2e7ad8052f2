/**
 * What a fan-out job's node shows instead of one box per instance (issue 16): its instances
 * counted as one line of text and a bar split into passed / failed / running / not yet started.
 * Pure: no DOM, no Vue (the run graph and the instance list share it).
 */
import type { FanOutCounts } from '../api/types.js';

/** The parts of the bar, left to right. `rest`: not started yet, or skipped once it ended. */
export type FanOutPart = 'passed' | 'failed' | 'running' | 'rest';

export interface FanOutSegment {
  readonly part: FanOutPart;
  readonly count: number;
  /** Share of the bar, 0–100, rounded to 0.1. */
  readonly percent: number;
}

export interface FanOutBar {
  readonly segments: readonly FanOutSegment[];
  /** Short text for the node: `12✓ 2✕ 5◐ /30`. */
  readonly text: string;
  /** The same in words, for screen readers and tooltips. */
  readonly words: string;
}

const ORDER: readonly FanOutPart[] = ['passed', 'failed', 'running', 'rest'];

/** The bar and its text for `counts`; parts with no instance are left out. */
export function fanOutBar(counts: FanOutCounts): FanOutBar {
  // `total` is 0 until a dynamic list is read: the bar is then all "rest" (nothing known yet).
  const total = Math.max(counts.total, counts.passed + counts.failed + counts.running);
  const rest = Math.max(0, total - counts.passed - counts.failed - counts.running);
  const values: Record<FanOutPart, number> = {
    passed: counts.passed,
    failed: counts.failed,
    running: counts.running,
    rest,
  };
  const segments = ORDER.filter((p) => values[p] > 0).map((part) => ({
    part,
    count: values[part],
    percent: total === 0 ? 0 : Math.round((values[part] / total) * 1000) / 10,
  }));
  const text = [
    `${counts.passed}✓`,
    counts.failed > 0 ? `${counts.failed}✕` : '',
    counts.running > 0 ? `${counts.running}◐` : '',
    `/${counts.total === 0 ? '?' : counts.total}`,
  ]
    .filter(Boolean)
    .join(' ');
  const notStarted = Math.max(0, counts.total - counts.started - counts.skipped);
  const words = [
    `${counts.total === 0 ? 'unknown number of' : counts.total} instances`,
    `${counts.passed} passed`,
    `${counts.failed} failed`,
    `${counts.running} running`,
    counts.skipped > 0 ? `${counts.skipped} skipped` : `${notStarted} not started`,
  ].join(', ');
  return { segments, text, words };
}
