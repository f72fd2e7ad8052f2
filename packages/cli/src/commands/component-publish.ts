/**
 * `containerops component publish DIR`: publishes DIR/component.yaml (and DIR/README.md when
 * present) to the server's component repository as a new version.
 */
import { join, relative, resolve } from 'node:path';
import { ApiError } from '../api/api-error.js';
import { connect, connectionHelp, connectionOptions } from '../api/connection.js';
import { formatApiDiagnostic } from '../api/format-diagnostic.js';
import type { CliIo } from '../io.js';
import { ExitCode, parseCommandArgs, UsageError } from '../usage.js';

export const componentPublishHelp = `Usage: containerops component publish DIR [--server URL]

Publishes the component in DIR to the server's component repository: DIR/component.yaml (its
name namespace/name and version say where it goes; a published version cannot be replaced, bump
the version) and DIR/README.md when present. The image itself is not uploaded: push it to your
registry (or build it where jobs run, with containerops component build). Problems in
component.yaml are printed as file:line:col: severity code: message.

Options:
${connectionHelp}
  -h, --help          show this help

Exits 0 when published, 1 when the file is invalid, the version exists, or the server refused.
`;

const PUBLISH = `mutation($yaml: String!, $readme: String) {
  publishComponent(yaml: $yaml, readme: $readme) { namespace name version image }
}`;

interface PublishResult {
  publishComponent: { namespace: string; name: string; version: string; image: string };
}

/** `component publish DIR`; returns the exit code. */
export async function publishComponentDir(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('component', args, connectionOptions);
  if (values.help) {
    io.stdout.write(componentPublishHelp);
    return ExitCode.ok;
  }
  if (positionals.length !== 1)
    throw new UsageError('give exactly one component directory', 'component');
  const dir = resolve(io.cwd, positionals[0] as string);
  const client = connect('component', values, io);
  const yamlFile = join(dir, 'component.yaml');
  const shown = relative(io.cwd, yamlFile) || yamlFile;
  let yaml: string;
  try {
    yaml = await io.readFile(yamlFile);
  } catch (error) {
    io.stderr.write(`containerops component: cannot read ${shown}: ${(error as Error).message}\n`);
    return ExitCode.failed;
  }
  const readme = await readOptional(io, join(dir, 'README.md'));
  try {
    const { publishComponent: v } = await client.request<PublishResult>(PUBLISH, {
      yaml,
      readme: readme ?? null,
    });
    io.stdout.write(`published ${v.namespace}/${v.name}@${v.version} (image ${v.image})\n`);
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof ApiError) || error.diagnostics.length === 0) throw error;
    for (const d of error.diagnostics) io.stderr.write(`${formatApiDiagnostic(shown, d)}\n`);
    io.stderr.write(`containerops component: ${shown} is invalid; nothing was published\n`);
    return ExitCode.failed;
  }
}

async function readOptional(io: CliIo, path: string): Promise<string | undefined> {
  try {
    return await io.readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
