/**
 * A fan-out's counts as text parts, shared by the live tree, the plain lines and the summary:
 * `5 running · 20 passed · 2 failed · 3 pending` (parts with 0 left out, but passed).
 */
import type { AnyStatus } from '@containerops/core';
import type { FanOutView } from './fan-out-view.js';

export interface CountPart {
  readonly text: string;
  /** The status whose colour the part takes. */
  readonly status: AnyStatus;
}

/** The parts in the order a user reads progress: what runs, what passed, what failed, what waits. */
export function fanOutCountParts(fan: FanOutView): CountPart[] {
  const parts: CountPart[] = [];
  if (fan.runningCount > 0) parts.push({ text: `${fan.runningCount} running`, status: 'running' });
  parts.push({ text: `${fan.passed} passed`, status: 'succeeded' });
  if (fan.failed > 0) parts.push({ text: `${fan.failed} failed`, status: 'failed' });
  const pending = fan.pending;
  if (pending !== undefined && pending > 0)
    parts.push({ text: `${pending} pending`, status: 'pending' });
  if (fan.skipped > 0) parts.push({ text: `${fan.skipped} skipped`, status: 'skipped' });
  return parts;
}

/** `of 30 instances` or `instances` while the total is unknown. */
export function fanOutTotalText(fan: FanOutView): string {
  return fan.total === undefined ? 'instances' : `of ${fan.total} instances`;
}
