/**
 * Entry of a hook worker thread: runs one hook at a time, streams its log lines, and reports the
 * outcome. A fresh Lua state per hook; the thread is reused until the pool kills it.
 */
import { parentPort } from 'node:worker_threads';
import { runHookScript } from './hook-script.js';
import { memoryFloor } from './memory.js';
import type { WorkerMessage, WorkerTask } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('hook-lua: lua.worker must run in a worker thread');

function send(message: WorkerMessage): void {
  port?.postMessage(message);
}

port.on('message', (task: WorkerTask) => {
  let outcome;
  try {
    outcome = runHookScript(task.request, (text) => send({ type: 'log', id: task.id, text }));
  } catch (error) {
    outcome = {
      error: `internal error: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  send({ type: 'done', id: task.id, outcome });
});
// Measured before the first hook, so that no hook pays for the collection it takes.
memoryFloor();
send({ type: 'ready' });
