/**
 * A status as a symbol, drawn next to its colour so that a state reads without colour vision
 * (and in a grey-scale screenshot).
 */
const ICONS: Readonly<Record<string, string>> = {
  PENDING: '○',
  QUEUED: '○',
  RUNNING: '◐',
  WAITING: '⏸',
  SUCCEEDED: '✓',
  FAILED: '✕',
  TIMED_OUT: '⏱',
  CANCELLED: '⊘',
  SKIPPED: '↷',
};

/** The symbol for a run, stage, action or job status ('' when there is none). */
export function statusIcon(status: string | undefined): string {
  return status === undefined ? '' : (ICONS[status] ?? '');
}
