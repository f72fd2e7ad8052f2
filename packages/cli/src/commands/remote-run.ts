/**
 * `containerops run --server URL NAME`: triggers a run of a stored workflow on a server and shows
 * it live with the same views as a local run (tree, plain lines, JSON), fed by the `runUpdates`
 * and `jobLog` subscriptions. Ctrl-C detaches (the run goes on; its id is printed) unless
 * `--cancel-on-interrupt`, which cancels it on the server and waits for its end.
 */
import type { WorkflowDefinition } from '@containerops/core';
import type { ApiClient } from '../api/api-client.js';
import type { ApiRun } from '../api/api-mappers.js';
import { RUN_FIELDS, toRunSnapshot } from '../api/api-mappers.js';
import { followRun } from '../api/run-follower.js';
import type { CliIo, CliSignal } from '../io.js';
import type { RunRenderer } from '../render/renderer.js';
import { ExitCode } from '../usage.js';

export interface RemoteRunOptions {
  readonly client: ApiClient;
  /** The workflow uri (namespace/repository/name). */
  readonly workflow: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly renderer: RunRenderer;
  readonly io: CliIo;
  /** Ctrl-C cancels the run on the server instead of detaching. */
  readonly cancelOnInterrupt: boolean;
}

const TRIGGER = `mutation($workflow: String!, $inputs: JSON) {
  triggerRun(workflow: $workflow, inputs: $inputs) { id workflowUri workflowVersion }
}`;
const MODEL = `query($uri: String!, $number: Int!) {
  workflow(uri: $uri) { version(number: $number) { model } }
}`;
const ORCHESTRATOR = '{ plugins { kind name active } }';
const RUN = `query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`;
const CANCEL = `mutation($id: ID!, $reason: String) { cancelRun(id: $id, reason: $reason) { id } }`;

/** Triggers and follows the run; resolves with the exit code (0, 1 or 130). */
export async function runRemote(options: RemoteRunOptions): Promise<number> {
  const { client, renderer, io } = options;
  const { triggerRun } = await client.request<{
    triggerRun: { id: string; workflowUri: string; workflowVersion: number };
  }>(TRIGGER, { workflow: options.workflow, inputs: options.inputs });
  const runId = triggerRun.id;
  const [model, orchestrator] = await Promise.all([
    client.request<{ workflow: { version: { model: WorkflowDefinition } | null } | null }>(MODEL, {
      uri: triggerRun.workflowUri,
      number: triggerRun.workflowVersion,
    }),
    activeOrchestrator(client),
  ]);
  const workflow = model.workflow?.version?.model;
  if (workflow === undefined) {
    // Deleted between the trigger and this query: the run still goes on; say where it is.
    io.stderr.write(`containerops run: run ${runId} started, but its workflow version is gone\n`);
    return ExitCode.failed;
  }
  renderer.start({ runId, workflow, orchestrator });

  const following = followRun(client, runId, {
    onEvent: (event) => {
      renderer.event(event);
      if (event.scope === 'stage' && event.status === 'waiting') {
        renderer.notice(
          `stage "${event.path}" waits for approval: approve or reject it in the dashboard ` +
            '(or the API: decidePause)',
        );
      }
    },
    onLog: (line) => renderer.log(line),
  });

  let interrupted = false;
  let detached = false;
  const removers: (() => void)[] = [];
  const detach = new Promise<void>((resolve) => {
    const onSignal = (signal: CliSignal): void => {
      if (interrupted || !options.cancelOnInterrupt) {
        interrupted = true;
        detached = true;
        following.stop();
        resolve();
        return;
      }
      interrupted = true;
      renderer.notice(`${signal}: cancelling run ${runId} on the server… (again to detach)`);
      client
        .request(CANCEL, { id: runId, reason: `cancelled by the user (${signal})` })
        .catch((error: unknown) =>
          renderer.notice(`could not cancel run ${runId}: ${(error as Error).message}`),
        );
    };
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      removers.push(io.onSignal(signal, () => onSignal(signal)));
    }
  });
  try {
    await Promise.race([following.done, detach]);
  } finally {
    for (const remove of removers) remove();
  }
  const { run } = await client.request<{ run: ApiRun | null }>(RUN, { id: runId });
  if (run === null) {
    io.stderr.write(`containerops run: run ${runId} is gone from the server\n`);
    return ExitCode.failed;
  }
  const snapshot = toRunSnapshot(run);
  const exitCode = interrupted
    ? ExitCode.interrupted
    : snapshot.status === 'succeeded'
      ? ExitCode.ok
      : ExitCode.failed;
  if (detached) {
    renderer.notice(
      `detached: run ${runId} goes on on the server; follow it with ` +
        `containerops logs ${runId} --follow`,
    );
  }
  renderer.finish({ snapshot, interrupted, exitCode });
  return exitCode;
}

/** The server's active orchestrator's name, for the run header; `server` when unknown. */
async function activeOrchestrator(client: ApiClient): Promise<string> {
  try {
    const { plugins } = await client.request<{
      plugins: { kind: string; name: string; active: boolean | null }[];
    }>(ORCHESTRATOR);
    return plugins.find((p) => p.kind === 'ORCHESTRATOR' && p.active === true)?.name ?? 'server';
  } catch {
    return 'server'; // only the header needs it: not worth failing the run for
  }
}
