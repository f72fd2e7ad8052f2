/**
 * `containerops run FILE`: validates a workflow, runs it on an orchestrator and shows it live.
 */
import { Engine, formatDiagnostic, resolveRunInputs } from '@containerops/core';
import type {
  Diagnostic,
  Orchestrator,
  TargetOrchestrator,
  WorkflowDefinition,
} from '@containerops/core';
import type { CliIo } from '../io.js';
import type { PluginEntry, PluginHost } from '@containerops/sdk/host';
import { createPluginHost } from '@containerops/server/plugins';
import { pluginsFromConfig } from '../orchestrators/config-plugins.js';
import { checkWorkflowFit, selectOrchestrator } from '../orchestrators/select-orchestrator.js';
import { createWorkflowHooks } from '../hooks/workflow-hooks.js';
import { hasHooks } from '../hooks/lua-validation.js';
import { chooseRenderer } from '../render/choose-renderer.js';
import { needsCallbacks, startCallbackServer } from '../service-callbacks/callback-server.js';
import type { CallbackServer } from '../service-callbacks/callback-server.js';
import { envSecretProvider, SECRET_ENV_PREFIX } from '../secrets/env-secret-provider.js';
import { ExitCode, parseCommandArgs, parseKeyValues, UsageError } from '../usage.js';
import { loadWorkflowFile } from '../workflow-file.js';
import type { Command } from './command.js';
import { runSession } from './run-session.js';
import { connect, connectionHelp, connectionOptions, SERVER_ENV } from '../api/connection.js';
import { runRemote } from './remote-run.js';

function helpText(registry: readonly PluginEntry[]): string {
  return `Usage: containerops run FILE [options]
       containerops run --server URL NAME [--input KEY=VALUE...] [--cancel-on-interrupt]

Validates the workflow FILE, runs it and shows it live. Exits 0 when the run succeeds, 1 when
it fails (or the file is invalid), 130 when interrupted. Ctrl-C cancels the run cleanly (jobs
stopped, workspace removed); a second Ctrl-C exits at once.

Options:
  -o, --orchestrator NAME  where jobs run: ${registry.map((e) => e.name).join(', ')}
                           (default: the first of ${registry
                             .filter((e) => e.auto)
                             .map((e) => e.name)
                             .join(', ')} that is available
                           and can run every job: images need a container
                           orchestrator, image-less commands need local)
  -p, --plugin MODULE      load a third-party plugin (an npm package name, resolved from the
                           current directory, or a path; repeatable); its orchestrator is
                           then one --orchestrator can name
  -c, --config FILE        load the plugins of a server config file (its plugins:, with
                           their config) and take its orchestrator: unless -o is given
  -i, --input KEY=VALUE    a variable for every job (repeatable; the value may contain '=')
      --keep-workspace     keep the run's workspace after it ends
      --approve            approve pause stages as soon as they wait
      --callback-url BASE  for async service jobs: the base URL to advertise for their
                           callbacks (a tunnel or proxy forwarding BASE/<id> to the local
                           callback server); default http://127.0.0.1:<port>/callbacks
      --callback-port PORT port of the local callback server (default: a free one)
      --json               one JSON object per line: events, log lines, then the result
      --plain              plain lines instead of the live tree (also when stdout is no
                           terminal, or NO_COLOR is set)
  -h, --help               show this help

On a server: with --server (or $${SERVER_ENV} set and NAME not ending in .yaml/.yml),
triggers a run of the stored workflow NAME (namespace/repository/name) and follows its status
and logs live, with the same views. Exits with the run's result (0 or 1). Ctrl-C detaches and
prints the run id (the run goes on) unless --cancel-on-interrupt; exit code 130.
${connectionHelp}
      --cancel-on-interrupt  Ctrl-C cancels the run on the server (twice: detach)

Orchestrators:
${registry.map((e) => `  ${e.name.padEnd(8)} ${e.description}`).join('\n')}

Secrets: \${{ secrets.NAME }} reads the environment variable ${SECRET_ENV_PREFIX}NAME.
Hooks: Lua pre/post hooks run in a sandbox; a hook given as a .lua path is read relative to
the workflow file's directory.
`;
}

