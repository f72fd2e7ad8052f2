/**
 * What every notifier says about a run, computed once: a one-line headline, the duration, the jobs
 * with their status, the failed job with the end of its log, the link, and what started the run.
 * Notifiers format it (JSON, mail, Block Kit); none re-derives it from the snapshot.
 */
import type { RunStatus } from '@containerops/core';
import type { FailedJobSummary, RunNotification } from './notifier.js';

export interface RunSummary {
  readonly runId: string;
  readonly workflow: string;
  readonly status: RunStatus;
  /** `acme/app/ci #run-1 failed: job build.compile.go failed: exit code 2`. */
  readonly headline: string;
  /** From the run's start to the notification (or its end); undefined before it started. */
  readonly durationMs?: number;
  readonly url?: string;
  readonly reason?: string;
  readonly failedJob?: FailedJobSummary;
  readonly jobs: readonly {
    readonly path: string;
    readonly status: string;
    readonly reason?: string;
  }[];
  /** What started the run (`{ type: 'github', sha, repo... }`), when known. */
  readonly trigger?: Readonly<Record<string, unknown>>;
}

const WORDS: Readonly<Record<RunStatus, string>> = {
  queued: 'is queued',
  running: 'is running',
  waiting: 'is waiting for approval',
  succeeded: 'succeeded',
  failed: 'failed',
  timed_out: 'timed out',
  cancelled: 'was cancelled',
};

export function summarizeRun(event: RunNotification): RunSummary {
  const snapshot = event.snapshot;
  const jobs: { path: string; status: string; reason?: string }[] = [];
  for (const stage of snapshot.stages)
    for (const action of stage.actions)
      for (const job of action.jobs)
        jobs.push({
          path: job.path,
          status: job.status,
          ...(job.reason === undefined ? {} : { reason: job.reason }),
        });
  const started = snapshot.startedAt;
  const ended = snapshot.finishedAt ?? event.time;
  const reason = event.reason ?? event.failedJob?.reason;
  return {
    runId: event.runId,
    workflow: event.workflow,
    status: event.status,
    headline: `${event.workflow} #${event.runId} ${WORDS[event.status]}${reason === undefined ? '' : `: ${reason}`}`,
    ...(started === undefined ? {} : { durationMs: Math.max(0, ended - started) }),
    ...(event.url === undefined ? {} : { url: event.url }),
    ...(reason === undefined ? {} : { reason }),
    ...(event.failedJob === undefined ? {} : { failedJob: event.failedJob }),
    jobs,
    ...(snapshot.trigger === undefined ? {} : { trigger: snapshot.trigger }),
  };
}

/** `1h 2m 3s`, `4.5s`: a duration as people read it. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 100) / 10}s`;
  const s = Math.round(ms / 1000);
  const parts = [
    Math.floor(s / 3600) && `${Math.floor(s / 3600)}h`,
    Math.floor((s % 3600) / 60) && `${Math.floor((s % 3600) / 60)}m`,
    `${s % 60}s`,
  ];
  return parts.filter(Boolean).join(' ');
}
