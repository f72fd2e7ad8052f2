/**
 * Test helpers: GitHub's published example payloads (`@octokit/webhooks-examples`, the payloads
 * GitHub documents), turned into signed requests the way GitHub sends them.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import type { TriggerHttpRequest } from '@containerops/sdk';
import { signGithubPayload } from './signature.js';

export const SECRET = 'It is a secret to everybody';

// A CommonJS package whose main is a JSON file: required, as Node loads it.
const examples = createRequire(import.meta.url)(
  '@octokit/webhooks-examples',
) as WebhookDefinition[];

/** The first published example of `event` that `pick` accepts (default: the first). */
export function example(
  event: string,
  pick: (payload: Record<string, unknown>) => boolean = () => true,
): Record<string, unknown> {
  const definition = examples.find((d) => d.name === event);
  const found = (definition?.examples as unknown as Record<string, unknown>[] | undefined)?.find(
    pick,
  );
  if (found === undefined) throw new Error(`no published example of ${event} fits`);
  return structuredClone(found);
}

/** A delivery of `payload` as GitHub sends it: signed body, event and delivery headers. */
export function githubRequest(
  event: string,
  payload: unknown,
  options: { delivery?: string; secret?: string; signature?: string | null } = {},
): TriggerHttpRequest {
  const body = new TextEncoder().encode(JSON.stringify(payload));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/test',
    'x-github-event': event,
    'x-github-delivery': options.delivery ?? randomUUID(),
  };
  if (options.signature !== null)
    headers['x-hub-signature-256'] =
      options.signature ?? signGithubPayload(options.secret ?? SECRET, body);
  return { method: 'POST', path: '/', headers, query: {}, body };
}
