/** Test helpers: GraphQL over HTTP (fetch) and over WebSocket (a real graphql-ws client). */
import type { FormattedExecutionResult } from 'graphql';
import type { Client } from 'graphql-ws';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface HttpResult {
  readonly status: number;
  readonly body: FormattedExecutionResult;
}

export async function postGraphql(
  url: string,
  token: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
): Promise<HttpResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as FormattedExecutionResult };
}

/** The code of the first error, or undefined. */
export function firstCode(result: { body: FormattedExecutionResult } | FormattedExecutionResult) {
  const body = 'body' in result ? result.body : result;
  return body.errors?.[0]?.extensions?.['code'];
}

export function wsClient(
  wsUrl: string,
  token: string | undefined,
  onClose?: (code: number, reason: string) => void,
): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: token === undefined ? {} : { authorization: `Bearer ${token}` },
    on: {
      closed: (event) => {
        const e = event as { code: number; reason: string };
        onClose?.(e.code, String(e.reason));
      },
    },
  });
}

/** Collects a subscription's results until `count` arrived, the stream ends, or it errors. */
export function collect<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  count: number,
): {
  done: Promise<FormattedExecutionResult<T>[]>;
  items: FormattedExecutionResult<T>[];
  stop: () => void;
} {
  const items: FormattedExecutionResult<T>[] = [];
  let stop = () => {};
  const done = new Promise<FormattedExecutionResult<T>[]>((resolve, reject) => {
    stop = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          items.push(value as FormattedExecutionResult<T>);
          if (items.length >= count) {
            stop();
            resolve(items);
          }
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => resolve(items),
      },
    );
  });
  return { done, items, stop: () => stop() };
}

/** Polls `check` until it is true or `timeoutMs` passes (waits on real async work, not timing). */
export async function waitFor(
  check: () => boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
