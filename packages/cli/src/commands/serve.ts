/**
 * `containerops serve`: runs the ContainerOps server (GraphQL API, dashboard, webhooks, engine)
 * until SIGINT/SIGTERM, then shuts down gracefully: new runs are refused, running local jobs get
 * the grace period and are then stopped (their runs end cancelled, "server shutting down"),
 * Docker/Swarm jobs keep running and are re-attached on the next start, queued and paused runs
 * resume on the next start. A second signal exits at once.
 */
import type { CliSignal } from '../io.js';
import type { Command } from './command.js';
import { ExitCode, parseCommandArgs } from '../usage.js';

const help = `Usage: containerops serve [--port N] [--host ADDR] [--data DIR] [--config FILE]

Starts the server: the GraphQL API at /graphql, the dashboard at /, webhooks at /hooks/...,
/healthz, /readyz and /metrics. On the very first start it creates the site administrator
"admin", the organisation "default" and prints a one-time API token. One server per data
directory (and per PostgreSQL/MySQL database, unless replicas: many): a second one is refused.

Settings, strongest first: flags, environment (CONTAINEROPS_PORT or PORT, CONTAINEROPS_HOST,
CONTAINEROPS_DATA, CONTAINEROPS_DATABASE_URL, CONTAINEROPS_ORCHESTRATOR, CONTAINEROPS_SECRET_KEY,
CONTAINEROPS_SHUTDOWN_GRACE, CONTAINEROPS_REPLICAS, ...), the config file (default
./containerops.yaml when present), defaults (port 8080 on 127.0.0.1, data ./data, SQLite,
orchestrator docker when the Docker socket answers, otherwise local).

SIGTERM or Ctrl-C: new runs are refused (/readyz answers 503), running local jobs get the grace
period to finish and are then stopped (run cancelled: server shutting down), Docker and Swarm jobs
keep running and are re-attached on the next start, queued and paused runs resume on the next
start; then every store is flushed and closed (exit 0). A second SIGTERM or Ctrl-C exits at once.

Options:
  --port N               port to listen on (0: any free port; default 8080)
  --host ADDR            address to listen on (default 127.0.0.1: this machine only;
                         0.0.0.0 exposes the server on every interface)
  --data DIR             data directory (SQLite files, secret key, local workspaces)
  --config FILE          containerops.yaml to read
  --database URL         sqlite:PATH, postgres://... or mysql://...
  --orchestrator O       auto, docker, swarm or local
  --shutdown-grace DUR   how long running local jobs may take to finish on shutdown (default 30s)
  --replicas one|many    many: allow several servers on one PostgreSQL/MySQL database
  -h, --help             show this help
`;

/** Exit code of a second signal: 128 + the signal's number, as a shell reports it. */
const SIGNAL_EXIT: Readonly<Record<CliSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the ContainerOps server (API, dashboard, engine)',
  help,
  async run(args, io) {
    const { values } = parseCommandArgs(
      'serve',
      args,
      {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        config: { type: 'string' },
        database: { type: 'string' },
        orchestrator: { type: 'string' },
        'shutdown-grace': { type: 'string' },
        replicas: { type: 'string' },
      },
      false,
    );
    if (values.help) {
      io.stdout.write(help);
      return ExitCode.ok;
    }
    const { graphqlApiFactory, loadServerConfig, startServer } =
      await import('@containerops/server');
    const config = await loadServerConfig({
      ...(values.config === undefined ? {} : { file: values.config }),
      env: io.env,
      cwd: io.cwd,
      flags: {
        port: values.port,
        host: values.host,
        data: values.data,
        database: values.database,
        orchestrator: values.orchestrator,
        shutdownGrace: values['shutdown-grace'],
        replicas: values.replicas,
      },
    });
    // The server logs the one "listening on ..." line itself (with the address really bound).
    const server = await startServer(
      { ...config, announce: (text) => io.stdout.write(text) },
      { graphql: graphqlApiFactory() },
    );
    const removers: (() => void)[] = [];
    const first = await new Promise<CliSignal>((resolve) => {
      let received: CliSignal | undefined;
      const onSignal = (signal: CliSignal): void => {
        if (received === undefined) {
          received = signal;
          resolve(signal);
          return;
        }
        // Someone means it: no more waiting for jobs or stores.
        io.stderr.write(`${signal} again: exiting at once\n`);
        io.exit(SIGNAL_EXIT[signal]);
      };
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        removers.push(io.onSignal(signal, () => onSignal(signal)));
      }
    });
    io.stdout.write(
      `shutting down (${first}): new runs are refused; send ${first} again to exit at once\n`,
    );
    try {
      await server.shutdown();
    } finally {
      for (const remove of removers) remove();
    }
    return ExitCode.ok;
  },
};
