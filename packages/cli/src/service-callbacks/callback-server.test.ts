import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeOrchestrator } from '@containerops/core/testing';
import { MemoryIo } from '../../test/memory-io.js';
import { createRunCommand } from '../commands/run.js';
import { fakeHost } from '../../test/fake-plugin-host.js';
import { startCallbackServer } from './callback-server.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Parameters<typeof startCallbackServer>[0] = {}) {
  const server = await startCallbackServer(options);
  servers.push(server);
  return server;
}

async function post(
  url: string,
  token: string | undefined,
  body: string,
): Promise<{ status: number; code: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: token === undefined ? {} : { 'X-ContainerOps-Callback-Token': token },
    body,
  });
  return { status: res.status, code: ((await res.json()) as { code: string }).code };
}

describe('the callback server', () => {
  it('forwards callbacks to the registry and answers with its status and code', async () => {
    const server = await start();
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callbacks$/);
    const reg = server.registry.register('job-1');
    expect(await post(reg.url, 'wrong', '{"result":true}')).toEqual({
      status: 403,
      code: 'CALLBACK_TOKEN_INVALID',
    });
    expect(await post(reg.url, reg.token, '{"result":true,"outputs":{"a":1}}')).toEqual({
      status: 200,
      code: 'CALLBACK_ACCEPTED',
    });
    expect(await reg.result).toEqual({ result: true, outputs: { a: '1' }, logs: [] });
    expect(await post(reg.url, reg.token, '{"result":true}')).toMatchObject({ status: 409 });
  });

  it('refuses other methods, oversized bodies, and reports late callbacks', async () => {
    const late: string[] = [];
    const server = await start({ onRefused: (r) => late.push(r.code) });
    const reg = server.registry.register('job-1');
    expect((await fetch(reg.url)).status).toBe(405);
    const huge = JSON.stringify({ result: true, logs: ['x'.repeat(1024 * 1024)] });
    expect(await post(reg.url, reg.token, huge)).toEqual({
      status: 413,
      code: 'CALLBACK_TOO_LARGE',
    });
    reg.dispose();
    expect(await post(reg.url, reg.token, '{"result":true}')).toMatchObject({ status: 410 });
    expect(late).toEqual(['CALLBACK_EXPIRED']);
  });

  it('advertises --callback-url and takes the id from the last path segment', async () => {
    const server = await start({ advertisedUrl: 'https://tunnel.example/co/' });
    const reg = server.registry.register('job-1');
    expect(reg.url).toMatch(/^https:\/\/tunnel\.example\/co\/[0-9a-f]{32}$/);
    const id = reg.url.split('/').at(-1) as string;
    expect(server.baseUrl).toBe('https://tunnel.example/co/');
    expect(
      await post(`http://127.0.0.1:${server.port}/anything/${id}`, reg.token, '{"result":true}'),
    ).toMatchObject({ status: 200 });
  });
});

describe('containerops run with an async service job (in process)', () => {
  it('starts a callback server, passes its url to the service, and succeeds on the callback', async () => {
    // A third-party service: answers 202, then posts the result to the callback url.
    const received: Record<string, unknown>[] = [];
    const service = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body) as Record<string, string>;
        received.push(parsed);
        res.writeHead(202).end();
        void fetch(parsed['CO_CALLBACK_URL'] as string, {
          method: 'POST',
          headers: { authorization: `Bearer ${parsed['CO_CALLBACK_TOKEN'] as string}` },
          body: JSON.stringify({ result: true, outputs: { ticket: 'T-7' }, logs: ['opened'] }),
        });
      });
    });
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
    servers.push({
      close: () => new Promise<void>((r) => service.close(() => r())),
    });
    const port = (service.address() as AddressInfo).port;

    const fake = new FakeOrchestrator();
    const io = new MemoryIo({
      files: {
        '/w/wf.yaml': `uri: acme/demo/ticket
stages:
  - type: normal
    name: notify
    actions:
      - name: open
        jobs:
          - name: ticket
            type: service
            timeout: 10s
            service:
              url: http://127.0.0.1:${port}/tickets
              body: { title: 'build failed' }
              async: true
`,
      },
    });
    const code = await createRunCommand(() => fakeHost([{ name: 'fake', orchestrator: fake }])).run(
      ['wf.yaml', '--json'],
      io,
    );
    const lines = io.stdout.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const result = lines.at(-1) as {
      status: string;
      snapshot: { stages: { actions: { jobs: { outputs: unknown }[] }[] }[] };
    };
    expect(result.status).toBe('succeeded');
    expect(code).toBe(0);
    expect(result.snapshot.stages[0]?.actions[0]?.jobs[0]?.outputs).toEqual({ ticket: 'T-7' });
    expect(received[0]?.['title']).toBe('build failed');
    expect(received[0]?.['CO_CALLBACK_URL']).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/callbacks\/[0-9a-f]{32}$/,
    );
    expect(lines.some((l) => l['type'] === 'log' && l['text'] === 'opened')).toBe(true);
  });
});
