/**
 * `containerops secret set ORG NAME`: stores a secret of an organisation on the server. The value
 * comes from standard input or an environment variable, never from the command line, where other
 * users of the machine (ps, /proc) and shell history would see it.
 */
import { connect, connectionHelp, connectionOptions } from '../api/connection.js';
import { ExitCode, parseCommandArgs, UsageError } from '../usage.js';
import type { Command } from './command.js';
import { takeSubcommand } from './subcommand.js';

const help = `Usage: containerops secret set ORG NAME [--value-from-env VAR]

Stores the secret NAME of organisation ORG (create or replace); workflows of ORG read it as
\${{ secrets.NAME }}. The value is read from standard input (one trailing newline is removed,
so \`echo "$X" | containerops secret set ...\` works), or from the environment variable VAR
with --value-from-env. It is never taken from the command line. Needs the admin role in ORG.

  containerops secret set acme DEPLOY_KEY < deploy_key.pem
  containerops secret set acme SLACK_URL --value-from-env SLACK_URL

Options:
      --value-from-env VAR  read the value from the environment variable VAR
${connectionHelp}
  -h, --help                show this help
`;

const SET = `mutation($org: String!, $name: String!, $value: String!) {
  setSecret(organization: $org, name: $name, value: $value) { organization name updatedAt }
}`;

export const secretCommand: Command = {
  name: 'secret',
  summary: "manage an organisation's secrets on a server: set one",
  help,
  async run(args, io) {
    const taken = takeSubcommand('secret', args, ['set'], help, io);
    if ('exit' in taken) return taken.exit;
    const { rest } = taken;
    const { values, positionals } = parseCommandArgs('secret', rest, {
      'value-from-env': { type: 'string' },
      ...connectionOptions,
    });
    if (values.help) {
      io.stdout.write(help);
      return ExitCode.ok;
    }
    if (positionals.length !== 2) {
      throw new UsageError(
        positionals.length > 2
          ? 'give ORG and NAME only: the value is read from stdin or --value-from-env, never argv'
          : 'give the organisation and the secret name: secret set ORG NAME',
        'secret',
      );
    }
    const [org, name] = positionals as [string, string];
    const client = connect('secret', values, io);
    const value = await readValue(values['value-from-env'], io);
    if (value === undefined) return ExitCode.failed;
    const { setSecret } = await client.request<{
      setSecret: { organization: string; name: string };
    }>(SET, { org, name, value });
    io.stdout.write(`secret ${setSecret.organization}/${setSecret.name} set\n`);
    return ExitCode.ok;
  },
};

async function readValue(
  envName: string | undefined,
  io: Parameters<Command['run']>[1],
): Promise<string | undefined> {
  if (envName !== undefined) {
    const value = io.env[envName];
    if (value === undefined || value === '') {
      io.stderr.write(
        `containerops secret: the environment variable ${envName} is not set or empty\n`,
      );
      return undefined;
    }
    return value;
  }
  if (io.stdinIsTTY === true) io.stderr.write('Enter the secret value, then Ctrl-D:\n');
  const text = (await io.readStdin()).replace(/\r?\n$/, '');
  if (text === '') {
    io.stderr.write(
      'containerops secret: no value on standard input (pipe it in, or use --value-from-env VAR)\n',
    );
    return undefined;
  }
  return text;
}
