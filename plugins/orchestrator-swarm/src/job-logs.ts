/**
 * Following a job's output. A Swarm job's output is its task's container's output; the way to
 * read it depends on where the task runs:
 * - on the node this orchestrator talks to (always, on a single-node swarm): the container's own
 *   log, through the docker plugin's `followContainerLogs`. A plain `follow` is not enough: Docker
 *   20.10 may end it before the last lines of a container that exits while the reader lags
 *   (a 100,000-line job lost most of its output that way), so the follower re-reads the tail
 *   once the container has stopped, skipping what it already delivered;
 * - on another node: the task's log stream through the manager (`GET /tasks/{id}/logs`), which
 *   with `follow` never ends on its own (Docker keeps it open after the task exits). It is
 *   followed until the task is terminal, then closed, and the tail is read once more without
 *   `follow` from the last line's time, skipping the lines already given (the resume rule of
 *   `LogOptions`), so nothing written before the exit is lost or repeated.
 * Demultiplexing, line splitting, timestamps and the resume filter are the docker plugin's.
 */
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { LogChunk, LogOptions } from '@containerops/sdk';
import {
  containerLogSource,
  dockerSinceSeconds,
  followContainerLogs,
  isContainerGone,
  isNotFound,
  readDockerLogStream,
} from '@containerops/orchestrator-docker';
import { isTerminal } from './task-exit.js';
import type { TaskSnapshot, TaskWatcher } from './task-watcher.js';

/**
 * Where logs are read from: `auto` (the container when the task runs on this node, else the task
 * through the manager), `container` or `task` (forced; `task` also works on one node, for tests).
 */
export type SwarmLogSource = 'auto' | 'container' | 'task';

export const swarmLogSources: readonly SwarmLogSource[] = ['auto', 'container', 'task'];

export interface JobLogContext {
  readonly docker: Dockerode;
  readonly watcher: TaskWatcher;
  readonly source: SwarmLogSource;
  /** Swarm node id of the engine this orchestrator talks to. */
  localNodeId(): Promise<string>;
  /** `stop()` was called for the job: stream errors then end the logs instead of failing them. */
  isStopped(): boolean;
}

/**
 * A task is worth reading once its container has been started (`running`, or already past it),
 * or never will be (gone). Not earlier: Docker answers `follow` on a created but not yet started
 * container with the (empty) log as it is and ends the stream at once.
 */
function readable(snapshot: TaskSnapshot): boolean {
  const { task } = snapshot;
  return snapshot.gone || (task !== undefined && (task.state === 'running' || isTerminal(task)));
}

/**
 * Every line of the job's stdout and stderr, once, in order within each stream, until both close.
 * Ends without lines when the task never got a container (rejected, removed before it started).
 */
export async function* followJobLogs(
  context: JobLogContext,
  serviceId: string,
  options: LogOptions = {},
): AsyncGenerator<LogChunk> {
  const { signal } = options;
  let snapshot: TaskSnapshot;
  try {
    snapshot = await context.watcher.until(serviceId, readable, signal);
  } catch (error) {
    if (signal?.aborted === true) return;
    throw error;
  }
  const task = snapshot.task;
  if (task === undefined || task.containerId === undefined) return;
  const local = task.nodeId !== '' && task.nodeId === (await context.localNodeId());
  const useContainer = context.source === 'container' || (context.source === 'auto' && local);
  try {
    if (useContainer) {
      yield* containerLogs(context.docker, task.containerId, options);
    } else {
      yield* taskLogs(context, serviceId, task.id, options);
    }
  } catch (error) {
    // Removing a stopped job's service removes its container under the open stream; so does a
    // `docker rm -f` from outside, which `wait` then reports: either way the log has ended.
    if (context.isStopped() || signal?.aborted === true || isNotFound(error)) return;
    if (await isContainerGone(context.docker.getContainer(task.containerId))) return;
    throw error;
  }
}

async function* containerLogs(
  docker: Dockerode,
  containerId: string,
  options: LogOptions,
): AsyncGenerator<LogChunk> {
  yield* followContainerLogs(containerLogSource(docker.getContainer(containerId)), options);
}

type TaskLogOptions = {
  follow: boolean;
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
  since?: number;
  abortSignal?: AbortSignal;
};

/**
 * dockerode implements `Task.logs` but its types omit it. It answers a stream with `follow`,
 * and without it the whole (binary, multiplexed) body as a Buffer.
 */
type TaskWithLogs = Dockerode.Task & {
  logs(options: TaskLogOptions): Promise<NodeJS.ReadableStream | Buffer>;
};

function asStream(body: NodeJS.ReadableStream | Buffer): NodeJS.ReadableStream {
  return Buffer.isBuffer(body) ? Readable.from([body]) : body;
}

async function* taskLogs(
  context: JobLogContext,
  serviceId: string,
  taskId: string,
  options: LogOptions,
): AsyncGenerator<LogChunk> {
  const task = context.docker.getTask(taskId) as TaskWithLogs;
  const follow = new AbortController();
  const onAbort = (): void => follow.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Closes the follow stream once the task is terminal; the tail read below picks up the rest.
  const ended = context.watcher
    .until(serviceId, (s) => s.gone || (s.task !== undefined && isTerminal(s.task)), follow.signal)
    .then(
      () => follow.abort(),
      () => follow.abort(),
    );
  let lastTime: number | undefined = options.sinceTime;
  let atLastTime = lastTime === undefined ? 0 : (options.skipAtSinceTime ?? 0);
  // The newest stamp given so far, and how many lines carried it: the tail read resumes there.
  // (Stamps are monotonic per stream only: Docker stamps stdout and stderr in separate readers.)
  const remember = (line: LogChunk): void => {
    if (lastTime === undefined || line.time > lastTime) {
      lastTime = line.time;
      atLastTime = 1;
    } else if (line.time === lastTime) atLastTime += 1;
  };
  try {
    const since = dockerSinceSeconds(options.sinceTime);
    const stream = await task.logs({
      follow: true,
      stdout: true,
      stderr: true,
      timestamps: true,
      ...(since === undefined ? {} : { since }),
      abortSignal: follow.signal,
    });
    for await (const line of readDockerLogStream(asStream(stream), {
      ...options,
      signal: follow.signal,
      timestamps: true,
    })) {
      remember(line);
      yield line;
    }
  } catch (error) {
    // Closed on purpose (task ended, possibly before the request was even answered).
    if (!follow.signal.aborted) throw error;
  } finally {
    follow.abort();
    options.signal?.removeEventListener('abort', onAbort);
    await ended;
  }
  if (options.signal?.aborted === true) return;
  const since = dockerSinceSeconds(lastTime);
  const tail = await task.logs({
    follow: false,
    stdout: true,
    stderr: true,
    timestamps: true,
    ...(since === undefined ? {} : { since }),
  });
  const resume = lastTime === undefined ? {} : { sinceTime: lastTime, skipAtSinceTime: atLastTime };
  yield* readDockerLogStream(asStream(tail), {
    ...resume,
    timestamps: true,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}
