/**
 * Issue 15: under load the engine answered after the 3 s ping timeout and the swarm orchestrator
 * said "no Docker engine answers". A real socket that accepts connections and never answers
 * stands in for the busy engine: the reason must say it answered late, not that none answers.
 */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { SwarmApi } from './swarm-api.js';

describe('SwarmApi.availability with an engine that does not answer in time', () => {
  let server: Server | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await new Promise<void>((done) => (server === undefined ? done() : server.close(() => done())));
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('says the engine did not answer within the timeout (busy), not that none answers', async () => {
    dir = await mkdtemp(join(tmpdir(), 'co-slow-engine-'));
    const socketPath = join(dir, 'docker.sock');
    const held: Socket[] = [];
    server = createServer((socket) => held.push(socket)); // accepts, never answers
    server.on('close', () => held.forEach((s) => s.destroy()));
    await new Promise<void>((done) => server?.listen(socketPath, done));
    const api = new SwarmApi(new Dockerode({ socketPath }), `unix://${socketPath}`, 200);
    const availability = await api.availability();
    held.forEach((s) => s.destroy());
    expect(availability).toEqual({
      available: false,
      reason: `the Docker engine at unix://${socketPath} did not answer within 200 ms (it may be busy, not down): retry, or raise pingTimeoutMs`,
    });
  });

  it('still says that no engine answers when nothing listens', async () => {
    dir = await mkdtemp(join(tmpdir(), 'co-no-engine-'));
    const socketPath = join(dir, 'missing.sock');
    const api = new SwarmApi(new Dockerode({ socketPath }), `unix://${socketPath}`, 200);
    const availability = await api.availability();
    expect(availability.reason).toMatch(/^no Docker engine answers at /);
  });
});
