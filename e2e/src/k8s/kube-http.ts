/**
 * Raw HTTP calls to a Kubernetes API server with a kubeconfig's credentials. The deploy tests
 * send manifests exactly as written (a typed client would drop a misspelled field before the
 * server could reject it) and read the server's `Status` on failure.
 */
import { request } from 'node:https';
import type { RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

/** A response: status code and parsed JSON body (`Status` on errors). */
export interface KubeResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** One API server, as the kubeconfig's current context reaches it. */
export interface KubeHttp {
  call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<KubeResponse>;
}

/** A client for the kubeconfig file's current context (certificates or token). */
export function kubeHttp(kubeconfig: string): KubeHttp {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const server = kc.getCurrentCluster()?.server;
  if (server === undefined) throw new Error(`${kubeconfig}: no current cluster`);
  return {
    async call(method, path, body) {
      const url = new URL(path, server);
      const options: RequestOptions = {
        method,
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        headers: { accept: 'application/json', 'content-type': 'application/json' },
      };
      await kc.applyToHTTPSOptions(options);
      return new Promise<KubeResponse>((resolve, reject) => {
        const req = request(options, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown> = {};
            try {
              parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
            } catch {
              parsed = { message: text };
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.setTimeout(15_000, () =>
          req.destroy(new Error(`${method} ${path}: no answer in 15 s`)),
        );
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    },
  };
}
