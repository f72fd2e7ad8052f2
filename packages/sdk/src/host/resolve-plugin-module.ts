/**
 * Finds the file a plugin named by a host (server config, `containerops run --plugin`) loads from:
 * a path (absolute, or relative to `baseDir`) as is, a directory through its package.json, or an
 * npm package looked up in the `node_modules` folders from `baseDir` upwards.
 *
 * The `exports` field (subpath patterns, nested and ordered conditions, `null` targets) is matched
 * by `resolve.exports`, a maintained implementation of Node's ESM resolution rules, with Node's
 * conditions for `import` (`import`, `node`, `default`). Not `import.meta.resolve(name, parent)`:
 * Node 20 accepts the parent argument only behind `--experimental-import-meta-resolve`, and this
 * project supports Node 20 without flags. Not `require.resolve`: it matches the `require`
 * condition, which ESM-only plugins do not offer.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exports as exportsOf, legacy } from 'resolve.exports';

/** Why a module could not be resolved, in words for the operator. */
export class PluginModuleNotFound extends Error {}

/** The `file:` URL to import for `module`. @throws PluginModuleNotFound */
export function resolvePluginModule(module: string, baseDir: string): string {
  if (isPath(module)) {
    const path = isAbsolute(module) ? module : resolve(baseDir, module);
    if (!existsSync(path)) throw new PluginModuleNotFound(`no such file or directory: ${path}`);
    const file = statSync(path).isDirectory() ? packageEntry(path, '.') : path;
    return pathToFileURL(file).href;
  }
  const [name, subpath] = splitPackageName(module);
  for (let dir = resolve(baseDir); ; dir = dirname(dir)) {
    const packageDir = join(dir, 'node_modules', name);
    if (existsSync(join(packageDir, 'package.json')))
      return pathToFileURL(packageEntry(packageDir, subpath)).href;
    if (dirname(dir) === dir) break;
  }
  throw new PluginModuleNotFound(
    `package not found in node_modules from ${resolve(baseDir)} upwards (install it with npm)`,
  );
}

function isPath(module: string): boolean {
  return isAbsolute(module) || module.startsWith('./') || module.startsWith('../');
}

/** `@scope/name/sub` → [`@scope/name`, `./sub`]; `name` → [`name`, `.`]. */
function splitPackageName(module: string): [string, string] {
  const parts = module.split('/');
  const length = module.startsWith('@') ? 2 : 1;
  const rest = parts.slice(length).join('/');
  return [parts.slice(0, length).join('/'), rest === '' ? '.' : `./${rest}`];
}

/** The entry file of a package directory for `subpath` (`.`: the package itself). */
function packageEntry(packageDir: string, subpath: string): string {
  const manifestPath = join(packageDir, 'package.json');
  if (!existsSync(manifestPath)) return existing(join(packageDir, 'index.js'));
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  let target: string | undefined;
  if (manifest['exports'] !== undefined) {
    try {
      // Node's default conditions for an ESM import: import, node, default.
      target = exportsOf(manifest, subpath)?.[0];
    } catch (error) {
      throw new PluginModuleNotFound(
        `${manifestPath} does not export "${subpath}": ${(error as Error).message}`,
      );
    }
  } else if (subpath === '.') {
    target = (legacy(manifest, { fields: ['main'] }) as string | undefined) ?? 'index.js';
  } else {
    target = subpath;
  }
  if (target === undefined)
    throw new PluginModuleNotFound(`${manifestPath} does not export "${subpath}"`);
  return existing(resolve(packageDir, target));
}

function existing(file: string): string {
  if (!existsSync(file)) throw new PluginModuleNotFound(`its entry file ${file} does not exist`);
  return file;
}
