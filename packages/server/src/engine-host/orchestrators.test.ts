import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pingDocker } from './docker-probe.js';
import { chooseOrchestrator } from './orchestrators.js';

describe('the default orchestrator (auto)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'co-probe-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is docker when a socket answers _ping with 200, local when nothing listens', async () => {
    const socketPath = join(dir, 'fake-docker.sock');
    const server = createServer((req, res) => {
      res.writeHead(req.url === '/_ping' ? 200 : 404).end('OK');
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      expect(await pingDocker(socketPath)).toBe(true);
      expect(await chooseOrchestrator('auto', () => pingDocker(socketPath))).toBe('docker');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const missing = join(dir, 'missing.sock');
    expect(await pingDocker(missing)).toBe(false);
    expect(await chooseOrchestrator('auto', () => pingDocker(missing))).toBe('local');
  });

  it('is local when the socket answers something else than a Docker engine', async () => {
    const socketPath = join(dir, 'not-docker.sock');
    const server = createServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      expect(await chooseOrchestrator('auto', () => pingDocker(socketPath))).toBe('local');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an explicit choice does not probe', async () => {
    const probe = (): Promise<boolean> => Promise.reject(new Error('must not be called'));
    expect(await chooseOrchestrator('local', probe)).toBe('local');
    expect(await chooseOrchestrator('swarm', probe)).toBe('swarm');
  });
});
