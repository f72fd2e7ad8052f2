/**
 * `--server URL` / `--token TOKEN` (or `CONTAINEROPS_SERVER` / `CONTAINEROPS_TOKEN`), shared by
 * every command that talks to a server.
 */
import type { CliIo } from '../io.js';
import { UsageError } from '../usage.js';
import { ApiClient, graphqlUrl } from './api-client.js';

export const SERVER_ENV = 'CONTAINEROPS_SERVER';
export const TOKEN_ENV = 'CONTAINEROPS_TOKEN';

/** The parseArgs options of the connection. */
export const connectionOptions = {
  server: { type: 'string' },
  token: { type: 'string' },
} as const;

/** Help lines for the connection options. */
export const connectionHelp = `      --server URL    the ContainerOps server, e.g. http://ci.example.com:8080
                      (default: $${SERVER_ENV})
      --token TOKEN   an API token (default: $${TOKEN_ENV}); prefer the variable:
                      command lines are visible to other users of the machine`;

/** A client for the server named by the flags or the environment; usage errors when missing. */
export function connect(
  command: string,
  values: { readonly server?: string | undefined; readonly token?: string | undefined },
  io: CliIo,
): ApiClient {
  const fromFlag = nonEmpty(values.server);
  const server = fromFlag ?? nonEmpty(io.env[SERVER_ENV]);
  if (server === undefined) {
    throw new UsageError(`no server given: pass --server URL or set ${SERVER_ENV}`, command);
  }
  try {
    graphqlUrl(server);
  } catch (error) {
    // Name where the bad value came from: the flag, or the variable the user may have forgotten.
    const source = fromFlag === undefined ? `${SERVER_ENV}="${server}"` : '--server';
    const scheme = server.includes('://') ? '' : ` (did you mean http://${server}?)`;
    throw new UsageError(`${source}: ${(error as Error).message}${scheme}`, command);
  }
  const token = nonEmpty(values.token) ?? nonEmpty(io.env[TOKEN_ENV]);
  if (token === undefined) {
    throw new UsageError(`no token given: set ${TOKEN_ENV} (or pass --token)`, command);
  }
  return new ApiClient({ server, token });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
