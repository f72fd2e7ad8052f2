/**
 * `POST /callbacks/<id>`: results of async service jobs, handed to core's CallbackRegistry (one-
 * time tokens, refusals), answered with its status and `{ code, message }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CallbackCode,
  callbackTokenFromHeaders,
  MAX_CALLBACK_BODY_BYTES,
} from '@containerops/core';
import type { CallbackRegistry } from '@containerops/core';
import { sendJson } from './hook-routes.js';

export const CALLBACK_PATH = '/callbacks';

export async function handleCallback(
  registry: CallbackRegistry,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  if (req.method !== 'POST') {
    sendJson(res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'post the callback' });
    return;
  }
  const body = await readCapped(req, MAX_CALLBACK_BODY_BYTES);
  if (body === undefined) {
    sendJson(res, 413, {
      code: CallbackCode.tooLarge,
      message: `the body is over ${MAX_CALLBACK_BODY_BYTES} bytes`,
    });
    return;
  }
  const id = path.split('/').filter(Boolean).at(-1) ?? '';
  const answer = registry.deliver(id, callbackTokenFromHeaders(req.headers), body);
  sendJson(res, answer.status, { code: answer.code, message: answer.message });
}

/** The body as text; undefined when it is over `max` bytes (not kept). */
export function readCapped(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > max ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
