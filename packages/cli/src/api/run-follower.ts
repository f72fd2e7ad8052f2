/**
 * Follows one run on a server: its events (`runUpdates`, replayed from the start, then live) and
 * the logs of its jobs (one `jobLog` subscription per job attempt, opened when the attempt starts),
 * fan-out instances included (a bounded number at a time: see `maxInstanceLogs`).
 * It ends when the run has reached a terminal status AND every opened log has completed — the
 * server completes `jobLog` once the attempt ended and every line was sent, so no line is lost.
 */
import type { EngineEvent, JobLogLine, RunStatus } from '@containerops/core';
import { fanOutProgressOf, isTerminal } from '@containerops/core';
import type { ApiClient } from './api-client.js';
import { ApiError, ClientErrorCode } from './api-error.js';
import type { ApiEvent, ApiLogLine } from './api-mappers.js';
import { EVENT_FIELDS, LOG_LINE_FIELDS, toEngineEvent, toJobLogLine } from './api-mappers.js';

export interface FollowOptions {
  readonly onEvent?: (event: EngineEvent) => void;
  readonly onLog?: (line: JobLogLine) => void;
  /**
   * Follow logs of every job (default), one job path (a fan-out job's: its instances' logs), or
   * none (`false`). Fan-out instances are followed like jobs while they run.
   */
  readonly logs?: boolean | string;
  /**
   * At most this many fan-out instance logs are followed at once (default
   * {@link DEFAULT_MAX_INSTANCE_LOGS}); an instance that ends before a slot frees is not shown.
   */
  readonly maxInstanceLogs?: number;
}

/**
 * Instance logs followed at once by default: a fan-out of `max-parallel: 1000` would otherwise
 * open 1,000 subscriptions, and interleave 1,000 logs in one terminal.
 */
export const DEFAULT_MAX_INSTANCE_LOGS = 50;

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
  /** Only its subscriptions (and its URL, for errors) are used. */
  client: Pick<ApiClient, 'subscribe' | 'url'>,
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
  // `logs: <path>` of a fan-out job follows its instances too.
  const wantsLogs = (path: string): boolean =>
    options.logs === undefined ||
    options.logs === true ||
    options.logs === path ||
    options.logs === fanOutJobOf(path);

  /**
   * Fan-out instances are followed while they run, like jobs, but at most `maxInstanceLogs` at a
   * time: the others wait in `queuedInstances` (by log key) for a slot, and one that ends while it
   * waits is dropped — it is no longer running, and its log stays readable (`containerops logs`).
   * So open subscriptions and the queue are bounded by what runs, never by the fan-out's size.
   */
  const maxInstanceLogs = options.maxInstanceLogs ?? DEFAULT_MAX_INSTANCE_LOGS;
  const queuedInstances = new Map<string, { path: string; attempt: number }>();
  let openInstanceLogs = 0;
  const followInstanceLog = (jobPath: string, attempt: number): void => {
    const key = `${jobPath}#${attempt}`;
    if (openLogs.has(key) || stopped) return;
    if (openInstanceLogs >= maxInstanceLogs) queuedInstances.set(key, { path: jobPath, attempt });
    else followLog(jobPath, attempt);
  };
  const instanceLogClosed = (): void => {
    openInstanceLogs -= 1;
    const next = queuedInstances.entries().next();
    if (next.done === true) return;
    const [key, { path, attempt }] = next.value;
    queuedInstances.delete(key);
    followLog(path, attempt);
  };

  const followLog = (jobPath: string, attempt: number): void => {
    const key = `${jobPath}#${attempt}`;
    if (openLogs.has(key) || stopped) return;
    openLogs.add(key);
    const instance = isFanOutInstance(jobPath);
    if (instance) openInstanceLogs += 1;
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
          if (instance) instanceLogClosed();
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
  /**
   * Instance attempts whose end came live since their fan-out's last progress event. Instance
   * events are live only (never replayed): a progress event lists the instances that ended since
   * the previous one, and those not seen here ended before this follow went live, so their logs
   * are read now (if a slot is free, as for instances that end while they wait). Bounded by what
   * ends between two progress events.
   */
  const endedLive = new Set<string>();
  const followMissedInstances = (event: EngineEvent): void => {
    const progress = fanOutProgressOf(event);
    if (progress === undefined) return;
    const action = event.path.slice(0, event.path.lastIndexOf('.'));
    for (const a of progress.active) {
      const path = `${action}.${a.name}`;
      if (a.status === 'running' && a.attempt >= 1 && wantsLogs(path))
        followInstanceLog(path, a.attempt);
    }
    for (const i of progress.ended) {
      const path = `${action}.${i.name}`;
      const key = `${path}#${i.attempt}`;
      if (endedLive.delete(key) || i.attempt < 1 || !wantsLogs(path)) continue;
      if (openInstanceLogs < maxInstanceLogs) followLog(path, i.attempt);
    }
  };
  const handle = (event: EngineEvent): void => {
    if (stopped) return;
    options.onEvent?.(event);
    if (event.scope === 'job') {
      if (isTerminal(event.status) && event.attempt !== undefined && isFanOutInstance(event.path))
        endedLive.add(`${event.path}#${event.attempt}`);
      followMissedInstances(event);
    }
    if (
      event.scope === 'job' &&
      event.status === 'running' &&
      event.attempt !== undefined &&
      wantsLogs(event.path)
    ) {
      if (isFanOutInstance(event.path)) followInstanceLog(event.path, event.attempt);
      else followLog(event.path, event.attempt);
    }
    if (event.scope === 'job' && isTerminal(event.status) && event.attempt !== undefined)
      queuedInstances.delete(`${event.path}#${event.attempt}`);
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

/** `stage.action.job[axis=value,...]` or `stage.action.job[index]`: an instance of a fan-out job. */
export function isFanOutInstance(path: string): boolean {
  return fanOutJobOf(path) !== undefined;
}

/** The fan-out job path of instance path `path` (`stage.action.job`); undefined for a job path. */
export function fanOutJobOf(path: string): string | undefined {
  // Axis values may hold dots and brackets: the job name ends at the first bracket after the
  // action path (the last dot before that bracket).
  const bracket = path.indexOf('[');
  if (bracket < 0 || !path.endsWith(']')) return undefined;
  const dot = path.lastIndexOf('.', bracket);
  return dot < 0 || dot === bracket - 1 ? undefined : path.slice(0, bracket);
}

function unexpectedEnd(url: string): ApiError {
  return new ApiError(
    ClientErrorCode.unreachable,
    `the server at ${url} ended the run's updates before the run ended`,
  );
}
