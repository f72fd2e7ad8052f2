/**
 * `containerops plugin new KIND NAME`: writes a plugin package an outside author starts from. It
 * builds (`tsc`), passes its kind's conformance suite from `@containerops/sdk/testing` as
 * generated, and loads in the server (`plugins:`) and the CLI (`--plugin`). The files come from
 * `templates/plugin/` (`common/` plus one folder per kind), with placeholders replaced.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pluginKinds, SDK_VERSION } from '@containerops/sdk';
import type { PluginKind } from '@containerops/sdk';
import { UsageError } from '../usage.js';
import { TEMPLATE_DEV_VERSIONS } from './template-versions.js';

/** `templates/plugin/` of this package, from `src/` and from `dist/` alike. */
const TEMPLATES = fileURLToPath(new URL('../../templates/plugin/', import.meta.url));
const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Kinds whose template exists (every kind the SDK knows). */
export function scaffoldKinds(): PluginKind[] {
  return pluginKinds.filter((kind) => existsSync(join(TEMPLATES, kind)));
}

export interface ScaffoldOptions {
  readonly kind: string;
  readonly name: string;
  /** Where to write it; must not exist or be empty. */
  readonly dir: string;
  /** npm package name; default `containerops-<kind>-<name>` (kind in kebab case). */
  readonly packageName?: string;
}

/** Writes the package; returns the files written, relative to `dir`. @throws UsageError */
export function scaffoldPlugin(options: ScaffoldOptions): string[] {
  const kinds = scaffoldKinds();
  if (!(kinds as string[]).includes(options.kind))
    throw new UsageError(
      `unknown plugin kind '${options.kind}'; known: ${kinds.join(', ')}`,
      'plugin',
    );
  if (!NAME.test(options.name))
    throw new UsageError(`plugin name '${options.name}' must be lower case [a-z0-9-]`, 'plugin');
  if (existsSync(options.dir) && readdirSync(options.dir).length > 0)
    throw new UsageError(`${options.dir} exists and is not empty`, 'plugin');
  const kind = options.kind as PluginKind;
  const kebabKind = kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const values: Record<string, string> = {
    __NAME__: options.name,
    __CLASS__: options.name
      .split('-')
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join(''),
    __KIND__: kind,
    __PACKAGE__: options.packageName ?? `containerops-${kebabKind}-${options.name}`,
    __SDK_VERSION__: SDK_VERSION,
    __SELECT_SERVER__: kind === 'orchestrator' ? ` and \`orchestrator: ${options.name}\`` : '',
    __SELECT_CLI__: kind === 'orchestrator' ? ` --orchestrator ${options.name}` : '',
    ...TEMPLATE_DEV_VERSIONS,
  };
  const written: string[] = [];
  for (const source of [join(TEMPLATES, 'common'), join(TEMPLATES, kind)]) {
    for (const file of filesUnder(source)) {
      const target = join(options.dir, rename(relative(source, file)));
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, fill(readFileSync(file, 'utf8'), values));
      written.push(relative(options.dir, target));
    }
  }
  return written.sort();
}

/** `gitignore` is stored without its dot (npm would drop `.gitignore` from a published CLI). */
function rename(path: string): string {
  return path === 'gitignore' ? '.gitignore' : path;
}

function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/__[A-Z_]+__/g, (key) => values[key] ?? key);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
