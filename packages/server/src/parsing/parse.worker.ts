/**
 * A workflow parser thread: core's parser (with inline Lua hooks syntax-checked by
 * `@containerops/hook-lua`, loaded only for files that have hooks), one source at a time. Runs
 * off the server's event loop, so a costly file delays only its own request; the pool stops a
 * thread that overruns its time limit (parse-pool.ts).
 */
import { parentPort } from 'node:worker_threads';
import { parseWorkflow } from '@containerops/core';
import type { ManifestReader, ScriptChecker } from '@containerops/core';
import type { ParseTask, WorkerMessage } from './parse-protocol.js';

const HOOK_FIELD = /^[\s-]*(?:pre|post)\s*:/m;

async function luaChecker(source: string): Promise<ScriptChecker | undefined> {
  if (!HOOK_FIELD.test(source)) return undefined;
  const lua = await import('@containerops/hook-lua');
  return (script) => {
    let file: string | undefined;
    try {
      file = lua.scriptPathOf(script);
    } catch (error) {
      return { line: 1, message: (error as Error).message };
    }
    if (file !== undefined) {
      return {
        line: 1,
        message: `hook script files (${file}) cannot be read by the server: put the Lua inline`,
      };
    }
    return lua.checkLuaSyntax(script);
  };
}

/**
 * The server stores a workflow's text alone, so a `kubectl: <file>` manifest has nowhere to be
 * read from: said at the field, rather than the job starting with a file name for a manifest.
 */
const noManifestFiles: ManifestReader = (path) => {
  throw new Error(
    `kubectl manifest "${path}" cannot be read: the server keeps only the workflow file, not ` +
      'the files next to it; run this flow with `containerops run` from its directory, or give ' +
      'the job an "endpoint" image',
  );
};

async function parse(task: ParseTask): Promise<WorkerMessage> {
  try {
    const checker = await luaChecker(task.source);
    const parsed = parseWorkflow(task.source, {
      fileName: task.fileName,
      // The loaded notifiers' types: any other `receivers:` entry gets the "no notifier handles
      // it" warning rather than being dropped without a word.
      receiverTypes: task.receiverTypes,
      ...(checker === undefined ? {} : { scriptChecker: checker }),
      ...(task.orchestrator === undefined
        ? {}
        : { orchestrator: task.orchestrator, readManifest: noManifestFiles }),
    });
    return {
      type: 'parsed',
      id: task.id,
      result: {
        ...(parsed.workflow === undefined ? {} : { workflow: parsed.workflow }),
        diagnostics: parsed.diagnostics,
        sourceMap: new Map(parsed.sourceMap),
      },
    };
  } catch (error) {
    return { type: 'failed', id: task.id, message: (error as Error).message ?? String(error) };
  }
}

const port = parentPort;
if (port === null) throw new Error('parse.worker.ts runs as a worker thread only');
port.on('message', (task: ParseTask) => {
  void parse(task).then((message) => port.postMessage(message));
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
