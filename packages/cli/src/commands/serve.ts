/**
 * `containerops serve`: runs the ContainerOps server (GraphQL API, dashboard, webhooks, engine)
 * until SIGINT/SIGTERM, then shuts down gracefully (runs resume on the next start).
 */
import type { Command } from './command.js';
import { ExitCode, parseCommandArgs } from '../usage.js';

const help = `Usage: containerops serve [--port N] [--data DIR] [--config FILE]

Starts the server: the GraphQL API at /graphql, the dashboard at /, webhooks at /hooks/...,
/healthz, /readyz and /metrics. On the very first start it creates the site administrator
"admin", the organisation "default" and prints a one-time API token.

Settings, strongest first: flags, environment (CONTAINEROPS_PORT, CONTAINEROPS_DATA,
CONTAINEROPS_DATABASE_URL, CONTAINEROPS_ORCHESTRATOR, CONTAINEROPS_SECRET_KEY, ...), the config
file (default ./containerops.yaml when present), defaults (port 8080, data ./data, SQLite,
orchestrator docker when the Docker socket answers, otherwise local).

Options:
  --port N          port to listen on (0: any free port)
  --host ADDR       address to listen on (default 0.0.0.0)
  --data DIR        data directory (SQLite files, secret key, local workspaces)
  --config FILE     containerops.yaml to read
  --database URL    sqlite:PATH, postgres://... or mysql://...
  --orchestrator O  auto, docker, swarm or local
  -h, --help        show this help
`;

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
      },
    });
    const server = await startServer(
      { ...config, announce: (text) => io.stdout.write(text) },
      { graphql: graphqlApiFactory() },
    );
    io.stdout.write(`ContainerOps server listening on ${server.url}\n`);
    await new Promise<void>((resolve) => {
      let removers: (() => void)[] = [];
      const stop = (): void => {
        for (const remove of removers) remove();
        removers = [];
        resolve();
      };
      removers = [io.onSignal('SIGINT', stop), io.onSignal('SIGTERM', stop)];
    });
    io.stdout.write('shutting down\n');
    await server.close();
    return ExitCode.ok;
  },
};
