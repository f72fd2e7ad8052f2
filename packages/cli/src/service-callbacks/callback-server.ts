/**
 * The callback endpoint of `containerops run` for async service jobs: a tiny HTTP server on
 * 127.0.0.1 that hands `POST .../<id>` bodies to core's CallbackRegistry (one-time tokens,
 * refusals) and answers with its status and `{ code, message }`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CallbackCode,
  CallbackRegistry,
  callbackTokenFromHeaders,
  MAX_CALLBACK_BODY_BYTES,
} from '@containerops/core';
import type { CallbackRefusal, WorkflowDefinition } from '@containerops/core';

/** Path prefix of callback URLs on the local server. */
export const CALLBACK_PATH = '/callbacks';

export interface CallbackServerOptions {
  /**
   * The base URL to advertise instead of `http://127.0.0.1:<port>/callbacks`, e.g. a tunnel or a
   * reverse proxy that forwards `<base>/<id>` to this server (any path ending in `/<id>` works).
   */
  readonly advertisedUrl?: string;
  /** Port to listen on; default: a free one. */
  readonly port?: number;
  /** Refusals no job is waiting for any more (late or unknown callbacks). */
  readonly onRefused?: (refusal: CallbackRefusal) => void;
}

export interface CallbackServer {
  readonly registry: CallbackRegistry;
  /** The base URL callbacks are advertised under. */
  readonly baseUrl: string;
  /** The local port (on 127.0.0.1) it listens on. */
  readonly port: number;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/** Starts the server; rejects when the port cannot be bound. */
export async function startCallbackServer(
  options: CallbackServerOptions = {},
): Promise<CallbackServer> {
  const box: { registry?: CallbackRegistry } = {};
  const server = createServer((req, res) => {
    const reply = (status: number, code: string, message: string): void => {
      res
        .writeHead(status, { 'content-type': 'application/json', connection: 'close' })
        .end(`${JSON.stringify({ code, message })}\n`);
    };
    if (req.method !== 'POST') {
      reply(405, 'METHOD_NOT_ALLOWED', 'post the callback');
      return;
    }
    void readCapped(req).then(
      (body) => {
        if (body === undefined) {
          reply(413, CallbackCode.tooLarge, `the body is over ${MAX_CALLBACK_BODY_BYTES} bytes`);
          return;
        }
        const id = (req.url ?? '').split('?')[0]?.split('/').filter(Boolean).at(-1) ?? '';
        const answer = box.registry?.deliver(id, callbackTokenFromHeaders(req.headers), body) ?? {
          status: 503,
          code: CallbackCode.notFound,
          message: 'not ready',
        };
        reply(answer.status, answer.code, answer.message);
      },
      () => reply(400, CallbackCode.invalidBody, 'could not read the body'),
    );
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  const baseUrl = options.advertisedUrl ?? `http://127.0.0.1:${port}${CALLBACK_PATH}`;
  const registry = new CallbackRegistry({
    baseUrl,
    ...(options.onRefused === undefined ? {} : { onRefused: options.onRefused }),
  });
  box.registry = registry;
  let closing: Promise<void> | undefined;
  return {
    registry,
    baseUrl,
    port,
    close: () => (closing ??= closeServer(server)),
  };
}

/** The body as text; undefined when it is over {@link MAX_CALLBACK_BODY_BYTES} (not kept). */
function readCapped(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_CALLBACK_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(size > MAX_CALLBACK_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** True when some job of the workflow is an async service job. */
export function needsCallbacks(workflow: WorkflowDefinition): boolean {
  return workflow.stages.some((stage) =>
    stage.actions.some((action) => action.jobs.some((job) => job.service?.async === true)),
  );
}
