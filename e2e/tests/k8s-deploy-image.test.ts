/**
 * Issue 12, item 3: the server image keeps the promises deployment.yaml relies on, checked on
 * plain Docker (the test Kubernetes node does not enforce securityContext): it runs as uid 10001
 * without root, with a read-only root file system (state only in /var/lib/containerops, temp
 * files in /tmp), answers /healthz and /readyz, serves the dashboard, and holds no dev tooling.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { requireDocker } from '@containerops/orchestrator-docker';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../src/server-child.js';

const SERVER_IMAGE = 'containerops/server:0.1.0';
const gate = await requireDocker({ images: [SERVER_IMAGE] });
const docker = async (...args: string[]): Promise<string> =>
  (await promisify(execFile)('docker', args)).stdout.trim();
const name = `co-k8sdeploy-image-${process.pid}`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

describe.skipIf(!gate.available)('the server image', () => {
  afterAll(async () => {
    await docker('rm', '-f', '-v', name).catch(() => undefined);
  });

  it('runs as uid 10001 on a read-only root and becomes ready', { timeout: 60_000 }, async () => {
    const port = await freePort();
    await docker(
      'run',
      '-d',
      '--name',
      name,
      // Host network: this machine's Docker has no bridge network (loopback only).
      '--network',
      'host',
      '--read-only',
      '--tmpfs',
      '/tmp',
      '--tmpfs',
      '/var/lib/containerops:uid=10001,gid=10001',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '-e',
      `CONTAINEROPS_PORT=${port}`,
      '-e',
      'CONTAINEROPS_HOST=127.0.0.1',
      '-e',
      'CONTAINEROPS_ORCHESTRATOR=local',
      SERVER_IMAGE,
    );
    const url = `http://127.0.0.1:${port}`;
    const ready = await waitFor(
      '/readyz',
      async () => {
        const res = await fetch(`${url}/readyz`);
        return res.status === 200 ? ((await res.json()) as { status: string }) : undefined;
      },
      30_000,
    );
    expect(ready.status).toBe('ready');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${url}/`)).text()).toContain('<div id="app"');
    expect(await docker('exec', name, 'id', '-u')).toBe('10001');
    expect(await docker('exec', name, '/usr/local/bin/node', '--version')).toMatch(/^v20\./);
    // Production dependencies only: no test runner, bundler or compiler in the image.
    const modules = await docker('exec', name, 'ls', '/app/node_modules');
    for (const devTool of ['vitest', 'vite', 'typescript', 'esbuild', 'nx', 'playwright-core'])
      expect(modules.split('\n')).not.toContain(devTool);
    const logs = await docker('logs', name);
    expect(logs).toContain('Admin API token');
  });
});
