/**
 * `/hooks/<plugin>/...`: webhook endpoints of trigger plugins. A small registry maps a plugin
 * name to its handler; unknown plugins get 404 with a JSON error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type HookHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  subPath: string,
) => Promise<void> | void;

export class HookRoutes {
  private readonly handlers = new Map<string, HookHandler>();

  register(plugin: string, handler: HookHandler): void {
    if (this.handlers.has(plugin))
      throw new Error(`a webhook handler for "${plugin}" is already registered`);
    this.handlers.set(plugin, handler);
  }

  /** Handles `/hooks/<plugin>/<rest>`. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const [, , plugin = '', ...rest] = path.split('/');
    const handler = this.handlers.get(plugin);
    if (handler === undefined) {
      sendJson(res, 404, {
        code: 'NOT_FOUND',
        message: `no trigger plugin "${plugin}" handles webhooks here`,
      });
      return;
    }
    await handler(req, res, `/${rest.join('/')}`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    .end(`${JSON.stringify(body)}\n`);
}
