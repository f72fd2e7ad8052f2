/** Whether a Docker engine answers on its socket (`GET /_ping`), within a short timeout. */
import { request } from 'node:http';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

export function dockerSocketPath(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const host = env['DOCKER_HOST'];
  return host?.startsWith('unix://') === true
    ? host.slice('unix://'.length)
    : DEFAULT_DOCKER_SOCKET;
}

export function pingDocker(socketPath = dockerSocketPath(), timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { socketPath, path: '/_ping', method: 'GET', timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}
