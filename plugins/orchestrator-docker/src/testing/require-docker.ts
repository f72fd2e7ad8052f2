import Dockerode from 'dockerode';
import { DEFAULT_SOCKET_PATH } from '../docker-options.js';
import { dockerMessage } from '../docker-errors.js';

/** Whether Docker-backed tests can run here, and why not. */
export interface DockerGate {
  readonly available: boolean;
  readonly reason?: string;
}

export interface RequireDockerOptions {
  /** Images the tests need (built by scripts/docker/build-base-images.sh). */
  readonly images?: readonly string[];
  readonly socketPath?: string;
  readonly timeoutMs?: number;
}

/**
 * The gate of Docker-backed test files (vitest-free, so any runner can use it):
 * ```ts
 * const docker = await requireDocker({ images: ['containerops/busybox:latest'] });
 * describe.skipIf(!docker.available)('...', () => { ... });
 * ```
 * When no engine answers (or a needed image is missing):
 * - with `CI=true` it THROWS, so the test file fails: CI must not pass by skipping;
 * - otherwise it prints why on stderr and returns `{ available: false }`, so the tests skip.
 */
export async function requireDocker(options: RequireDockerOptions = {}): Promise<DockerGate> {
  const reason = await whyUnavailable(options);
  if (reason === undefined) return { available: true };
  if (process.env['CI'] === 'true') throw new Error(`Docker engine required in CI: ${reason}`);
  process.stderr.write(`[docker tests skipped] ${reason}\n`);
  return { available: false, reason };
}

async function whyUnavailable(options: RequireDockerOptions): Promise<string | undefined> {
  const host = process.env['DOCKER_HOST'];
  const useEnv = options.socketPath === undefined && host !== undefined && host !== '';
  const docker = useEnv
    ? new Dockerode()
    : new Dockerode({ socketPath: options.socketPath ?? DEFAULT_SOCKET_PATH });
  const where = useEnv ? `DOCKER_HOST=${host}` : (options.socketPath ?? DEFAULT_SOCKET_PATH);
  const ping = docker.ping.bind(docker) as unknown as (opts: {
    abortSignal: AbortSignal;
  }) => Promise<unknown>;
  try {
    await ping({ abortSignal: AbortSignal.timeout(options.timeoutMs ?? 3_000) });
  } catch (error) {
    return `no Docker engine answers at ${where} (${dockerMessage(error)}): run scripts/docker/ensure-engine.sh`;
  }
  const missing: string[] = [];
  for (const image of options.images ?? []) {
    try {
      await docker.getImage(image).inspect();
    } catch {
      missing.push(image);
    }
  }
  if (missing.length > 0) {
    return `image(s) ${missing.join(', ')} missing at ${where}: run scripts/docker/build-base-images.sh`;
  }
  return undefined;
}
