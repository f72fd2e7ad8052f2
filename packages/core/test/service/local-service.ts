/**
 * Test doubles for service jobs, on loopback only: a scripted third-party HTTP service
 * ({@link LocalService}) and a host endpoint that forwards callbacks to a
 * {@link CallbackRegistry} ({@link CallbackHost}), both on random ports of 127.0.0.1.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CALLBACK_TOKEN_HEADER,
  CALLBACK_URL_HEADER,
  CallbackRegistry,
  callbackTokenFromHeaders,
} from '../../src/index.js';
import type { CallbackRefusal } from '../../src/index.js';

/** A callback the service posts after answering an async request. */
export interface CallbackSpec {
  readonly body: unknown;
  /** `right` (default): the token it was given; `wrong`: another one; `none`: no token. */
  readonly token?: 'right' | 'wrong' | 'none';
  /** Wait before posting (after the previous callback's answer). */
  readonly delayMs?: number;
}

/** One scripted answer of a route. */
export interface ReplySpec {
  readonly status?: number;
  /** Strings are sent as they are; anything else JSON-encoded. Absent: empty body. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait before answering (the engine may abort first). */
  readonly delayMs?: number;
  /** Close the connection without any answer. */
  readonly destroy?: boolean;
  readonly callbacks?: readonly CallbackSpec[];
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface CallbackAnswer {
  readonly status: number;
  readonly code: string;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Answers each route's requests with its replies in order (the last one repeats); unknown paths
 * get 404. Records every request and the answers to the callbacks it posted.
 */
export class LocalService {
  readonly requests: RecordedRequest[] = [];
  readonly callbackAnswers: CallbackAnswer[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly counts = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(
    routes: Readonly<Record<string, readonly ReplySpec[]>>,
  ): Promise<LocalService> {
    const box: { self?: LocalService } = {};
    const server = createServer((req, res) => {
      void box.self?.handle(routes, req, res);
    });
    box.self = new LocalService(server, await listen(server));
    return box.self;
  }

  /** Requests to `path`. */
  to(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Waits until every callback the service meant to post has been answered. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    await this.settled();
    await close(this.server);
  }

  private async handle(
    routes: Readonly<Record<string, readonly ReplySpec[]>>,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string') headers[k] = v;
    }
    const body = await readBody(req);
    this.requests.push({ method: req.method ?? 'GET', path, headers, body });
    const replies = routes[path];
    if (replies === undefined || replies.length === 0) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route ${path}`);
      return;
    }
    const n = this.counts.get(path) ?? 0;
    this.counts.set(path, n + 1);
    const reply = replies[Math.min(n, replies.length - 1)] as ReplySpec;
    if (reply.delayMs !== undefined) await sleep(reply.delayMs);
    if (reply.destroy === true) {
      req.socket.destroy();
      return;
    }
    const text =
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(text);
    const url = headers[CALLBACK_URL_HEADER.toLowerCase()];
    const token = headers[CALLBACK_TOKEN_HEADER.toLowerCase()];
    if (reply.callbacks !== undefined && url !== undefined) {
      const posting = this.post(url, token ?? '', reply.callbacks);
      this.pending.add(posting);
      void posting.finally(() => this.pending.delete(posting));
    }
  }

  private async post(
    url: string,
    token: string,
    callbacks: readonly CallbackSpec[],
  ): Promise<void> {
    for (const cb of callbacks) {
      if (cb.delayMs !== undefined) await sleep(cb.delayMs);
      const given = cb.token ?? 'right';
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (given !== 'none')
        headers[CALLBACK_TOKEN_HEADER] = given === 'right' ? token : 'wrong-token';
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers,
          body: typeof cb.body === 'string' ? cb.body : JSON.stringify(cb.body),
        });
        const answer = (await res.json()) as { code?: string };
        this.callbackAnswers.push({ status: res.status, code: answer.code ?? '' });
      } catch (error) {
        this.callbackAnswers.push({ status: 0, code: String(error) });
      }
    }
  }
}

/** `http://127.0.0.1:<port>` of a port that was just free (bound, then closed): connections are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await close(server);
  return url;
}

/** A host endpoint: `POST <baseUrl>/<id>` → `registry.deliver`, answered as `{ code, message }`. */
export class CallbackHost {
  readonly refusals: CallbackRefusal[] = [];

  private constructor(
    private readonly server: Server,
    readonly registry: CallbackRegistry,
  ) {}

  static async start(): Promise<CallbackHost> {
    const box: { self?: CallbackHost } = {};
    const server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        const id = (req.url ?? '').replace(/^\/callbacks\//, '');
        const token = callbackTokenFromHeaders(req.headers);
        const answer = box.self?.registry.deliver(id, token, body);
        res
          .writeHead(answer?.status ?? 503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: answer?.code, message: answer?.message }));
      })();
    });
    const base = await listen(server);
    const registry = new CallbackRegistry({
      baseUrl: `${base}/callbacks`,
      onRefused: (r) => box.self?.refusals.push(r),
    });
    box.self = new CallbackHost(server, registry);
    return box.self;
  }

  close(): Promise<void> {
    return close(this.server);
  }
}
