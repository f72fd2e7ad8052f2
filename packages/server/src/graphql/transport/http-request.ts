/** node:http request ⇄ Apollo's transport-neutral HTTPGraphQLRequest / HTTPGraphQLResponse. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HTTPGraphQLRequest, HTTPGraphQLResponse } from '@apollo/server';
import { HeaderMap } from '@apollo/server';

/** A request the transport refuses before GraphQL sees it (body too large, not JSON). */
export class HttpRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function toGraphQLRequest(
  req: IncomingMessage,
  maxBodyBytes: number,
): Promise<HTTPGraphQLRequest> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const raw = await readBody(req, maxBodyBytes);
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    headers,
    search: queryStart === -1 ? '' : url.slice(queryStart + 1),
    body: parseBody(raw, headers.get('content-type')),
  };
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  // Apollo answers non-JSON bodies itself (400, and CSRF prevention for "simple" requests).
  if (
    contentType === undefined ||
    !/^application\/(graphql-response\+)?json\b/i.test(contentType)
  ) {
    return raw;
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new HttpRequestError(400, 'The request body is not valid JSON.');
  }
}

async function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes)
    throw new HttpRequestError(413, `Request body over ${maxBodyBytes} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes)
      throw new HttpRequestError(413, `Request body over ${maxBodyBytes} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function sendGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse) {
  res.statusCode = response.status ?? 200;
  for (const [key, value] of response.headers) res.setHeader(key, value);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

export function sendPlainError(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`${message}\n`);
}
