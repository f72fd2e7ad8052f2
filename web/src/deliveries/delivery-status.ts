/**
 * How the deliveries page shows a delivery's status (a colour class, a symbol and a word, so it
 * reads without colour vision) and what a redelivery did, in words.
 */
import type { Delivery } from '../api/deliveries.js';

interface StatusLook {
  /** The badge colour class of styles/app.css. */
  readonly className: string;
  readonly icon: string;
  readonly label: string;
}

const LOOKS: Readonly<Record<string, StatusLook>> = {
  accepted: { className: 's-succeeded', icon: '✓', label: 'accepted' },
  duplicate: { className: 's-skipped', icon: '⧉', label: 'duplicate' },
  ignored: { className: 's-cancelled', icon: '↷', label: 'ignored' },
  rejected: { className: 's-failed', icon: '⊘', label: 'rejected' },
  failed: { className: 's-failed', icon: '✕', label: 'failed' },
  'not-found': { className: 's-failed', icon: '?', label: 'not found' },
};

export function deliveryStatusLook(status: string): StatusLook {
  return LOOKS[status] ?? { className: '', icon: '•', label: status };
}

/** One sentence on what a redelivery did, for the page's status line. */
export function redeliveryOutcome(created: Delivery): string {
  const run = created.runId === null ? '' : ` run ${created.runId.slice(0, 8)}`;
  switch (created.status) {
    case 'accepted':
      return `Redelivered: started${run}.`;
    case 'duplicate':
      return created.runId === null
        ? 'Redelivered: a duplicate of a delivery already handled; nothing new was started.'
        : `Redelivered: already started${run}; nothing new was started.`;
    case 'ignored':
      return `Redelivered: ignored${created.message ? ` (${created.message})` : ''}.`;
    default:
      return `Redelivered: ${deliveryStatusLook(created.status).label}${
        created.message ? ` — ${created.message}` : ''
      }.`;
  }
}
