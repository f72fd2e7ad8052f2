/** How a run's snapshot and request become the `runs` row the runs query filters on. */
import type { RunRequest, RunSnapshot } from '@containerops/core';
import type { RunRow } from '../db/entities.js';

/** The organisation of a workflow uri (`org/repo/name`): its namespace. */
export function organizationOf(uri: string): string {
  return uri.split('/')[0] ?? '';
}

function triggerFields(trigger: Readonly<Record<string, unknown>> | undefined): {
  triggerType: string;
  triggeredBy: string | null;
} {
  const type = trigger?.['type'];
  const by = trigger?.['by'];
  return {
    triggerType: typeof type === 'string' && type !== '' ? type : 'manual',
    triggeredBy: typeof by === 'string' ? by : null,
  };
}

export function runRowOfSnapshot(snapshot: RunSnapshot, json: string): RunRow {
  return {
    id: snapshot.runId,
    workflowUri: snapshot.workflow,
    organization: organizationOf(snapshot.workflow),
    status: snapshot.status,
    ...triggerFields(snapshot.trigger),
    createdAt: snapshot.createdAt,
    startedAt: snapshot.startedAt ?? null,
    finishedAt: snapshot.finishedAt ?? null,
    snapshot: json,
    request: null,
  };
}

/** A row for a run whose request is saved before its first snapshot (status queued). */
export function runRowOfRequest(runId: string, request: RunRequest, json: string): RunRow {
  return {
    id: runId,
    workflowUri: request.workflow.uri,
    organization: organizationOf(request.workflow.uri),
    status: 'queued',
    ...triggerFields(request.trigger),
    createdAt: Date.now(),
    startedAt: null,
    finishedAt: null,
    snapshot: null,
    request: json,
  };
}
