/**
 * Issue 15 item 8 / issue 10 item 10, as a new user meets them with `containerops serve`:
 * - the server listens on loopback by default and says so in one line (it used to print
 *   "listening on http://127.0.0.1:PORT" twice while bound to every interface); `--host 0.0.0.0`
 *   exposes it, and the line says that instead;
 * - a port in use is one line naming the port and how to pick another, exit 1 (it used to be a
 *   stack trace);
 * - `PORT` is honoured.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import type { Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killServe, spawnServe, startServe } from '../src/serve-child.js';
import type { ServeChild } from '../src/serve-child.js';

const LOCAL = { CONTAINEROPS_ORCHESTRATOR: 'local' };
const children: ServeChild[] = [];
const dirs: string[] = [];
const blockers: Server[] = [];
afterAll(async () => {
  await Promise.all(children.map(killServe));
  for (const blocker of blockers) blocker.close();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'co-listen-'));
  dirs.push(dir);
  return dir;
}

/** A port something else listens on (on every interface, as a careless neighbour would). */
async function busyPort(): Promise<number> {
  const blocker = createServer();
  blockers.push(blocker);
  await new Promise<void>((resolve) => blocker.listen(0, resolve));
  return (blocker.address() as { port: number }).port;
}

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** One IPv4 address of this machine that is not loopback, if it has one. */
const outside = Object.values(networkInterfaces())
  .flat()
  .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
if (outside === undefined)
  console.warn('no non-loopback IPv4 address here: exposure checks skipped');

const listeningLines = (text: string) => text.split('\n').filter((l) => l.includes('listening'));

describe('containerops serve: where it listens', () => {
  it('listens on loopback by default and says so once', { timeout: 90_000 }, async () => {
    const server = await startServe(['--data', await dataDir(), '--port', '0'], LOCAL);
    children.push(server);
    const port = Number(new URL(server.url).port);
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    expect(listeningLines(server.stdout() + server.stderr())).toHaveLength(1);
    expect(listeningLines(server.stderr())[0]).toMatch(
      new RegExp(
        `listening on http://127\\.0\\.0\\.1:${port} \\(this machine only; --host 0\\.0\\.0\\.0 exposes it\\)`,
      ),
    );
    expect(await accepts('127.0.0.1', port)).toBe(true);
    if (outside !== undefined) expect(await accepts(outside, port)).toBe(false);
    await killServe(server);
  });

  it('--host 0.0.0.0 exposes it and the line says so', { timeout: 90_000 }, async () => {
    const server = await startServe(
      ['--data', await dataDir(), '--port', '0', '--host', '0.0.0.0'],
      LOCAL,
    );
    children.push(server);
    const port = Number(new URL(server.url).port);
    const lines = listeningLines(server.stdout() + server.stderr());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `listening on every interface, port ${port} (this machine: http://127.0.0.1:${port})`,
    );
    if (outside !== undefined) expect(await accepts(outside, port)).toBe(true);
    await killServe(server);
  });

  it('honours PORT', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const server = await startServe(['--data', await dataDir()], { ...LOCAL, PORT: String(port) });
    children.push(server);
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    await killServe(server);
  });

  it('a port in use is one clear line and exit 1', { timeout: 90_000 }, async () => {
    const port = await busyPort();
    const serve = spawnServe(['--data', await dataDir(), '--port', String(port)], LOCAL);
    children.push(serve);
    const exit = await serve.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(serve.stderr().trim().split('\n')).toEqual([
      `containerops: cannot listen on 127.0.0.1:${port}: port ${port} is already in use (another server?); pick another with --port N (or PORT / CONTAINEROPS_PORT, or port: in containerops.yaml)`,
    ]);
  });
});
