/**
 * The failed job of an ended run and the end of its log, for notifications: the first job that
 * failed or timed out (in run order), and the last lines of its last attempt, read page by page
 * so a long log costs bounded memory.
 */
import type { RunSnapshot } from '@containerops/core';
import type { FailedJobSummary, LogStore } from '@containerops/sdk';

const TAIL = 50;
const PAGE = 1000;
const MAX_PAGES = 200;

export async function failedJobOf(
  snapshot: RunSnapshot,
  logs: Pick<LogStore, 'read'>,
): Promise<FailedJobSummary | undefined> {
  for (const stage of snapshot.stages)
    for (const action of stage.actions)
      for (const job of action.jobs) {
        if (job.status !== 'failed' && job.status !== 'timed_out') continue;
        return {
          path: job.path,
          ...(job.reason === undefined ? {} : { reason: job.reason }),
          lastLogLines: await lastLines(logs, snapshot.runId, job.path, job.attempt),
        };
      }
  return undefined;
}

async function lastLines(
  logs: Pick<LogStore, 'read'>,
  runId: string,
  jobPath: string,
  attempt: number,
): Promise<string[]> {
  let tail: string[] = [];
  let afterSeq = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const lines = await logs.read({
      runId,
      jobPath,
      ...(attempt > 0 ? { attempt } : {}),
      afterSeq,
      limit: PAGE,
    });
    tail = [...tail, ...lines.map((l) => l.text)].slice(-TAIL);
    if (lines.length < PAGE) break;
    afterSeq = lines[lines.length - 1]?.seq ?? afterSeq;
  }
  return tail;
}
