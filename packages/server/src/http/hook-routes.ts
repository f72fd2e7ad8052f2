/**
 * `/hooks/<plugin>/...`: webhook endpoints of trigger plugins. A registry maps a plugin name to
 * its handler (the SDK's `handleHttp` shape: raw body in, response out). Every request is
 * recorded in `trigger_deliveries` — unknown plugins (404) and refused or failed ones too — with
 * the payload's size and SHA-256 and the run it started (see triggers/delivery-log.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TriggerHttpRequest, TriggerHttpResponse } from '@containerops/sdk';
import { deliveryStatusOf, withinDelivery } from '../triggers/delivery-log.js';
import type { DeliveryLog, DeliveryNotes } from '../triggers/delivery-log.js';

/** Handles one webhook request; answers 4xx for bad input rather than throwing. */
export type HookHandler = (request: TriggerHttpRequest) => Promise<TriggerHttpResponse>;

/** Largest webhook body accepted: 5 MiB (GitHub caps payloads at 25 MB; push and PR ones are far smaller). */
export const MAX_HOOK_BODY_BYTES = 5 * 1024 * 1024;

export interface HookRoutesOptions {
  /** Where deliveries are recorded; without it, nothing is. */
  readonly deliveries?: DeliveryLog;
  /** Logs unexpected errors under the id the client is shown. */
  readonly logError?: (id: string, error: unknown) => void;
}

export class HookRoutes {
  private readonly handlers = new Map<string, HookHandler>();
  private options: HookRoutesOptions;

  constructor(options: HookRoutesOptions = {}) {
    this.options = options;
  }

  /** Sets where deliveries are recorded (once the database is open). */
  configure(options: HookRoutesOptions): void {
    this.options = options;
  }

  register(plugin: string, handler: HookHandler): void {
    if (this.handlers.has(plugin))
      throw new Error(`a webhook handler for "${plugin}" is already registered`);
    this.handlers.set(plugin, handler);
  }

  unregister(plugin: string): void {
    this.handlers.delete(plugin);
  }

  /** Handles `/hooks/<plugin>/<rest>`. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const receivedAt = Date.now();
    const [, , plugin = '', ...rest] = path.split('/');
    const body = await readBody(req);
    const record = (
      status: number,
      runIds: readonly string[],
      error?: string,
      notes: { duplicate?: boolean; deliveryId?: string } = {},
    ): Promise<void> =>
      this.record({
        plugin,
        receivedAt,
        body: body ?? new Uint8Array(),
        status: deliveryStatusOf(status, runIds.length, notes.duplicate),
        runIds,
        ...(error === undefined ? {} : { error }),
        ...(notes.deliveryId === undefined ? {} : { deliveryId: notes.deliveryId }),
      });
    const handler = this.handlers.get(plugin);
    if (handler === undefined) {
      // Not recorded: anyone can send these, and each record would be a row for free.
      const message = `no trigger plugin "${plugin}" handles webhooks here`;
      sendJson(res, 404, { code: 'NOT_FOUND', message });
      return;
    }
    if (body === undefined) {
      const message = `the body is larger than ${MAX_HOOK_BODY_BYTES} bytes`;
      await record(413, [], message);
      sendJson(res, 413, { code: 'PAYLOAD_TOO_LARGE', message });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://hooks.invalid');
    const request: TriggerHttpRequest = {
      method: req.method ?? 'GET',
      path: `/${rest.join('/')}`,
      headers: headersOf(req),
      query: Object.fromEntries(url.searchParams),
      body,
    };
    let outcome: { result: TriggerHttpResponse } & DeliveryNotes;
    try {
      outcome = await withinDelivery(() => handler(request));
    } catch (error) {
      const id = randomUUID();
      this.options.logError?.(id, error);
      await record(500, [], `${id}: ${error instanceof Error ? error.message : String(error)}`);
      sendJson(res, 500, { code: 'INTERNAL_SERVER_ERROR', logId: id });
      return;
    }
    const { result, runIds, ...notes } = outcome;
    // A refusal's message, or why an accepted delivery started nothing (an event the plugin
    // does not handle, no workflow subscribed): what an operator looks for.
    const error =
      result.status >= 400 || (runIds.length === 0 && !notes.duplicate)
        ? errorText(result.body)
        : undefined;
    await record(result.status, runIds, error, notes);
    res.writeHead(result.status, result.headers).end(result.body);
  }

  private async record(delivery: {
    plugin: string;
    receivedAt: number;
    body: Uint8Array;
    status: ReturnType<typeof deliveryStatusOf>;
    runIds: readonly string[];
    error?: string;
    deliveryId?: string;
  }): Promise<void> {
    const log = this.options.deliveries;
    if (log === undefined) return;
    try {
      await log.record({
        plugin: delivery.plugin,
        receivedAt: delivery.receivedAt,
        payloadSha256: createHash('sha256').update(delivery.body).digest('hex'),
        payloadSize: delivery.body.byteLength,
        status: delivery.status,
        runIds: delivery.runIds,
        ...(delivery.error === undefined ? {} : { error: delivery.error }),
        ...(delivery.deliveryId === undefined ? {} : { deliveryId: delivery.deliveryId }),
      });
    } catch (error) {
      // The answer matters more than its record: the run (if any) has started anyway.
      this.options.logError?.(randomUUID(), error);
    }
  }
}

/** The body, or undefined when it is larger than {@link MAX_HOOK_BODY_BYTES} (rest discarded). */
async function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_HOOK_BODY_BYTES) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
  }
  return tooLarge ? undefined : new Uint8Array(Buffer.concat(chunks));
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function errorText(body: string | Uint8Array | undefined): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    .end(`${JSON.stringify(body)}\n`);
}
