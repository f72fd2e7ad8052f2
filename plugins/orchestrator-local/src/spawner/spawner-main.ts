/**
 * The spawner helper: a small Node process that spawns the `local` orchestrator's jobs on behalf
 * of the process hosting the engine (see `SpawnerLauncher` for why). Protocol: `protocol.ts`.
 *
 * It lives exactly as long as its stdin: when the engine's process goes away (even by SIGKILL)
 * stdin ends, and the helper kills every job it still runs and exits, so no job outlives the
 * engine. It is started in its own session, so a Ctrl-C meant for the CLI does not reach it; the
 * CLI cancels jobs itself.
 */
import { InProcessLauncher } from '../in-process-launcher.js';
import { killGroup } from '../process-group.js';
import type { LaunchedProcess, LaunchError } from '../process-launcher.js';
import { JsonLineReader } from './protocol.js';
import type { SpawnerEvent, SpawnerRequest } from './protocol.js';

// The helper spawns exactly as a host spawning in-process does; it only carries the results over.
const launcher = new InProcessLauncher();
const running = new Map<number, LaunchedProcess>();

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
  const failed = (error: LaunchError): void =>
    send({ op: 'failed', id, code: error.code, message: error.message });
  const started = (job: LaunchedProcess): void => {
    running.set(id, job);
    send({ op: 'started', id, pid: job.pid });
  };
  try {
    const launched = launcher.launch(request, {
      lines: (stream, lines, time, partial) =>
        send({
          op: 'lines',
          id,
          stream,
          lines,
          time,
          ...(partial === undefined ? {} : { partial }),
        }),
      closed: (stream) => send({ op: 'closed', id, stream }),
      exited: (_pid, code, signal) => {
        running.delete(id);
        send({ op: 'exited', id, code, signal });
      },
    });
    // Synchronously when the spawn succeeded, so `started` is queued before any other event.
    if (launched instanceof Promise) launched.then(started, failed);
    else started(launched);
  } catch (error) {
    // Invalid arguments (a NUL byte in an argument, say) throw instead of failing later.
    failed(error as LaunchError);
  }
}

function handle(request: SpawnerRequest): void {
  if (request.op === 'spawn') start(request);
  else if (request.op === 'pause') running.get(request.id)?.pause();
  else running.get(request.id)?.resume();
}

const reader = new JsonLineReader<SpawnerRequest>(handle);
// The pool routes launches to booted helpers first (a boot takes hundreds of spawns' time).
send({ op: 'ready' });
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text: string) => reader.push(text));
/** The engine is gone (or asks us to go): no job may outlive it. */
function shutDown(): never {
  for (const job of running.values()) killGroup(job.pid, 'SIGKILL');
  process.exit(0);
}
process.stdin.once('end', shutDown);
process.stdout.on('error', shutDown); // EPIPE: nobody reads our events any more
process.once('SIGTERM', shutDown);
// A terminal's signals are for the engine's process, which cancels its jobs itself.
for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => undefined);
