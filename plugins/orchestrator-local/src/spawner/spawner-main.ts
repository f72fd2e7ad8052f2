/**
 * The spawner helper: a small Node process that spawns the `local` orchestrator's jobs on behalf
 * of the process hosting the engine (see `SpawnerLauncher` for why). Protocol: `protocol.ts`.
 *
 * It lives exactly as long as its stdin: when the engine's process goes away (even by SIGKILL)
 * stdin ends, and the helper kills every job it still runs and exits, so no job outlives the
 * engine. It is started in its own session, so a Ctrl-C meant for the CLI does not reach it; the
 * CLI cancels jobs itself.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { LogStream } from '@containerops/sdk';
import { forwardOutput } from '../in-process-launcher.js';
import { killGroup } from '../process-group.js';
import { JsonLineReader } from './protocol.js';
import type { SpawnerEvent, SpawnerRequest } from './protocol.js';

const children = new Map<number, ChildProcess>();

// Events are written in one piece per turn of the event loop: a burst of lines from several jobs
// costs one write, and an event still leaves within the turn that produced it.
let outgoing = '';
function send(event: SpawnerEvent): void {
  if (outgoing === '') setImmediate(flush);
  outgoing += JSON.stringify(event) + '\n';
}
function flush(): void {
  const text = outgoing;
  outgoing = '';
  process.stdout.write(text);
}

function start(request: Extract<SpawnerRequest, { op: 'spawn' }>): void {
  const { id } = request;
  let child: ChildProcess;
  try {
    child = spawn(request.file, [...request.args], {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    // Invalid arguments (a NUL byte in an argument, say) throw instead of emitting `error`.
    const err = error as NodeJS.ErrnoException;
    send({ op: 'failed', id, code: err.code, message: err.message });
    return;
  }
  const pid = child.pid;
  if (pid === undefined) {
    child.once('error', (error: NodeJS.ErrnoException) =>
      send({ op: 'failed', id, code: error.code, message: error.message }),
    );
    return;
  }
  children.set(id, child);
  child.on('error', () => undefined); // later errors surface as the exit
  send({ op: 'started', id, pid });
  const listener = {
    lines: (stream: LogStream, lines: readonly string[], time: number) =>
      send({ op: 'lines', id, stream, lines, time }),
    closed: (stream: LogStream) => send({ op: 'closed', id, stream }),
  };
  forwardOutput(child, 'stdout', listener);
  forwardOutput(child, 'stderr', listener);
  child.once('exit', (code, signal) => {
    children.delete(id);
    send({ op: 'exited', id, code, signal });
  });
}

function handle(request: SpawnerRequest): void {
  if (request.op === 'spawn') {
    start(request);
    return;
  }
  const child = children.get(request.id);
  if (!child) return;
  for (const stream of [child.stdout, child.stderr]) {
    if (request.op === 'pause') stream?.pause();
    else stream?.resume();
  }
}

const reader = new JsonLineReader<SpawnerRequest>(handle);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text: string) => reader.push(text));
/** The engine is gone (or asks us to go): no job may outlive it. */
function shutDown(): never {
  for (const child of children.values())
    if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
  process.exit(0);
}
process.stdin.once('end', shutDown);
process.stdout.on('error', shutDown); // EPIPE: nobody reads our events any more
process.once('SIGTERM', shutDown);
// A terminal's signals are for the engine's process, which cancels its jobs itself.
for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => undefined);
