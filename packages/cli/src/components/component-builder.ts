/**
 * Builds a component directory into its image: validates `component.yaml`, skips the build when
 * every tag already holds an image of the same content hash, else runs `docker build` with the
 * component's labels. Used by `containerops component build` and by the components' test setup.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, OperationalError, formatDiagnostic, hasErrors } from '@containerops/core';
import type { ComponentDefinition, Diagnostic } from '@containerops/core';
import { loadComponentDir } from './component-dir.js';
import type { LoadedComponentDir } from './component-dir.js';
import { COMPONENT_HASH_LABEL, baseImagesOf, hashComponentDir } from './content-hash.js';
import { createDockerCli } from './docker-cli.js';
import type { DockerCli } from './docker-cli.js';

/** Stable codes of the errors a component build throws. */
export const ComponentBuildErrorCode = {
  /** `component.yaml` has errors, or the Dockerfile/readme is missing (UserError). */
  invalid: 'COMPONENT_INVALID',
  /** `docker build` (or inspecting an image) failed (OperationalError). */
  buildFailed: 'COMPONENT_BUILD_FAILED',
} as const;

/** Labels every component image carries besides the content hash. */
export const COMPONENT_NAME_LABEL = 'containerops.component.name';
export const COMPONENT_VERSION_LABEL = 'containerops.component.version';

export interface BuildComponentOptions {
  /** Tags besides the component's `image` (which is always tagged). */
  readonly tags?: readonly string[];
  /** `--network` of the build's RUN steps; `host` where the daemon has no bridge network. */
  readonly network?: string;
  /** Build even when the image is up to date (and without Docker's layer cache). */
  readonly force?: boolean;
  /** Default: the `docker` command ({@link createDockerCli}). */
  readonly docker?: DockerCli;
  /** Receives the build's output lines as they come. */
  readonly onLine?: (line: string) => void;
  /** Milliseconds clock for `durationMs`; default `performance.now`. */
  readonly now?: () => number;
}

export interface ComponentBuildResult {
  readonly component: ComponentDefinition;
  /** Every tag the image has now: the component's `image` first. */
  readonly tags: readonly string[];
  /** Content hash ({@link hashComponentDir}), also the image's `containerops.component.hash`. */
  readonly hash: string;
  readonly imageId: string;
  /** `cached`: every tag already held an image with this hash, so nothing was built. */
  readonly status: 'built' | 'cached';
  readonly durationMs: number;
  /** Warnings of `component.yaml` (errors throw instead). */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Loads and builds the component in `dir`.
 * @throws UserError `COMPONENT_INVALID` (message lists every diagnostic, compiler-style).
 * @throws OperationalError `COMPONENT_BUILD_FAILED` when Docker fails.
 */
export async function buildComponent(
  dir: string,
  options: BuildComponentOptions = {},
): Promise<ComponentBuildResult> {
  return buildLoadedComponent(await loadComponentDir(dir), options);
}

/**
 * Builds an already loaded directory (the CLI prints its diagnostics first). Idempotent: a second
 * call with nothing changed is `cached` and touches no image. Concurrent builds of one directory
 * are safe for Docker but wasteful: callers build one at a time.
 */
export async function buildLoadedComponent(
  loaded: LoadedComponentDir,
  options: BuildComponentOptions = {},
): Promise<ComponentBuildResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const { component } = loaded;
  if (component === undefined || hasErrors(loaded.diagnostics) || loaded.problems.length > 0) {
    const lines = [
      ...loaded.diagnostics.map((d) => formatDiagnostic(loaded.file, d)),
      ...loaded.problems,
    ];
    const errors =
      loaded.diagnostics.filter((d) => d.severity === 'error').length + loaded.problems.length;
    throw new UserError(
      ComponentBuildErrorCode.invalid,
      `${loaded.file}: not a valid component (${plural(errors, 'error')}):\n${lines.join('\n')}`,
      {
        details: { file: loaded.file, diagnostics: loaded.diagnostics, problems: loaded.problems },
      },
    );
  }
  const docker = options.docker ?? createDockerCli();
  const tags = [...new Set([component.image, ...(options.tags ?? [])])];
  const failed = (what: string, error: unknown): OperationalError =>
    new OperationalError(
      ComponentBuildErrorCode.buildFailed,
      `${what} for ${component.name}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );

  let hash: string;
  let current: Awaited<ReturnType<DockerCli['inspectImage']>>[];
  try {
    const dockerfile = await readFile(join(loaded.dir, 'Dockerfile'), 'utf8');
    const bases = await Promise.all(
      baseImagesOf(dockerfile).map(async (image) => {
        const info = await docker.inspectImage(image);
        return `${image}=${info?.id ?? 'missing'}`;
      }),
    );
    hash = await hashComponentDir(loaded.dir, bases);
    current = await Promise.all(tags.map((tag) => docker.inspectImage(tag)));
  } catch (error) {
    throw failed('could not prepare the build', error);
  }

  const first = current[0];
  const upToDate =
    options.force !== true &&
    first !== undefined &&
    current.every((info) => info?.id === first.id && info.labels[COMPONENT_HASH_LABEL] === hash);
  const base = { component, tags, hash, diagnostics: loaded.diagnostics };
  if (upToDate) {
    return { ...base, imageId: first.id, status: 'cached', durationMs: now() - started };
  }

  const labels: Record<string, string> = {
    [COMPONENT_HASH_LABEL]: hash,
    [COMPONENT_NAME_LABEL]: component.name,
    [COMPONENT_VERSION_LABEL]: component.version,
    'org.opencontainers.image.title': component.name,
    'org.opencontainers.image.version': component.version,
    ...(component.description === undefined
      ? {}
      : { 'org.opencontainers.image.description': component.description }),
  };
  let imageId: string;
  try {
    await docker.build(
      {
        context: loaded.dir,
        tags,
        labels,
        ...(options.network === undefined ? {} : { network: options.network }),
        ...(options.force === true ? { noCache: true } : {}),
      },
      options.onLine ?? (() => undefined),
    );
    const built = await docker.inspectImage(component.image);
    if (built === undefined) throw new Error(`${component.image} does not exist after the build`);
    imageId = built.id;
  } catch (error) {
    throw failed('docker build failed', error);
  }
  return { ...base, imageId, status: 'built', durationMs: now() - started };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
