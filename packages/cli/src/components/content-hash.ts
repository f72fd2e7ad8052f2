/**
 * The content hash of a component build: what decides whether an existing image is still the
 * image this directory would build. Stored on the image as the label {@link COMPONENT_HASH_LABEL}.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** The image label holding the content hash. */
export const COMPONENT_HASH_LABEL = 'containerops.component.hash';

/**
 * Directories that never reach the image and must not force a rebuild: the component's tests,
 * dependencies and VCS data. Each component's `.dockerignore` keeps them out of the context too.
 */
const SKIPPED_DIRS = new Set(['test', 'node_modules', '.git']);

/**
 * SHA-256 (hex) over every file of `dir` (minus {@link SKIPPED_DIRS} at any depth): relative
 * path, executable bit and content, in sorted path order, plus `extra` strings (the IDs of the
 * base images, so a rebuilt base image rebuilds its components). Deterministic across machines:
 * no mtimes, no owners. Reads the files; does not follow symlinked directories.
 */
export async function hashComponentDir(
  dir: string,
  extra: readonly string[] = [],
): Promise<string> {
  const files = (await listFiles(dir)).sort();
  const hash = createHash('sha256');
  for (const path of files) {
    const info = await stat(path);
    const name = relative(dir, path).split(sep).join('/');
    const mode = (info.mode & 0o111) === 0 ? '644' : '755';
    const content = await readFile(path);
    hash.update(`file ${name} ${mode} ${content.length}\n`);
    hash.update(content);
  }
  for (const item of extra) hash.update(`extra ${item}\n`);
  return hash.digest('hex');
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...(await listFiles(path)));
    } else if (entry.isFile()) {
      out.push(path);
    }
  }
  return out;
}

/** The images a Dockerfile builds `FROM` (stage aliases of earlier stages excluded). */
export function baseImagesOf(dockerfile: string): string[] {
  const images: string[] = [];
  const stages = new Set<string>();
  for (const line of dockerfile.split('\n')) {
    const match = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (match === null) continue;
    const [, image = '', alias] = match;
    if (!stages.has(image.toLowerCase()) && image.toLowerCase() !== 'scratch') images.push(image);
    if (alias !== undefined) stages.add(alias.toLowerCase());
  }
  return images;
}
