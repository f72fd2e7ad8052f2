/**
 * The gitlab trigger: the SDK's conformance suite, then events, filters, values and refusals, on
 * payloads in the shape GitLab documents for its webhooks (testdata/).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createPluginInstance } from '@containerops/sdk';
import type { TriggerHttpRequest, TriggerPlugin, TriggerSubscription } from '@containerops/sdk';
import { RecordingTriggerContext, describeTriggerConformance } from '@containerops/sdk/testing';
import { gitlabTriggerPlugin } from './plugin.js';

const TOKEN = 'gitlab-webhook-token';
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`testdata/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

function request(
  event: string,
  payload: unknown,
  options: { uuid?: string; token?: string | null } = {},
): TriggerHttpRequest {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-gitlab-event': event,
    'x-gitlab-event-uuid': options.uuid ?? randomUUID(),
  };
  if (options.token !== null) headers['x-gitlab-token'] = options.token ?? TOKEN;
  return {
    method: 'POST',
    path: '/',
    headers,
    query: {},
    body: new TextEncoder().encode(JSON.stringify(payload)),
  };
}

const sub = (trigger: Record<string, unknown>, workflow = 'acme/app/ci'): TriggerSubscription => ({
  workflow,
  trigger: { type: 'gitlab', project: 'acme/payments', ...trigger },
});

describeTriggerConformance('gitlab', async () => {
  const good = request('Merge Request Hook', fixture('merge-request'), { uuid: 'conformance-1' });
  return {
    plugin: await createPluginInstance(gitlabTriggerPlugin, { token: TOKEN }, { kind: 'trigger' }),
    subscriptions: [sub({ events: ['merge_request'] })],
    event: () => good,
    badRequests: [
      request('Merge Request Hook', fixture('merge-request'), { token: null }),
      request('Merge Request Hook', fixture('merge-request'), { token: 'wrong-token-here' }),
    ],
  };
});

let plugin: TriggerPlugin | undefined;
afterEach(async () => {
  await plugin?.stop();
  plugin = undefined;
});

async function started(subscriptions: TriggerSubscription[], claims?: Map<string, string>) {
  plugin = await createPluginInstance(gitlabTriggerPlugin, { token: TOKEN }, { kind: 'trigger' });
  const ctx = new RecordingTriggerContext(subscriptions, claims);
  await plugin.start(ctx);
  return { plugin, ctx };
}

describe('gitlab trigger', () => {
  it('a merge request opened starts the workflow with its values', async () => {
    const { plugin, ctx } = await started([sub({ events: ['merge_request'], branches: ['main'] })]);
    const response = await plugin.handleHttp!(
      request('Merge Request Hook', fixture('merge-request'), { uuid: 'u-1' }),
    );
    expect(response.status).toBe(202);
    expect(ctx.started[0]?.options.values).toMatchObject({
      repo: 'acme/payments',
      event: 'merge_request',
      mr_number: '7',
      sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      base_ref: 'main',
      head_ref: 'fix/rounding',
      author: 'ada',
    });
    expect(ctx.started[0]?.options.once).toBe('delivery:u-1');
  });

  it('an update without new commits and a close start nothing', async () => {
    const { plugin, ctx } = await started([sub({ events: ['merge_request'] })]);
    const mr = fixture('merge-request');
    const attrs = mr['object_attributes'] as Record<string, unknown>;
    for (const action of ['update', 'close', 'merge']) {
      const response = await plugin.handleHttp!(
        request('Merge Request Hook', { ...mr, object_attributes: { ...attrs, action } }),
      );
      expect(response.status).toBe(202);
    }
    await plugin.handleHttp!(
      request('Merge Request Hook', {
        ...mr,
        object_attributes: { ...attrs, action: 'update', oldrev: 'abc123' },
      }),
    );
    expect(ctx.started.map((f) => f.options.values?.['action'])).toEqual(['update']);
  });

  it('pushes filter on branch and changed paths; tag pushes on tags', async () => {
    const { plugin, ctx } = await started([
      sub({ events: ['push'], branches: ['main'], paths: ['src/**'] }, 'acme/app/src'),
      sub({ events: ['push'], paths: ['docs/**'] }, 'acme/app/docs'),
      sub({ events: ['tag'], tags: ['v*'] }, 'acme/app/release'),
      sub({ events: ['tag'], tags: ['nightly-*'] }, 'acme/app/nightly'),
    ]);
    await plugin.handleHttp!(request('Push Hook', fixture('push')));
    await plugin.handleHttp!(request('Tag Push Hook', fixture('tag-push')));
    expect(ctx.started.map((f) => f.workflow)).toEqual(['acme/app/src', 'acme/app/release']);
    expect(ctx.started[1]?.options.values?.['tag']).toBe('v1.0.0');
  });

  it('a redelivery (same X-Gitlab-Event-UUID) starts nothing', async () => {
    const { plugin, ctx } = await started([sub({ events: ['push'] })]);
    await plugin.handleHttp!(request('Push Hook', fixture('push'), { uuid: 'same' }));
    await plugin.handleHttp!(request('Push Hook', fixture('push'), { uuid: 'same' }));
    expect(ctx.started).toHaveLength(1);
  });

  it('refuses a missing or wrong token with 401; answers other events 202 with the reason', async () => {
    const { plugin, ctx } = await started([sub({})]);
    expect(
      (await plugin.handleHttp!(request('Push Hook', fixture('push'), { token: null }))).status,
    ).toBe(401);
    expect(
      (await plugin.handleHttp!(request('Push Hook', fixture('push'), { token: 'not-the-token' })))
        .status,
    ).toBe(401);
    const note = await plugin.handleHttp!(request('Note Hook', fixture('push')));
    expect(note.status).toBe(202);
    expect(String(note.body)).toContain('Note Hook');
    expect(ctx.fires).toEqual([]);
  });
});
