import type Dockerode from 'dockerode';
import { CONTAINER_OUTPUT, CONTAINER_OUTPUT_DIR } from '../container-spec.js';
import { isNotFound } from '../docker-errors.js';
import { createTar, readFirstFile } from './tar.js';

/**
 * Largest `$CO_OUTPUT` file read back (16 MiB). A bigger file is cut there: the engine caps
 * outputs far lower (1 MiB per job by default) and reports the overflow itself.
 */
export const MAX_OUTPUT_FILE_BYTES = 16 * 1024 * 1024;
const TAR_HEADROOM = 64 * 1024;

/** The archive extracted at `/` of a created container: `/co/` (0777) and an empty `/co/output` (0666). */
export function outputSeedArchive(): Buffer {
  const dir = CONTAINER_OUTPUT_DIR.replace(/^\//, '');
  return createTar([
    { name: `${dir}/`, mode: 0o777 },
    { name: `${dir}/output`, mode: 0o666, content: Buffer.alloc(0) },
  ]);
}

/**
 * Creates `$CO_OUTPUT` in a created (not yet started) container, so a job running as any user
 * can append to it without creating directories first.
 */
export async function seedOutputFile(container: Dockerode.Container): Promise<void> {
  await container.putArchive(outputSeedArchive(), { path: '/' });
}

/** What the archive API's stat (`HEAD /containers/{id}/archive`) says about a path. */
export interface ContainerPathStat {
  readonly size: number;
  /** A regular file (not a directory, symlink, device...). */
  readonly regular: boolean;
}

/** Go's `os.ModeType` bits (dir, symlink, device, pipe, socket, char device, irregular). */
const GO_MODE_TYPE =
  (1 << 31) | (1 << 27) | (1 << 26) | (1 << 25) | (1 << 24) | (1 << 21) | (1 << 19);

/**
 * Parses the `X-Docker-Container-Path-Stat` header (base64 JSON with Go's `size` and `mode`).
 * Returns undefined when it is missing or malformed.
 */
export function parsePathStat(header: unknown): ContainerPathStat | undefined {
  if (typeof header !== 'string' || header === '') return undefined;
  try {
    const stat = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as {
      size?: unknown;
      mode?: unknown;
    };
    if (typeof stat.size !== 'number' || typeof stat.mode !== 'number') return undefined;
    return { size: stat.size, regular: (stat.mode & GO_MODE_TYPE) === 0 };
  } catch {
    return undefined;
  }
}

/**
 * True when `$CO_OUTPUT` is absent or an empty regular file, asked through the archive API's
 * HEAD request: a few milliseconds, where reading the file costs a tar process inside the daemon
 * (tens of milliseconds). False when it has content, is something else, or the answer carries no
 * stat (then the caller reads it to find out). A missing container counts as absent.
 */
export async function outputFileIsEmpty(
  container: Dockerode.Container,
  path: string = CONTAINER_OUTPUT,
): Promise<boolean> {
  let response: { headers?: Record<string, unknown>; resume?: () => void };
  try {
    response = (await container.infoArchive({ path })) as typeof response;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
  response.resume?.(); // a HEAD answer has no body; let the socket go back to the pool
  const stat = parsePathStat(response.headers?.['x-docker-container-path-stat']);
  return stat !== undefined && stat.regular && stat.size === 0;
}

/**
 * Reads `$CO_OUTPUT` from a stopped (or running) container through the archive API. Returns
 * `undefined` when the file is absent or empty (the job wrote no outputs), its text otherwise.
 * Must run before the container is removed. The file is stat'ed first and only read when it is
 * not absent or empty: most jobs write no outputs, and the read is the expensive part. `path` is
 * where the file lives in the container (the swarm plugin's tasks keep it elsewhere).
 */
export async function readOutputFile(
  container: Dockerode.Container,
  path: string = CONTAINER_OUTPUT,
): Promise<string | undefined> {
  if (await outputFileIsEmpty(container, path)) return undefined;
  let stream: NodeJS.ReadableStream;
  try {
    stream = await container.getArchive({ path });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const limit = MAX_OUTPUT_FILE_BYTES + TAR_HEADROOM;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    total += chunk.length;
    if (total >= limit) break;
  }
  const content = readFirstFile(Buffer.concat(chunks, total), MAX_OUTPUT_FILE_BYTES);
  if (content === undefined || content.length === 0) return undefined;
  return content.toString('utf8');
}
