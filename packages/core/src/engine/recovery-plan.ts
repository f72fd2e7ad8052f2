/**
 * Resuming runs after an engine restart, the store half: which runs are unfinished, what state
 * their events say they reached, which of their jobs' backend objects still exist, and where
 * each resumed attempt's stored log ends. All I/O of `Engine.recover` happens here, before any
 * run is touched, so a store or backend failure leaves everything as it was.
 */
import { COUT_PREFIX } from '../contract/cout.js';
import { JobLabel } from '../orchestrator/orchestrator.js';
import type { JobHandle, Orchestrator } from '../orchestrator/orchestrator.js';
import type { JobLogLine } from './events.js';
import { jobAttemptId } from './ids.js';
import type { JobResume } from './recovery.js';
import { planRerun } from './rerun.js';
import type { ReusedJob } from './run-execution.js';
import type { RunRequest } from './run-request.js';
import type { RunSnapshot } from './snapshot.js';
import { storedRunSnapshot } from './stored-snapshot.js';
import { isTerminal } from './status.js';
import type { LogSink, RunStore } from './store.js';

/** Lines read per page when scanning an attempt's stored log. */
const LOG_PAGE = 5_000;

/** One unfinished run, rebuilt and ready for the engine to adopt. */
export interface RecoveryPlan {
  /** Rebuilt from the run's events (its saved snapshot when the request is missing). */
  readonly snapshot: RunSnapshot;
  /** Absent when it was never saved: the run cannot be resumed and is ended `failed`. */
  readonly request?: RunRequest;
  /** Jobs with an attempt to resume, by path (fan-out instances that had started included). */
  readonly jobs: Map<string, JobResume>;
  /**
   * Backend objects of the run that no job or started instance claims, by job id: attempts of
   * fan-out instances started just before the restart, whose first event was never stored. The
   * fan-out adopts them when it reaches them (it knows their names, and so their ids).
   */
  readonly orphans: Map<string, { readonly attempt: number; readonly handle: JobHandle }>;
  /** For a re-run from failed: the jobs kept from the earlier run. */
  readonly reused: ReadonlyMap<string, ReusedJob>;
}

export interface RecoveryDeps {
  readonly store: RunStore;
  readonly logs: LogSink;
  readonly orchestrator: Orchestrator;
  /** Plans only the runs it accepts (a server replica's takeover); all unfinished runs without. */
  readonly only?: (runId: string) => boolean;
}

/**
 * Plans the recovery of every run the store lists as unfinished: runs that were executing
 * first, then queued ones, each group oldest first (so executing runs take their concurrency
 * slots back before queued runs compete for them).
 *
 * @throws whatever the store or `orchestrator.reattach` throws; nothing has changed then.
 */
export async function planRecovery(deps: RecoveryDeps): Promise<RecoveryPlan[]> {
  const plans: RecoveryPlan[] = [];
  for (const saved of await deps.store.listUnfinishedRuns()) {
    if (deps.only !== undefined && !deps.only(saved.runId)) continue;
    const request = await deps.store.getRunRequest(saved.runId);
    const events = await deps.store.readEvents({ runId: saved.runId });
    const snapshot = storedRunSnapshot(saved, request, events);
    const live = request !== undefined && !isTerminal(snapshot.status);
    const orphans = new Map<string, { readonly attempt: number; readonly handle: JobHandle }>();
    plans.push({
      snapshot,
      ...(request === undefined ? {} : { request }),
      jobs: live ? await planJobs(snapshot, deps, orphans) : new Map(),
      orphans,
      reused: live ? await reusedJobs(request, deps.store) : new Map(),
    });
  }
  const rank = (p: RecoveryPlan): number =>
    p.snapshot.status === 'queued' && p.jobs.size === 0 ? 1 : 0;
  return plans.sort((a, b) => rank(a) - rank(b) || a.snapshot.createdAt - b.snapshot.createdAt);
}

/**
 * Decides, for every job that had not ended, whether an attempt resumes: the latest attempt the
 * backend still knows is followed (even one the events never mentioned: started just before the
 * restart); a running attempt the backend lost fails; a job waiting between attempts starts the
 * next one. Backend objects are matched by their labels and must carry the deterministic job id
 * of that run, path and attempt, so nothing of another run or attempt is ever adopted. A found
 * attempt runs or has run: `reattach` finishes a start that the crash cut short (the
 * orchestrator contract), so an attempt that never ran is not collected as exited.
 */
