/**
 * The github trigger on GitHub's published example payloads (`@octokit/webhooks-examples`), each
 * signed as GitHub signs it: which events start which workflows, the filters, the `trigger.*`
 * values, redelivery, and the refusals.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPluginInstance } from '@containerops/sdk';
import type { TriggerPlugin, TriggerSubscription } from '@containerops/sdk';
import { RecordingTriggerContext } from '@containerops/sdk/testing';
import { SECRET, example, githubRequest } from './examples.testkit.js';
import { githubTriggerPlugin } from './plugin.js';

const opened = example('pull_request', (p) => p['action'] === 'opened');
const repo = (opened['repository'] as { full_name: string }).full_name;
const branchPush = example('push', (p) => String(p['ref']).startsWith('refs/heads/'));
const tagPush = example('push', (p) => String(p['ref']).startsWith('refs/tags/'));
const published = example('release', (p) => p['action'] === 'published');

let plugin: TriggerPlugin | undefined;
afterEach(async () => {
  await plugin?.stop();
  plugin = undefined;
});

async function started(
  subscriptions: TriggerSubscription[],
  config: unknown = { secret: SECRET },
  claims?: Map<string, string>,
): Promise<{ plugin: TriggerPlugin; ctx: RecordingTriggerContext }> {
  plugin = await createPluginInstance(githubTriggerPlugin, config, { kind: 'trigger' });
  const ctx = new RecordingTriggerContext(subscriptions, claims);
  await plugin.start(ctx);
  return { plugin, ctx };
}

function sub(trigger: Record<string, unknown>, workflow = 'acme/app/ci'): TriggerSubscription {
  return { workflow, trigger: { type: 'github', repository: repo, ...trigger } };
}

async function body(response: { body?: string | Uint8Array }): Promise<Record<string, unknown>> {
  return JSON.parse(String(response.body)) as Record<string, unknown>;
}

describe('github trigger', () => {
  it('a pull_request opened starts the workflow with the PR values', async () => {
    const { plugin, ctx } = await started([sub({ events: ['pull_request'] })]);
    const response = await plugin.handleHttp!(
      githubRequest('pull_request', opened, { delivery: 'd-1' }),
    );
    expect(response.status).toBe(202);
    expect(ctx.started).toHaveLength(1);
    const fired = ctx.started[0]!;
    const pr = opened['pull_request'] as {
      number: number;
      head: { sha: string };
      base: { ref: string };
      user: { login: string };
    };
    expect(fired.options.values).toMatchObject({
      repo,
      event: 'pull_request',
      action: 'opened',
      sha: pr.head.sha,
      pr_number: String(pr.number),
      base_ref: pr.base.ref,
      author: pr.user.login,
      delivery: 'd-1',
    });
    expect(fired.trigger).toMatchObject({ type: 'github', sha: pr.head.sha, repo });
    expect(fired.options.once).toBe('delivery:d-1');
  });

  it('synchronize and reopened start runs; closed, labeled and assigned do not', async () => {
    const { plugin, ctx } = await started([sub({ events: ['pull_request'] })]);
    for (const action of ['synchronize', 'reopened', 'closed', 'labeled', 'assigned']) {
      const payload = { ...opened, action };
      const response = await plugin.handleHttp!(githubRequest('pull_request', payload));
      const answer = await body(response);
      expect(response.status, action).toBe(202);
      if (['closed', 'labeled', 'assigned'].includes(action))
        expect(answer['ignored'], action).toContain(`"${action}"`);
    }
    expect(ctx.started.map((f) => f.options.values?.['action'])).toEqual([
      'synchronize',
      'reopened',
    ]);
  });

  it('a redelivery (same X-GitHub-Delivery) starts nothing, even after a restart', async () => {
    const claims = new Map<string, string>();
    const first = await started([sub({ events: ['pull_request'] })], { secret: SECRET }, claims);
    await first.plugin.handleHttp!(githubRequest('pull_request', opened, { delivery: 'same' }));
    await first.plugin.stop();
    // A new instance on the same durable claims: what a server restart looks like to the plugin.
    const second = await started([sub({ events: ['pull_request'] })], { secret: SECRET }, claims);
    const again = await second.plugin.handleHttp!(
      githubRequest('pull_request', opened, { delivery: 'same' }),
    );
    expect(again.status).toBe(202);
    expect((await body(again))['runs']).toEqual([
      { workflow: 'acme/app/ci', runId: 'run-1', duplicate: true },
    ]);
    expect(first.ctx.started.length + second.ctx.started.length).toBe(1);
  });

  it('a branch push starts push workflows, filtered by branch and changed paths', async () => {
    const ref = String(branchPush['ref']).slice('refs/heads/'.length);
    const { plugin, ctx } = await started([
      sub({ events: ['push'], branches: [ref] }, 'acme/app/on-branch'),
      sub({ events: ['push'], branches: ['release/*'] }, 'acme/app/other-branch'),
      sub({ events: ['push'], paths: ['**/*.nothing'] }, 'acme/app/other-paths'),
      sub({ events: ['push'], branches: [`!${ref}`] }, 'acme/app/excluded'),
      sub({ events: ['pull_request'] }, 'acme/app/prs'),
    ]);
    const response = await plugin.handleHttp!(githubRequest('push', branchPush));
    expect(response.status).toBe(202);
    expect(ctx.started.map((f) => f.workflow)).toEqual(['acme/app/on-branch']);
    expect(ctx.started[0]?.options.values).toMatchObject({ branch: ref, sha: branchPush['after'] });
  });

  it('changed paths: a glob matching a file of the push lets it through', async () => {
    const commits = branchPush['commits'] as {
      added: string[];
      modified: string[];
      removed: string[];
    }[];
    const path = [...commits.flatMap((c) => [...c.added, ...c.modified, ...c.removed])][0];
    const payload =
      path === undefined
        ? { ...branchPush, commits: [{ added: ['src/a.ts'], modified: [], removed: [] }] }
        : branchPush;
    const file = path ?? 'src/a.ts';
    const { plugin, ctx } = await started([
      sub({ events: ['push'], paths: [`**/${file.split('/').pop()}`] }),
    ]);
    await plugin.handleHttp!(githubRequest('push', payload));
    expect(ctx.started).toHaveLength(1);
  });

  it('a tag push starts tag workflows, filtered by tag', async () => {
    const tag = String(tagPush['ref']).slice('refs/tags/'.length);
    const { plugin, ctx } = await started([
      sub({ events: ['tag'], tags: [tag] }, 'acme/app/tagged'),
      sub({ events: ['tag'], tags: ['v*'] }, 'acme/app/versions'),
      sub({ events: ['push'] }, 'acme/app/branches'),
    ]);
    await plugin.handleHttp!(githubRequest('push', tagPush));
    expect(ctx.started.map((f) => f.workflow)).toEqual(['acme/app/tagged']);
    expect(ctx.started[0]?.options.values?.['tag']).toBe(tag);
  });

  it('a published release starts release workflows', async () => {
    const releaseRepo = (published['repository'] as { full_name: string }).full_name;
    const { plugin, ctx } = await started([
      {
        workflow: 'acme/app/release',
        trigger: { type: 'github', repository: releaseRepo, events: ['release'] },
      },
    ]);
    await plugin.handleHttp!(githubRequest('release', published));
    expect(ctx.started).toHaveLength(1);
    const tag = (published['release'] as { tag_name: string }).tag_name;
    expect(ctx.started[0]?.options.values).toMatchObject({ tag, action: 'published' });
  });

  it('an event it does not handle is answered 202 with the reason', async () => {
    const { plugin, ctx } = await started([sub({ events: ['push', 'pull_request', 'release'] })]);
    const issues = example('issues');
    const response = await plugin.handleHttp!(githubRequest('issues', issues));
    expect(response.status).toBe(202);
    expect((await body(response))['ignored']).toContain('"issues"');
    expect(ctx.fires).toEqual([]);
    const ping = await plugin.handleHttp!(githubRequest('ping', example('ping')));
    expect(ping.status).toBe(200);
  });

  it('refuses unsigned and wrongly signed deliveries with 401, and runs nothing', async () => {
    const { plugin, ctx } = await started([sub({ events: ['pull_request'] })]);
    const unsigned = await plugin.handleHttp!(
      githubRequest('pull_request', opened, { signature: null }),
    );
    expect(unsigned.status).toBe(401);
    expect((await body(unsigned))['code']).toBe('UNSIGNED');
    const wrong = await plugin.handleHttp!(
      githubRequest('pull_request', opened, { secret: 'wrong secret!' }),
    );
    expect(wrong.status).toBe(401);
    expect((await body(wrong))['code']).toBe('BAD_SIGNATURE');
    expect(ctx.fires).toEqual([]);
  });

  it('without a configured secret answers 503 and runs nothing', async () => {
    const { plugin, ctx } = await started([sub({ events: ['pull_request'] })], {});
    const response = await plugin.handleHttp!(githubRequest('pull_request', opened));
    expect(response.status).toBe(503);
    expect(ctx.fires).toEqual([]);
  });

  it('refuses bad config with a message naming the setting', () => {
    expect(() => githubTriggerPlugin.configSchema.parse({ secret: 'short' })).toThrow(/at least 8/);
    expect(() => githubTriggerPlugin.configSchema.parse({ token: 'x' })).toThrow(
      /unknown setting token/,
    );
  });
});