/** The `run` command over a plugin host (tests pass their own); one fresh host per run. */
export function createRunCommand(makeHost: () => PluginHost = () => createPluginHost()): Command {
  const help = helpText(makeHost().entries('orchestrator'));
  return {
    name: 'run',
    summary: 'run a workflow file and show it live',
    help,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs('run', args, {
        orchestrator: { type: 'string', short: 'o' },
        plugin: { type: 'string', short: 'p', multiple: true },
        config: { type: 'string', short: 'c' },
        input: { type: 'string', short: 'i', multiple: true },
        'keep-workspace': { type: 'boolean' },
        approve: { type: 'boolean' },
        'callback-url': { type: 'string' },
        'callback-port': { type: 'string' },
        json: { type: 'boolean' },
        plain: { type: 'boolean' },
        'cancel-on-interrupt': { type: 'boolean' },
        ...connectionOptions,
      });
      if (values.help) {
        io.stdout.write(help);
        return ExitCode.ok;
      }
      if (positionals.length !== 1) {
        throw new UsageError(
          positionals.length === 0 ? 'no workflow file given' : 'give exactly one workflow file',
          'run',
        );
      }
      const file = positionals[0] as string;
      const inputs = parseKeyValues('run', 'input', values.input);
      const json = values.json ?? false;
      if (isRemote(values.server, io, file)) {
        const localOnly = LOCAL_ONLY.filter((option) => values[option] !== undefined);
        if (localOnly.length > 0) {
          throw new UsageError(
            `--${localOnly.join(', --')}: only for local runs (without --server)`,
            'run',
          );
        }
        const client = connect('run', values, io);
        try {
          return await runRemote({
            client,
            workflow: file,
            inputs,
            renderer: chooseRenderer(io, { json, plain: values.plain ?? false }),
            io,
            cancelOnInterrupt: values['cancel-on-interrupt'] ?? false,
          });
        } finally {
          await client.close();
        }
      }
      if (values['cancel-on-interrupt'] !== undefined || values.token !== undefined) {
        throw new UsageError('--cancel-on-interrupt and --token need --server', 'run');
      }
      const callbackPort = parsePort(values['callback-port']);

      // Parsed once without an orchestrator to pick one (auto mode looks at the jobs), then
      // again for the chosen one when the file names `kubectl` manifests (read from the flow
      // file's directory only for an orchestrator that applies them) or did not parse without
      // it (a `kubectl`-only job is valid on kubernetes alone).
      const first = await loadWorkflowFile(io, file);
      if (!first.ok) return fail(io, json, `${first.error}${serverHint(file, first.error)}`);
      const explicit = values.orchestrator !== undefined || values.config !== undefined;
      if (first.result.workflow === undefined && !explicit) {
        printDiagnostics(io, json, file, first.result.diagnostics);
        return fail(io, json, `${file} is invalid; nothing was run`);
      }

      let orchestrator: Orchestrator;
      const host = makeHost();
      try {
        const configured =
          values.config === undefined ? undefined : await pluginsFromConfig(values.config, io.cwd);
        for (const reference of configured?.plugins ?? []) await host.load(reference);
        for (const module of values.plugin ?? [])
          await host.load({ module, baseDir: io.cwd, where: `--plugin ${module}` });
        const requested = values.orchestrator ?? configured?.orchestrator;
        orchestrator = await selectOrchestrator(host, requested, first.result.workflow);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        return fail(io, json, (error as Error).message);
      }
      const loaded =
        first.result.workflow === undefined || usesKubectl(first.result.workflow)
          ? await loadWorkflowFile(io, file, targetOf(orchestrator))
          : first;
      if (!loaded.ok) return fail(io, json, loaded.error);
      const { diagnostics, workflow } = loaded.result;
      printDiagnostics(io, json, file, diagnostics);
      if (workflow === undefined) return fail(io, json, `${file} is invalid; nothing was run`);
      if (first.result.workflow === undefined) {
        // Chosen before the file parsed: the fit check selectOrchestrator makes, made now.
        try {
          checkWorkflowFit(orchestrator, workflow);
        } catch (error) {
          return fail(io, json, (error as Error).message);
        }
      }
      // The rule the server applies too: only declared, non-reserved inputs (core's run-inputs).
      let runInputs: Record<string, string>;
      try {
        runInputs = resolveRunInputs(workflow.inputs, inputs ?? {});
      } catch (error) {
        return fail(io, json, (error as Error).message);
      }
      const renderer = chooseRenderer(io, { json, plain: values.plain ?? false });
      let callbacks: CallbackServer | undefined;
      if (needsCallbacks(workflow)) {
        try {
          callbacks = await startCallbackServer({
            ...(values['callback-url'] === undefined
              ? {}
              : { advertisedUrl: values['callback-url'] }),
            ...(callbackPort === undefined ? {} : { port: callbackPort }),
            onRefused: (r) =>
              renderer.notice(`refused a service callback (${r.code}): ${r.message}`),
          });
        } catch (error) {
          return fail(
            io,
            json,
            `cannot start the service callback server: ${(error as Error).message}`,
          );
        }
      }
      // fengari and its worker threads only for workflows that have hooks.
      const hooks = hasHooks(workflow)
        ? await createWorkflowHooks(io, loaded.path, host)
        : undefined;
      try {
        const engine = new Engine({
          orchestrator,
          secrets: envSecretProvider(io.env),
          ...(hooks === undefined ? {} : { hooks }),
          ...(callbacks === undefined ? {} : { serviceCallbacks: callbacks.registry }),
        });
        return await runSession({
          engine,
          workflow,
          orchestrator: orchestrator.name,
          renderer,
          io,
          inputs: runInputs,
          keepWorkspace: values['keep-workspace'] ?? false,
          approve: values.approve ?? false,
        });
      } finally {
        await hooks?.close();
        await callbacks?.close();
      }
    },
  };
}

