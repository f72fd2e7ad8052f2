/**
 * `containerops component build DIR...`: validates each component directory's `component.yaml`
 * (diagnostics printed like a compiler) and builds its image with the docker command, tagged as
 * the component's `image`. Up-to-date images (same content hash label) are not rebuilt.
 */
import { isAbsolute, resolve } from 'node:path';
import { ContainerOpsError, formatDiagnostic } from '@containerops/core';
import {
  ComponentBuildErrorCode,
  buildLoadedComponent,
  createDockerCli,
  loadComponentDir,
} from '../components/index.js';
import type { ComponentBuildResult, DockerCli } from '../components/index.js';
import type { CliIo } from '../io.js';
import { ExitCode, parseCommandArgs, UsageError } from '../usage.js';
import type { Command } from './command.js';
import { componentPublishHelp, publishComponentDir } from './component-publish.js';

const help = `Usage: containerops component build DIR... [options]

Builds component directories into images. Each DIR holds a component.yaml (validated first:
problems are printed as file:line:col: severity code: message) and a Dockerfile. The image is
built with the docker command and tagged as the component's "image". An image whose label
containerops.component.hash matches the directory's content (and base images) is up to date
and not rebuilt.

Options:
  -t, --tag TAG       an extra tag (repeatable; only with a single DIR)
      --network NET   network of the build's RUN steps, e.g. host when the Docker daemon
                      has no bridge network (passed to docker build --network)
      --force         rebuild even when up to date, without Docker's layer cache
  -q, --quiet         do not print docker build's output
      --json          print the results as one JSON document
  -h, --help          show this help

Exits 0 when every DIR built (or was up to date), 1 otherwise.

${componentPublishHelp}`;

export interface ComponentCommandOptions {
  /** The Docker access the builds use; default the docker command with the CLI's environment. */
  readonly docker?: (io: CliIo) => DockerCli;
}

/** The `component` command (subcommand `build`); tests pass a fake Docker. */
export function createComponentCommand(options: ComponentCommandOptions = {}): Command {
  const dockerFor = options.docker ?? ((io: CliIo) => createDockerCli({ env: { ...io.env } }));
  return {
    name: 'component',
    summary: 'work with components: build a directory into its image, publish it to a server',
    help,
    async run(args, io) {
      const [sub, ...rest] = args;
      if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
        io.stdout.write(help);
        return sub === undefined ? ExitCode.usage : ExitCode.ok;
      }
      if (sub === 'publish') return publishComponentDir(rest, io);
      if (sub !== 'build') {
        throw new UsageError(`unknown subcommand '${sub}'; known: build, publish`, 'component');
      }
      return build(rest, io, dockerFor(io));
    },
  };
}

async function build(args: readonly string[], io: CliIo, docker: DockerCli): Promise<number> {
  const { values, positionals } = parseCommandArgs('component', args, {
    tag: { type: 'string', short: 't', multiple: true },
    network: { type: 'string' },
    force: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  if (positionals.length === 0) throw new UsageError('no component directory given', 'component');
  const tags = values.tag ?? [];
  if (tags.length > 0 && positionals.length > 1) {
    throw new UsageError('--tag needs a single component directory', 'component');
  }
  const json = values.json ?? false;
  const results: ComponentBuildResult[] = [];
  const failures: { dir: string; error: string }[] = [];
  for (const dir of positionals) {
    const path = isAbsolute(dir) ? dir : resolve(io.cwd, dir);
    // Messages name the directory as the user wrote it, like the compiler format does.
    const loaded = await loadComponentDir(path, dir.replace(/\/+$/, ''));
    for (const d of loaded.diagnostics) io.stderr.write(`${formatDiagnostic(loaded.file, d)}\n`);
    for (const problem of loaded.problems) io.stderr.write(`${problem}\n`);
    try {
      const result = await buildLoadedComponent(loaded, {
        tags,
        ...(values.network === undefined ? {} : { network: values.network }),
        ...(values.force === true ? { force: true } : {}),
        docker,
        onLine:
          values.quiet === true || json
            ? () => undefined
            : (line) => io.stderr.write(`  ${line}\n`),
      });
      results.push(result);
      if (!json) io.stdout.write(`${describe(result)}\n`);
    } catch (error) {
      if (!(error instanceof ContainerOpsError)) throw error;
      // Diagnostics, and the build output unless hidden, are on stderr already.
      const hidden = values.quiet === true || json;
      const full = error.code === ComponentBuildErrorCode.buildFailed && hidden;
      const message = full ? error.message : (error.message.split('\n')[0] ?? error.message);
      failures.push({ dir, error: message });
      if (!json) io.stderr.write(`containerops component build: ${message}\n`);
    }
  }
  if (json) {
    const built = results.map((r) => ({
      name: r.component.name,
      version: r.component.version,
      tags: r.tags,
      imageId: r.imageId,
      hash: r.hash,
      status: r.status,
      durationMs: Math.round(r.durationMs),
    }));
    io.stdout.write(`${JSON.stringify({ built, failed: failures }, null, 2)}\n`);
  }
  return failures.length > 0 ? ExitCode.failed : ExitCode.ok;
}

function describe(result: ComponentBuildResult): string {
  const { component, tags, imageId, status, durationMs } = result;
  const id = imageId.replace(/^sha256:/, '').slice(0, 12);
  const what = status === 'built' ? 'built' : 'up to date';
  return `${component.name}@${component.version}: ${what} ${tags.join(', ')} (${id}, ${(durationMs / 1000).toFixed(1)}s)`;
}

export const componentCommand: Command = createComponentCommand();
