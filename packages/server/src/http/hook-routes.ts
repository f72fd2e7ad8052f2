/**
 * `/hooks/<plugin>/...`: webhook endpoints of trigger plugins. A registry maps a plugin name to
 * its handler (the SDK's `handleHttp` shape: raw body in, response out). Every request is
 * recorded in `trigger_deliveries` — refused or failed ones too, not unknown plugins (404) — with
 * the payload's size and SHA-256, the request sealed (credential headers dropped) and the run it
 * started (see triggers/delivery-log.ts). The sender is answered once that row is committed; a
 * run the handler started is by then stored and queued (the trigger host's `fire` waits for
 * that, not for the run to begin), so a server that dies after answering resumes it.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TriggerHttpRequest, TriggerHttpResponse } from '@containerops/sdk';
import { UserError } from '@containerops/core';
import { deliveryStatusOf, withinDelivery } from '../triggers/delivery-log.js';
import type {
  DeliveryLog,
  DeliveryNotes,
  DeliveryStatus,
  NewDelivery,
} from '../triggers/delivery-log.js';

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
    if (!this.handlers.has(plugin)) {
      // Not recorded: anyone can send these, and each record would be a row for free.
      const message = `no trigger plugin "${plugin}" handles webhooks here`;
      sendJson(res, 404, { code: 'NOT_FOUND', message });
      return;
    }
    if (body === undefined) {
      const message = `the body is larger than ${MAX_HOOK_BODY_BYTES} bytes`;
      await this.record({
        plugin,
        receivedAt,
        body: new Uint8Array(),
        status: deliveryStatusOf(413, 0),
        runIds: [],
        error: message,
      });
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
    const outcome = await this.dispatch(plugin, request, { receivedAt });
    res.writeHead(outcome.response.status, outcome.response.headers).end(outcome.response.body);
  }

  /**
   * Feeds a stored request through `plugin`'s handler again, as a new delivery recorded with
   * `redeliveryOf` and `redeliveredBy` (the plugin's own checks run again: signature, replay
   * window, `once` keys). Resolves once that delivery is recorded.
   * @throws UserError NOT_FOUND when no running plugin of that name handles webhooks.
   */
  async redeliver(
    plugin: string,
    request: TriggerHttpRequest,
    by: { readonly redeliveryOf: string; readonly redeliveredBy: string },
  ): Promise<HookOutcome> {
    if (!this.handlers.has(plugin))
      throw new UserError('NOT_FOUND', `no running trigger plugin "${plugin}" handles webhooks`);
    return this.dispatch(plugin, request, { receivedAt: Date.now(), ...by });
  }

  /** Runs the handler within a delivery scope and records what it did; never rejects. */
  private async dispatch(
    plugin: string,
    request: TriggerHttpRequest,
    meta: { receivedAt: number; redeliveryOf?: string; redeliveredBy?: string },
  ): Promise<HookOutcome> {
    const handler = this.handlers.get(plugin) as HookHandler;
    const base = { plugin, body: request.body, request, ...meta };
    let outcome: { result: TriggerHttpResponse } & DeliveryNotes;
    try {
      outcome = await withinDelivery(() => handler(request));
    } catch (error) {
      const id = randomUUID();
      this.options.logError?.(id, error);
      const status = deliveryStatusOf(500, 0);
      const message = `${id}: ${error instanceof Error ? error.message : String(error)}`;
      const deliveryRowId = await this.record({ ...base, status, runIds: [], error: message });
      const body = `${JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', logId: id })}\n`;
      return {
        response: { status: 500, headers: JSON_HEADERS, body },
        status,
        runIds: [],
        ...(deliveryRowId === undefined ? {} : { deliveryRowId }),
      };
    }
    const { result, runIds, ...notes } = outcome;
    // A refusal's message, or why an accepted delivery started nothing (an event the plugin
    // does not handle, no workflow subscribed): what an operator looks for.
    const error =
      result.status >= 400 || (runIds.length === 0 && !notes.duplicate)
        ? errorText(result.body)
        : undefined;
    const status = deliveryStatusOf(result.status, runIds.length, notes.duplicate);
    const deliveryRowId = await this.record({
      ...base,
      status,
      runIds,
      ...(error === undefined ? {} : { error }),
      ...(notes.deliveryId === undefined ? {} : { deliveryId: notes.deliveryId }),
      ...(notes.workflow === undefined ? {} : { workflow: notes.workflow }),
      ...(notes.duplicateRunId === undefined ? {} : { duplicateRunId: notes.duplicateRunId }),
    });
    return {
      response: result,
      status,
      runIds,
      ...(deliveryRowId === undefined ? {} : { deliveryRowId }),
    };
  }

  /** Records a delivery; its row id, or undefined when it could not be (logged). */
  private async record(
    delivery: Omit<NewDelivery, 'payloadSha256' | 'payloadSize'> & { body: Uint8Array },
  ): Promise<string | undefined> {
    const log = this.options.deliveries;
    if (log === undefined) return undefined;
    const { body, ...rest } = delivery;
    try {
      return await log.record({
        ...rest,
        payloadSha256: createHash('sha256').update(body).digest('hex'),
        payloadSize: body.byteLength,
      });
    } catch (error) {
      // The answer matters more than its record: the run (if any) is stored and queued anyway.
      this.options.logError?.(randomUUID(), error);
      return undefined;
    }
  }
}

/** What became of one delivery: the answer for the sender and what was recorded. */
export interface HookOutcome {
  readonly response: TriggerHttpResponse;
  readonly status: DeliveryStatus;
  readonly runIds: readonly string[];
  /** Its `trigger_deliveries` row; undefined when it could not be recorded. */
  readonly deliveryRowId?: string;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

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
  res.writeHead(status, JSON_HEADERS).end(`${JSON.stringify(body)}\n`);
}
