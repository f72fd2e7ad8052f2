/** Serves `createGraphqlApi` over a plain node:http server on a free loopback port. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiLogger } from '../../../src/graphql/index.js';
import { createGraphqlApi } from '../../../src/graphql/index.js';
import type { ServerServices } from '../../../src/services/contracts.js';

export interface LocalApi {
  readonly url: string;
  readonly wsUrl: string;
  readonly logged: { message: string; fields: Readonly<Record<string, unknown>> }[];
  close(): Promise<void>;
}

export async function startLocalApi(services: ServerServices): Promise<LocalApi> {
  const logged: LocalApi['logged'] = [];
  const logger: ApiLogger = {
    error: (message, fields) => logged.push({ message, fields }),
    warn: (message, fields) => logged.push({ message, fields }),
  };
  const api = await createGraphqlApi(services, { logger });
  const server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://x').pathname === api.path) {
      void api.handle(req, res);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  api.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    logged,
    async close() {
      await api.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
