/** Credentials for one registry, resolved by the caller (from secrets). */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** Docker Hub's names; credentials given under any of them apply to Hub images. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * The registry host of an image reference, the way Docker reads it: the first path component when
 * it has a `.` or a `:` or is `localhost` (`ghcr.io/org/app`, `127.0.0.1:5000/app`), otherwise
 * Docker Hub (`busybox`, `library/debian`, `org/app`), reported as `docker.io`.
 */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') {
    return DOCKER_HUB.has(first) ? 'docker.io' : first;
  }
  return 'docker.io';
}

/** `https://index.docker.io/v1/` -> `docker.io`; `ghcr.io/` -> `ghcr.io`. */
function normaliseRegistryKey(key: string): string {
  const host = key
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return DOCKER_HUB.has(host) ? 'docker.io' : host;
}

/**
 * The credentials to pull `image` with: the entry of `auth` whose key names the image's registry
 * (keys may be written as hosts or URLs: `ghcr.io`, `https://index.docker.io/v1/`).
 */
export function credentialsFor(
  image: string,
  auth: Readonly<Record<string, RegistryCredentials>> | undefined,
): { registry: string; credentials: RegistryCredentials } | undefined {
  if (auth === undefined) return undefined;
  const registry = registryOf(image).toLowerCase();
  for (const [key, credentials] of Object.entries(auth)) {
    if (normaliseRegistryKey(key) === registry) return { registry, credentials };
  }
  return undefined;
}

/**
 * `name[:tag]` or `name@digest` split for the pull API (`fromImage` + `tag`); the tag defaults to
 * `latest` like `docker pull`. A `:` before the last `/` belongs to a registry port, not a tag.
 */
export function splitImageReference(image: string): { repository: string; tag: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { repository: image.slice(0, at), tag: image.slice(at + 1) };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) {
    return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
  }
  return { repository: image, tag: 'latest' };
}
