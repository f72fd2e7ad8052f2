/**
 * Follows one run on a server: its events (`runUpdates`, replayed from the start, then live) and
 * the logs of its jobs (one `jobLog` subscription per job attempt, opened when the attempt starts).
 * It ends when the run has reached a terminal status AND every opened log has completed — the
 * server completes `jobLog` once the attempt ended and every line was sent, so no line is lost.
 */
import type { EngineEvent, JobLogLine, RunStatus } from '@containerops/core';
import { isTerminal } from '@containerops/core';
import type { ApiClient } from './api-client.js';
import { ApiError, ClientErrorCode } from './api-error.js';
import type { ApiEvent, ApiLogLine } from './api-mappers.js';
import { EVENT_FIELDS, LOG_LINE_FIELDS, toEngineEvent, toJobLogLine } from './api-mappers.js';

export interface FollowOptions {
  readonly onEvent?: (event: EngineEvent) => void;
  readonly onLog?: (line: JobLogLine) => void;
  /** Follow logs of every job (default), one job path, or none (`false`). */
  readonly logs?: boolean | string;
}

export interface RunFollow {
  /** The run's terminal status once every log has been delivered; rejects with an ApiError. */
  readonly done: Promise<RunStatus>;
  /** Stops every subscription; `done` stays pending. Idempotent. */
  stop(): void;
}

const RUN_UPDATES = `subscription($runId: ID!) {
  runUpdates(runId: $runId, afterSeq: 0) { event { ${EVENT_FIELDS} } }
}`;
const JOB_LOG = `subscription($runId: ID!, $jobPath: String!, $attempt: Int!) {
  jobLog(runId: $runId, jobPath: $jobPath, attempt: $attempt, afterSeq: 0) { lines { ${LOG_LINE_FIELDS} } }
}`;

export function followRun(
  client: ApiClient,
  runId: string,
  options: FollowOptions = {},
): RunFollow {
  const stops = new Set<() => void>();
  const openLogs = new Set<string>();
  let finalStatus: RunStatus | undefined;
  let runEnded = false;
  let stopped = false;
  let resolveDone: (status: RunStatus) => void = () => undefined;
  let rejectDone: (error: ApiError) => void = () => undefined;
  const done = new Promise<RunStatus>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });

  const stopAll = (): void => {
    stopped = true;
    for (const stop of stops) stop();
    stops.clear();
  };
  const fail = (error: ApiError): void => {
    if (stopped) return;
    stopAll();
    rejectDone(error);
  };
  const maybeDone = (): void => {
    if (stopped || finalStatus === undefined || openLogs.size > 0) return;
    stopAll();
    resolveDone(finalStatus);
  };
  const wantsLogs = (path: string): boolean =>
    options.logs === undefined || options.logs === true || options.logs === path;

  const followLog = (jobPath: string, attempt: number): void => {
    const key = `${jobPath}#${attempt}`;
    if (openLogs.has(key) || stopped) return;
    openLogs.add(key);
    const stop = client.subscribe<{ jobLog: { lines: ApiLogLine[] } }>(
      JOB_LOG,
      { runId, jobPath, attempt },
      {
        next: (data) => {
          for (const line of data.jobLog.lines) options.onLog?.(toJobLogLine(line));
        },
        error: fail,
        complete: () => {
          stops.delete(stop);
          openLogs.delete(key);
          release(key);
          maybeDone();
        },
      },
    );
    stops.add(stop);
  };

  /**
   * Events wait while the log of a job that just ended is still arriving (the two come over
   * separate subscriptions): a view then shows a job's last lines before its end, as locally.
   */
  const held: EngineEvent[] = [];
  let waitingFor: string | undefined;
  const deliver = (event: EngineEvent): void => {
    if (waitingFor !== undefined) {
      held.push(event);
      return;
    }
    if (event.scope === 'job' && isTerminal(event.status) && event.attempt !== undefined) {
      const key = `${event.path}#${event.attempt}`;
      if (openLogs.has(key)) {
        waitingFor = key;
        held.push(event);
        return;
      }
    }
    handle(event);
  };
  const release = (key: string): void => {
    if (waitingFor !== key) return;
    waitingFor = undefined;
    const queued = held.splice(0);
    const first = queued.shift();
    if (first !== undefined) handle(first); // the job's end itself
    for (const event of queued) deliver(event);
  };
  const handle = (event: EngineEvent): void => {
    if (stopped) return;
    options.onEvent?.(event);
    if (
      event.scope === 'job' &&
      event.status === 'running' &&
      event.attempt !== undefined &&
      wantsLogs(event.path)
    ) {
      followLog(event.path, event.attempt);
    }
    if (event.scope === 'run' && isTerminal(event.status)) {
      finalStatus = event.status as RunStatus;
      maybeDone();
    }
  };

  const stopUpdates = client.subscribe<{ runUpdates: { event: ApiEvent } }>(
    RUN_UPDATES,
    { runId },
    {
      next: (data) => {
        const event = toEngineEvent(data.runUpdates.event);
        if (event.scope === 'run' && isTerminal(event.status)) {
          // Nothing follows a run's end: the live feed is not needed any more.
          runEnded = true;
          stopUpdates();
          stops.delete(stopUpdates);
        }
        deliver(event);
      },
      error: fail,
      // runUpdates follows forever; completing means the server went away cleanly.
      complete: () => {
        if (!runEnded && !stopped) {
          fail(unexpectedEnd(client.url));
        }
      },
    },
  );
  stops.add(stopUpdates);
  return { done, stop: stopAll };
}

function unexpectedEnd(url: string): ApiError {
  return new ApiError(
    ClientErrorCode.unreachable,
    `the server at ${url} ended the run's updates before the run ended`,
  );
}