export const runCommand: Command = createRunCommand();

function printDiagnostics(
  io: CliIo,
  json: boolean,
  file: string,
  diagnostics: readonly Diagnostic[],
): void {
  for (const d of diagnostics) {
    if (json) io.stdout.write(`${JSON.stringify({ type: 'diagnostic', file, ...d })}\n`);
    else io.stderr.write(`${formatDiagnostic(file, d)}\n`);
  }
}

/** True when some job of `workflow` names a `kubectl` manifest. */
function usesKubectl(workflow: WorkflowDefinition): boolean {
  return workflow.stages.some((stage) =>
    stage.actions.some((action) => action.jobs.some((job) => job.kubectl !== undefined)),
  );
}

/** What the parser needs to know of the orchestrator a workflow will run on. */
function targetOf(orchestrator: Orchestrator): TargetOrchestrator {
  return { name: orchestrator.name, jobOptions: orchestrator.capabilities.jobOptions ?? [] };
}

/** Options that mean nothing for a run on a server. */
const LOCAL_ONLY = [
  'orchestrator',
  'plugin',
  'config',
  'keep-workspace',
  'approve',
  'callback-url',
  'callback-port',
] as const;

/**
 * A run goes to a server with `--server`, or with CONTAINEROPS_SERVER set when the argument is a
 * workflow name rather than a file (`*.yaml`/`*.yml` files still run locally).
 */
function isRemote(server: string | undefined, io: CliIo, name: string): boolean {
  if (server !== undefined) return true;
  const fromEnv = io.env[SERVER_ENV];
  return fromEnv !== undefined && fromEnv.trim() !== '' && !/\.ya?ml$/i.test(name);
}

/**
 * `run default/examples/hello` without a server: the name of a stored workflow was read as a file
 * name. Say how to run it on a server instead of only "no such file".
 */
function serverHint(name: string, error: string): string {
  if (!error.endsWith('no such file') || !STORED_WORKFLOW_NAME.test(name)) return '';
  if (/\.ya?ml$/i.test(name)) return '';
  return (
    `\n  "${name}" looks like the name of a workflow stored on a server: set ${SERVER_ENV} ` +
    '(and CONTAINEROPS_TOKEN), or pass --server URL, to run it there'
  );
}

/** namespace/repository/name, not a path to a YAML file. */
const STORED_WORKFLOW_NAME = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;

/** `--callback-port`: a TCP port number, or undefined when not given. */
function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new UsageError(`--callback-port must be a port number (1-65535), got "${text}"`, 'run');
  }
  return port;
}

function fail(io: CliIo, json: boolean, message: string): number {
  if (json)
    io.stdout.write(
      `${JSON.stringify({ type: 'result', status: 'error', error: message, exitCode: 1 })}\n`,
    );
  else io.stderr.write(`containerops run: ${message}\n`);
  return ExitCode.failed;
}
