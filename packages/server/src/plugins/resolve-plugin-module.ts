/**
 * Finds the file a plugin named in the config loads from: an absolute path as is (a directory
 * through its package.json), or an npm package looked up in the `node_modules` folders from the
 * server's working directory upwards, then where the server itself is installed.
 *
 * Written out (not `require.resolve`) because plugin packages are ESM: their `exports` often
 * offer only an `import` condition, which `require.resolve` cannot see, and Node 20's
 * `import.meta.resolve` cannot start from another directory.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Conditions a plugin's `exports` are matched with, in the server's order of preference. */
const CONDITIONS = ['import', 'node', 'default'];

/** The `file:` URL to import for `module`, or undefined when nothing is found. */
export function resolvePluginModule(module: string, baseDir: string): string | undefined {
  if (module.startsWith('/')) {
    if (!existsSync(module)) return undefined;
    const file = statSync(module).isDirectory() ? packageEntry(module) : module;
    return file === undefined ? undefined : pathToFileURL(file).href;
  }
  const [name, subpath] = splitPackageName(module);
  const serverDir = dirname(fileURLToPath(import.meta.url));
  for (const start of [resolve(baseDir), serverDir]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const packageDir = join(dir, 'node_modules', name);
      if (existsSync(join(packageDir, 'package.json'))) {
        const file = packageEntry(packageDir, subpath);
        return file === undefined ? undefined : pathToFileURL(file).href;
      }
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** `@scope/name/sub` → [`@scope/name`, `./sub`]; `name` → [`name`, `.`]. */
function splitPackageName(module: string): [string, string] {
  const parts = module.split('/');
  const length = module.startsWith('@') ? 2 : 1;
  const rest = parts.slice(length).join('/');
  return [parts.slice(0, length).join('/'), rest === '' ? '.' : `./${rest}`];
}

/** The entry file of a package directory for `subpath` (`.` = the package itself). */
function packageEntry(packageDir: string, subpath = '.'): string | undefined {
  const manifestPath = join(packageDir, 'package.json');
  if (!existsSync(manifestPath)) {
    const index = join(packageDir, 'index.js');
    return existsSync(index) ? index : undefined;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports?: unknown;
    main?: unknown;
  };
  let target: string | undefined;
  if (manifest.exports !== undefined) {
    const exports = manifest.exports;
    const bySubpath =
      typeof exports === 'object' &&
      exports !== null &&
      !Array.isArray(exports) &&
      Object.keys(exports).some((key) => key.startsWith('.'))
        ? (exports as Record<string, unknown>)[subpath]
        : subpath === '.'
          ? exports
          : undefined;
    target = conditionalTarget(bySubpath);
  } else if (subpath === '.') {
    target = typeof manifest.main === 'string' ? manifest.main : 'index.js';
  } else {
    target = subpath;
  }
  if (target === undefined) return undefined;
  const file = resolve(packageDir, target);
  return existsSync(file) ? file : undefined;
}

/** A target of `exports`: a path, or conditions (nested) matched with {@link CONDITIONS}. */
function conditionalTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const [condition, target] of Object.entries(value as Record<string, unknown>)) {
    if (!CONDITIONS.includes(condition)) continue;
    const found = conditionalTarget(target);
    if (found !== undefined) return found;
  }
  return undefined;
}
