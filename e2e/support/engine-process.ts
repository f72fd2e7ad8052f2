/**
 * TEST SUPPORT: an engine in its own process, on the Docker orchestrator and the file-backed
 * stores of a state directory, so a test can SIGKILL it and start another one on that state.
 *
 * ```
 * node --conditions=@containerops/source --import tsx e2e/support/engine-process.ts \
 *   start <stateDir> <runId> <workflow.yaml>     # starts the run and waits for it
 * ... recover <stateDir>                         # Engine.recover(), then waits for those runs
 * ```
 * It reports on stdout, one JSON object per line: `{"started":runId}`, `{"recovered":[runIds]}`,
 * then `{"done":{runId,status,reason}}` per run, and exits 0 once every run ended (1 on a
 * setup error, with the message on stderr).
 */
import { readFile } from 'node:fs/promises';
import { Engine, parseWorkflow } from '@containerops/core';
import type { RunHandle } from '@containerops/core';
import { createDockerOrchestrator } from '@containerops/orchestrator-docker';
import { FileLogSink } from './file-log-sink.js';
import { FileRunStore } from './file-run-store.js';

function report(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  const [mode, stateDir, runId, workflowPath] = argv;
  if (stateDir === undefined || (mode !== 'start' && mode !== 'recover')) {
    throw new Error(
      'usage: engine-process.ts start <stateDir> <runId> <workflow.yaml> | recover <stateDir>',
    );
  }
  const store = await FileRunStore.open(stateDir);
  const logs = await FileLogSink.open(stateDir);
  const orchestrator = createDockerOrchestrator({
    network: 'none',
    pullPolicy: 'never',
    stopGraceMs: 1_000,
  });
  const engine = new Engine({ orchestrator, store, logs, stopGraceMs: 1_000 });

  let handles: RunHandle[];
  if (mode === 'start') {
    if (runId === undefined || workflowPath === undefined)
      throw new Error('start needs <runId> <workflow.yaml>');
    const parsed = parseWorkflow(await readFile(workflowPath, 'utf8'));
    if (parsed.workflow === undefined) {
      throw new Error(`invalid workflow: ${JSON.stringify(parsed.diagnostics)}`);
    }
    handles = [engine.start(parsed.workflow, { runId })];
    report({ started: runId });
  } else {
    handles = await engine.recover();
    report({ recovered: handles.map((h) => h.runId) });
  }
  for (const handle of handles) {
    const final = await handle.done;
    report({ done: { runId: final.runId, status: final.status, reason: final.reason ?? null } });
  }
  await store.close();
  await logs.close();
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `engine-process: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
