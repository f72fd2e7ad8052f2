/**
 * A receiver's `on:` filter: which run status changes reach it. Words: `started` (the run began),
 * `success`, `failure` (failed or timed out), `cancelled`, `always` (any end). The status names
 * themselves (`succeeded`, `failed`, `timed_out`) are accepted too. A receiver without `on` uses
 * its notifier's `defaultOn`, else `[always]`.
 */
import type { Receiver, RunStatus } from '@containerops/core';
import type { ReceiverFilter } from '@containerops/sdk';

/** The status changes notifiers hear of: the start and the ends. */
export type NotifiedStatus = Extract<
  RunStatus,
  'running' | 'succeeded' | 'failed' | 'timed_out' | 'cancelled'
>;

const MATCHES: Readonly<Record<NotifiedStatus, readonly string[]>> = {
  running: ['started'],
  succeeded: ['success', 'succeeded', 'always'],
  failed: ['failure', 'failed', 'always'],
  timed_out: ['failure', 'timed_out', 'always'],
  cancelled: ['cancelled', 'always'],
};

export function receiverWants(
  receiver: Receiver,
  status: NotifiedStatus,
  defaultOn: readonly ReceiverFilter[] = ['always'],
): boolean {
  const raw = receiver['on'];
  const words =
    typeof raw === 'string'
      ? [raw]
      : Array.isArray(raw)
        ? raw.filter((w) => typeof w === 'string')
        : defaultOn;
  return words.some((word) => MATCHES[status].includes(String(word)));
}

export function isNotifiedStatus(status: string): status is NotifiedStatus {
  return status in MATCHES;
}