async function planJobs(
  snapshot: RunSnapshot,
  deps: RecoveryDeps,
  orphans: Map<string, { readonly attempt: number; readonly handle: JobHandle }>,
): Promise<Map<string, JobResume>> {
  const { runId } = snapshot;
  const found = new Map<string, { readonly attempt: number; readonly handle: JobHandle }>();
  for (const handle of await deps.orchestrator.reattach({ runId })) {
    const l = handle.labels;
    const path = `${l[JobLabel.stage] ?? ''}.${l[JobLabel.action] ?? ''}.${l[JobLabel.job] ?? ''}`;
    const attempt = Number(l[JobLabel.attempt]);
    if (!Number.isInteger(attempt) || attempt < 1) continue;
    if (handle.id !== jobAttemptId(runId, path, attempt)) {
      // A fan-out instance: its name is not a valid label value, so its path cannot be read
      // back from the labels; it is matched by its deterministic id instead.
      orphans.set(handle.id, { attempt, handle });
      continue;
    }
    const known = found.get(path);
    if (known === undefined || known.attempt < attempt) found.set(path, { attempt, handle });
  }
  const claimInstance = (path: string, attempt: number): void => {
    // The latest attempt the backend knows: one beyond the stored events, or the stored one.
    for (const n of [attempt + 1, attempt]) {
      const id = jobAttemptId(runId, path, n);
      const orphan = orphans.get(id);
      if (orphan === undefined) continue;
      orphans.delete(id);
      found.set(path, orphan);
      return;
    }
  };
  const resumes = new Map<string, JobResume>();
  for (const stage of snapshot.stages) {
    for (const action of stage.actions) {
      const jobs = action.jobs.flatMap((job) => [job, ...Object.values(job.fanOut?.active ?? {})]);
      for (const job of jobs) {
        if (job.path.includes('[')) claimInstance(job.path, job.attempt);
        if (isTerminal(job.status)) continue;
        const latest = found.get(job.path);
        const follow =
          latest !== undefined &&
          (latest.attempt > job.attempt ||
            (latest.attempt === job.attempt && job.status === 'running'));
        if (follow) {
          const tail = await scanAttemptLog(deps.logs, runId, job.path, latest.attempt);
          resumes.set(job.path, {
            mode: 'follow',
            attempt: latest.attempt,
            handle: latest.handle,
            ...tail,
          });
        } else if (job.status === 'running' && job.attempt > 0) {
          const tail = await scanAttemptLog(deps.logs, runId, job.path, job.attempt);
          resumes.set(job.path, { mode: 'lost', attempt: job.attempt, ...tail });
        } else if (job.status === 'waiting' && job.attempt > 0) {
          resumes.set(job.path, {
            mode: 'start',
            attempt: job.attempt + 1,
            lastSeq: 0,
            priorStdout: [],
          });
        }
      }
    }
  }
  return resumes;
}

/**
 * Reads an attempt's stored log once: its last seq, its `[COUT]` lines, and the resume point.
 * Within one stream the backend's stamps never go back, so the stored lines of a stream that
 * share the stream's last stamp are its last lines; the resume point is the latest stamp of
 * either stream, skipping the lines of both streams stored with exactly that stamp (the
 * contract of `LogOptions.skipAtSinceTime`). Engine (`system`) lines are not the backend's and
 * do not count.
 */
export async function scanAttemptLog(
  logs: LogSink,
  runId: string,
  jobPath: string,
  attempt: number,
): Promise<Pick<JobResume, 'lastSeq' | 'priorStdout' | 'logs'>> {
  const tails: Partial<Record<'stdout' | 'stderr', { time: number; count: number }>> = {};
  const priorStdout: string[] = [];
  let lastSeq = 0;
  for (;;) {
    const page: readonly JobLogLine[] = await logs.read({
      runId,
      jobPath,
      attempt,
      afterSeq: lastSeq,
      limit: LOG_PAGE,
    });
    for (const line of page) {
      lastSeq = Math.max(lastSeq, line.seq);
      if (line.stream === 'system') continue;
      // `[COUT]` lines count on both streams (contract/output-collector.ts).
      if (line.text.startsWith(COUT_PREFIX)) priorStdout.push(line.text);
      const tail = tails[line.stream];
      if (tail !== undefined && tail.time === line.time) tail.count += 1;
      else tails[line.stream] = { time: line.time, count: 1 };
    }
    if (page.length < LOG_PAGE) break;
  }
  const last = [tails.stdout, tails.stderr].filter((t) => t !== undefined);
  if (last.length === 0) return { lastSeq, priorStdout };
  const sinceTime = Math.max(...last.map((t) => t.time));
  const skipAtSinceTime = last.reduce((n, t) => n + (t.time === sinceTime ? t.count : 0), 0);
  return { lastSeq, priorStdout, logs: { sinceTime, skipAtSinceTime } };
}

/** The jobs a re-run from failed keeps, planned again from the earlier run (ended, so stable). */
async function reusedJobs(
  request: RunRequest,
  store: RunStore,
): Promise<ReadonlyMap<string, ReusedJob>> {
  if (request.rerun?.fromFailed !== true) return new Map();
  const old = await store.getRun(request.rerun.runId);
  if (old === undefined) return new Map();
  try {
    return planRerun(old, request.workflow).reused;
  } catch {
    return new Map(); // it was refused when the run started: the run already ended failed
  }
}
