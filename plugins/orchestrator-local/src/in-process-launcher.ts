/**
 * Spawns jobs from the process hosting the engine. The lowest latency in a small process (the
 * CLI); in a large one every spawn forks it, which blocks its event loop until the child has
 * exec'd and costs CPU in copy-on-write faults afterwards (see `SpawnerLauncher`).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { LogStream } from '@containerops/sdk';
import { LineSplitter } from './line-splitter.js';
import type { SplitLines } from './line-splitter.js';
import type {
  LaunchedProcess,
  LaunchRequest,
  ProcessLauncher,
  ProcessListener,
} from './process-launcher.js';

/** See the module comment. */
export class InProcessLauncher implements ProcessLauncher {
  /**
   * Returns at once when the spawn succeeded: Node sets `child.pid` synchronously exactly then (a
   * failure such as ENOENT leaves it unset and emits `error` on the next tick), so waiting for the
   * `spawn` event would only add turns between the fork and the caller.
   */
  launch(
    request: LaunchRequest,
    listener: ProcessListener,
  ): LaunchedProcess | Promise<LaunchedProcess> {
    const child = spawn(request.file, request.args, {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    if (pid === undefined) {
      return new Promise<never>((_resolve, reject) => child.once('error', reject));
    }
    child.on('error', () => undefined); // later errors (a failed kill) surface as the exit
    forwardOutput(child, 'stdout', listener);
    forwardOutput(child, 'stderr', listener);
    child.once('exit', (code, signal) => listener.exited(pid, code, signal));
    return {
      pid,
      pause: () => {
        child.stdout?.pause();
        child.stderr?.pause();
      },
      resume: () => {
        child.stdout?.resume();
        child.stderr?.resume();
      },
    };
  }
}

/** Sends one of `child`'s streams to `listener` as lines. */
function forwardOutput(
  child: ChildProcess,
  stream: LogStream,
  listener: Pick<ProcessListener, 'lines' | 'closed'>,
): void {
  const source = stream === 'stdout' ? child.stdout : child.stderr;
  if (!source) {
    listener.closed(stream);
    return;
  }
  const splitter = new LineSplitter();
  const forward = ({ lines, partial }: SplitLines): void => {
    if (lines.length === 0) return;
    if (partial.length === 0) listener.lines(stream, lines, Date.now());
    else listener.lines(stream, lines, Date.now(), partial);
  };
  source.on('data', (chunk: Buffer) => forward(splitter.push(chunk)));
  source.on('error', () => undefined); // the 'close' that follows ends the stream
  source.once('close', () => {
    forward(splitter.end());
    listener.closed(stream);
  });
}
