/**
 * Following a job's output from its Pod (`pods/log?follow=true&timestamps=true`). The follow ends
 * when the container exits, or early when the connection drops (API server restart, the kubelet's
 * stream closing, a proxy timeout). After every end the cache says which: a container still
 * running means a drop, so the follow is reopened from the last stamp; a terminated one gets one
 * last read without `follow` from the last stamp, catching lines a racing close could cut. The
 * {@link ResumePoint} filter drops what was already given, so each line comes exactly once.
 *
 * stdout and stderr: Kubernetes serves them merged unless the API server has the
 * `PodLogsQuerySplitStreams` feature (alpha in 1.32–1.36), which adds `stream=Stdout|Stderr`.
 * The first follow asks for split streams; a server refusing the field (422) makes the plugin
 * instance read merged logs from then on, every line reported as `stdout`.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { LogChunk, LogOptions, LogStream } from '@containerops/sdk';
import type { KubeApi } from '../kube-api.js';
import { CONTAINER_NAME } from '../names.js';
import type { JobCache, JobObjects } from '../watch/job-cache.js';
import { LogLineSplitter, sinceTimeOf } from './log-lines.js';
import { isStreamForbidden } from './pod-log-request.js';
import { mergeAsync } from './merge-async.js';
import { ResumePoint } from './resume-point.js';

/** How logs are read: `split` (one request per stream), `merged`, or `auto` (split when the server can). */
export type LogStreamMode = 'auto' | 'split' | 'merged';
export const logStreamModes: readonly LogStreamMode[] = ['auto', 'split', 'merged'];

export interface PodLogContext {
  readonly api: KubeApi;
  readonly cache: JobCache;
  /** The mode now: `auto` until the first answer settles it. */
  streamMode(): LogStreamMode;
  /** Settles `auto` after the server refused or accepted `stream=`. */
  settleStreamMode(mode: 'split' | 'merged'): void;
  /** `stop()` was called for the job: a failing read then ends the logs instead of throwing. */
  isStopped(): boolean;
  /** The job has ended without ever running (image pull failure, deleted, unschedulable). */
  neverRan(objects: JobObjects): boolean;
}

/** Failed log reads in a row tolerated before `logs()` fails (about 6 s of retries). */
const MAX_READ_FAILURES = 4;

function containerState(pod: V1Pod | undefined) {
  return pod?.status?.containerStatuses?.find((s) => s.name === CONTAINER_NAME)?.state;
}

/** The container has started (running or already terminated): its log is worth reading. */
function started(objects: JobObjects): boolean {
  const state = containerState(objects.pod);
  return state?.running !== undefined || state?.terminated !== undefined;
}

/** Thrown by a split read when the server cannot split: the caller falls back to merged. */
class SplitNotSupported extends Error {}

/**
 * Every line of the job's output, once and in order within each stream, until the container has
 * ended.
 */
export async function* followPodLogs(
  context: PodLogContext,
  jobName: string,
  options: LogOptions = {},
): AsyncGenerator<LogChunk> {
  const { signal } = options;
  let objects: JobObjects;
  try {
    objects = await context.cache.until(jobName, (o) => started(o) || context.neverRan(o), signal);
  } catch (error) {
    if (signal?.aborted === true) return;
    throw error;
  }
  const podName = objects.pod?.metadata?.name;
  if (podName === undefined || !started(objects)) return;
  // The engine's resume point applies to what is given, whichever read gives it.
  const given = new ResumePoint(options.sinceTime, options.skipAtSinceTime ?? 0);
  const fromEngine = options.sinceTime;
  if (context.streamMode() !== 'merged') {
    try {
      const out = followStream(context, jobName, podName, 'stdout', fromEngine, signal);
      const err = followStream(context, jobName, podName, 'stderr', fromEngine, signal);
      for await (const line of mergeAsync([out, err])) {
        if (given.acceptEngine(line.time)) yield line;
      }
      return;
    } catch (error) {
      if (!(error instanceof SplitNotSupported)) throw error;
    }
  }
  for await (const line of followStream(context, jobName, podName, undefined, fromEngine, signal)) {
    if (given.acceptEngine(line.time)) yield line;
  }
}

/** One stream (or the merged one) of the Pod's log, resumed across drops. */
async function* followStream(
  context: PodLogContext,
  jobName: string,
  podName: string,
  stream: LogStream | undefined,
  engineSince: number | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<LogChunk> {
  const { cache, api } = context;
  // A function, not a narrowed field: the signal may abort while this generator is suspended.
  const aborted = (): boolean => signal?.aborted === true;
  const resume = new ResumePoint();
  let follow = true;
  let failures = 0;
  for (;;) {
    if (aborted()) return;
    resume.restart();
    const sinceTime =
      resume.stamp !== undefined
        ? sinceTimeOf(resume.stamp)
        : engineSince !== undefined
          ? `${new Date(engineSince).toISOString().slice(0, 19)}Z`
          : undefined;
    const splitter = new LogLineSplitter();
    const connection = new AbortController();
    const onAbort = (): void => connection.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const body = await api.podLog(
        cache.namespace,
        podName,
        {
          container: CONTAINER_NAME,
          follow,
          ...(sinceTime === undefined ? {} : { sinceTime }),
          ...(stream === undefined ? {} : { stream: stream === 'stdout' ? 'Stdout' : 'Stderr' }),
        },
        connection.signal,
      );
      if (stream !== undefined) context.settleStreamMode('split');
      for await (const chunk of body) {
        for (const line of splitter.push(chunk as Buffer)) {
          if (resume.accept(line)) yield chunkOf(line, stream ?? 'stdout');
        }
      }
      for (const line of splitter.end())
        if (resume.accept(line)) yield chunkOf(line, stream ?? 'stdout');
      failures = 0;
    } catch (error) {
      if (stream !== undefined && isStreamForbidden(error)) {
        context.settleStreamMode('merged');
        throw new SplitNotSupported('the API server cannot split log streams');
      }
      if (context.isStopped() || aborted()) return;
      const now = cache.get(jobName);
      if (now.pod === undefined || now.pod.metadata?.name !== podName) return;
      // The API server answers 5xx while it cannot reach the node's kubelet (restarting, network):
      // retried from the resume point a few times before the logs fail.
      failures += 1;
      if (failures > MAX_READ_FAILURES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** failures));
      continue;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      connection.abort();
    }
    if (!follow) return;
    // The watch may be a moment behind the log's end: give it a second to report the exit.
    // (A controller of our own, not AbortSignal.any: that would leave a listener on `signal`
    // for every reconnect of a long follow.)
    const settle = new AbortController();
    const timer = setTimeout(() => settle.abort(), 1_000);
    const onOuterAbort = (): void => settle.abort();
    signal?.addEventListener('abort', onOuterAbort, { once: true });
    await cache
      .until(
        jobName,
        (o) => o.pod?.metadata?.name !== podName || containerState(o.pod)?.terminated !== undefined,
        settle.signal,
      )
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onOuterAbort);
      });
    const now = cache.get(jobName);
    if (now.pod === undefined || now.pod.metadata?.name !== podName) return;
    // Ended: one last read without follow from the last stamp. Still running: the follow dropped.
    if (containerState(now.pod)?.terminated !== undefined || context.isStopped()) follow = false;
  }
}

function chunkOf(
  line: { text: string; time: number; partial: boolean },
  stream: LogStream,
): LogChunk {
  return {
    stream,
    text: line.text,
    time: line.time,
    ...(line.partial ? { partial: true } : {}),
  };
}
