/**
 * A loopback HTTP server that stands in for what a notifier talks to (a webhook receiver, Slack,
 * the GitHub REST API): records every request with its body, answers a chosen status. Tests only.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export class HttpStandIn {
  readonly requests: RecordedRequest[] = [];
  /** The status answered from now on (default 200), and an optional JSON body. */
  status = 200;
  answerBody: unknown = {};
  /** Hold every answer this long (ms) before sending it, to play a slow target. */
  delayMs = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Starts one on 127.0.0.1, an ephemeral port. */
  static async start(): Promise<HttpStandIn> {
    // The handler needs the instance, which needs the server: filled in below.
    const holder: { standIn?: HttpStandIn } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const self = holder.standIn;
        if (self === undefined) return void res.writeHead(503).end();
        self.requests.push({
          method: req.method ?? '',
          url: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const send = (): void => {
          res
            .writeHead(self.status, { 'content-type': 'application/json' })
            .end(JSON.stringify(self.answerBody));
        };
        if (self.delayMs > 0) setTimeout(send, self.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.standIn = new HttpStandIn(server, `http://127.0.0.1:${port}`);
    return holder.standIn;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
