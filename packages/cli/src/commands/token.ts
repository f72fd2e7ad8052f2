/**
 * `containerops token create NAME [--expires-in-days N]`: creates an API token for the caller and
 * prints its secret once (only its hash is stored on the server).
 */
import { connect, connectionHelp, connectionOptions } from '../api/connection.js';
import { ExitCode, parseCommandArgs, UsageError } from '../usage.js';
import type { Command } from './command.js';
import { takeSubcommand } from './subcommand.js';

const help = `Usage: containerops token create NAME [--expires-in-days N]

Creates an API token named NAME for you (the owner of the token used to call) and prints its
secret on standard output, alone on one line, so it can be captured:

  export CONTAINEROPS_TOKEN=$(containerops token create ci --expires-in-days 90)

The secret is shown once: the server keeps only its hash.

Options:
      --expires-in-days N  the token stops working after N days (default: never)
${connectionHelp}
  -h, --help               show this help
`;

const CREATE = `mutation($name: String!, $days: Int) {
  createToken(name: $name, expiresInDays: $days) { secret token { id name prefix expiresAt } }
}`;

interface CreateResult {
  createToken: {
    secret: string;
    token: { id: string; name: string; prefix: string; expiresAt: string | null };
  };
}

export const tokenCommand: Command = {
  name: 'token',
  summary: 'manage API tokens on a server: create one',
  help,
  async run(args, io) {
    const taken = takeSubcommand('token', args, ['create'], help, io);
    if ('exit' in taken) return taken.exit;
    const { rest } = taken;
    const { values, positionals } = parseCommandArgs('token', rest, {
      'expires-in-days': { type: 'string' },
      ...connectionOptions,
    });
    if (values.help) {
      io.stdout.write(help);
      return ExitCode.ok;
    }
    if (positionals.length !== 1) throw new UsageError('give exactly one token NAME', 'token');
    const days = parseDays(values['expires-in-days']);
    const client = connect('token', values, io);
    const { createToken } = await client.request<CreateResult>(CREATE, {
      name: positionals[0],
      days: days ?? null,
    });
    const { token } = createToken;
    io.stdout.write(`${createToken.secret}\n`);
    io.stderr.write(
      `created token "${token.name}" (id ${token.id}, ${token.prefix}…, ` +
        `${token.expiresAt === null ? 'never expires' : `expires ${token.expiresAt}`}); ` +
        'the secret above is shown only once\n',
    );
    return ExitCode.ok;
  },
};

function parseDays(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1) {
    throw new UsageError(
      `--expires-in-days must be a whole number of days (1 or more), got "${text}"`,
      'token',
    );
  }
  return days;
}
