/**
 * `containerops plugin new KIND NAME` (scaffold a plugin package) and `containerops plugin list`
 * (the plugins this CLI knows: the built-ins and any `--plugin`).
 */
import { isAbsolute, resolve } from 'node:path';
import { createPluginHost } from '@containerops/server/plugins';
import { scaffoldKinds, scaffoldPlugin } from '../plugin-scaffold/scaffold.js';
import { ExitCode, parseCommandArgs, UsageError } from '../usage.js';
import type { Command } from './command.js';
import { takeSubcommand } from './subcommand.js';

const help = `Usage: containerops plugin new KIND NAME [--dir DIR] [--package NPM_NAME]
       containerops plugin list [--plugin MODULE...]

new   writes a plugin package to start from: KIND is one of ${scaffoldKinds().join(', ')};
      NAME ([a-z0-9-]) is how configs select it. The package builds, passes its kind's
      conformance suite and loads as generated (npm install && npm test). Default DIR:
      ./containerops-KIND-NAME; default package name: containerops-KIND-NAME.
list  the plugins this CLI knows, by kind: the built-ins, then those given with --plugin.

Options:
      --dir DIR            where to write the package (must not exist, or be empty)
      --package NPM_NAME   the package's npm name
  -p, --plugin MODULE      (list) load a third-party plugin first (repeatable)
  -h, --help               show this help

Writing plugins: docs/plugins.md in the ContainerOps repository.
`;

export const pluginCommand: Command = {
  name: 'plugin',
  summary: 'scaffold a plugin package (plugin new), list the known plugins (plugin list)',
  help,
  async run(args, io) {
    const taken = takeSubcommand('plugin', args, ['new', 'list'], help, io);
    if ('exit' in taken) return taken.exit;
    const { values, positionals } = parseCommandArgs('plugin', taken.rest, {
      dir: { type: 'string' },
      package: { type: 'string' },
      plugin: { type: 'string', short: 'p', multiple: true },
    });
    if (values.help) {
      io.stdout.write(help);
      return ExitCode.ok;
    }
    if (taken.name === 'list') {
      const host = createPluginHost();
      for (const module of values.plugin ?? [])
        await host.load({ module, baseDir: io.cwd, where: `--plugin ${module}` });
      for (const entry of host.entries()) {
        io.stdout.write(
          `${entry.kind.padEnd(12)} ${entry.name.padEnd(16)} ${entry.source.padEnd(10)} ${entry.description}\n`,
        );
      }
      return ExitCode.ok;
    }
    if (positionals.length !== 2) throw new UsageError('give the plugin KIND and NAME', 'plugin');
    const [kind, name] = positionals as [string, string];
    const kebab = kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const given = values.dir ?? `containerops-${kebab}-${name}`;
    const dir = isAbsolute(given) ? given : resolve(io.cwd, given);
    const files = scaffoldPlugin({
      kind,
      name,
      dir,
      ...(values.package === undefined ? {} : { packageName: values.package }),
    });
    io.stdout.write(
      `wrote ${files.length} files to ${dir}:\n${files.map((f) => `  ${f}`).join('\n')}\n` +
        `next: cd ${given} && npm install && npm test\n`,
    );
    return ExitCode.ok;
  },
};
