/**
 * Issue 14's acceptance, on a running server (startServer, real HTTP on loopback):
 *
 * - a pull_request delivery published by GitHub (`@octokit/webhooks-examples`), signed as GitHub
 *   signs it, starts exactly one run, whose job sees the PR in `CO_TRIGGER_*`; the run sets the
 *   commit status pending then success on a stand-in GitHub REST API, posts one Slack message to
 *   a stand-in incoming webhook, and delivers one mail to a real SMTP server (STARTTLS + AUTH),
 *   read back; the same delivery sent again starts nothing and sends nothing;
 * - refused and ignored deliveries are answered 401 / 202 / 413 and recorded, visible through the
 *   deliveries service the API reads;
 * - an original ContainerOps flow file with `receivers: - type: mail` sends its mail.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { HttpStandIn } from '@containerops/sdk/testing';
import { SmtpStandIn, decodeQuotedPrintable } from '@containerops/notifier-mail/testing';
import { silentServerLogger } from '../../src/logger.js';
import type { Principal } from '../../src/services/contracts.js';
import { startServer } from '../../src/start-server.js';
import type { StartedServer } from '../../src/start-server.js';

const PLUGINS = resolve(import.meta.dirname, '../../../../plugins');
const WEBHOOK_SECRET = 'github-webhook-secret';
const examples = createRequire(import.meta.url)(
  '@octokit/webhooks-examples',
) as WebhookDefinition[];
const opened = structuredClone(
  (
    examples.find((d) => d.name === 'pull_request')?.examples as unknown as Record<
      string,
      unknown
    >[]
  ).find((p) => p['action'] === 'opened')!,
);
const repo = (opened['repository'] as { full_name: string }).full_name;
const pr = opened['pull_request'] as { number: number; head: { sha: string } };

const prWorkflow = `
uri: default/payments/pr
triggers:
  - type: github
    repository: ${repo}
    events: [pull_request]
receivers:
  - type: github-status
    context: ci/containerops
  - type: slack
    webhook: SLACK_WEBHOOK
  - type: mail
    address: team@example.com
stages:
  - type: start
    name: start
  - type: normal
    name: test
    actions:
      - name: unit
        jobs:
          - name: check
            command: 'echo "testing $CO_TRIGGER_REPO@$CO_TRIGGER_SHA for PR $CO_TRIGGER_PR_NUMBER"'
  - type: end
    name: end
`;

/** An original ContainerOps flow file: no job names, component jobs by image, a mail receiver. */
const originalFlow = `
uri: default/python/pybuilder-ci
title: Build a python project
version: 1
tag: latest
timeout: 0
receivers:
  -
    type: mail
    address: devops@example.com
stages:
  -
    type: start
    name: start
    title: Start
  -
    type: normal
    name: build
    title: Build
    sequencing: sequence
    actions:
      -
        name: pybuilder-build
        title: build
        jobs:
          -
            type: component
            endpoint: hub.opshub.sh/containerops/pybuilder:latest
            resources:
              cpu: 2
              memory: 4G
            timeout: 0
            environments:
              - CO_DATA: "git-url=https://github.com/example/project.git"
  -
    type: end
    name: end
    title: End
`;

describe('a GitHub pull request through a running server to every notifier', () => {
  let dir: string;
  let server: StartedServer;
  let admin: Principal;
  let github: HttpStandIn;
  let slack: HttpStandIn;
  let smtp: SmtpStandIn;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'co-accept-'));
    github = await HttpStandIn.start();
    github.status = 201;
    slack = await HttpStandIn.start();
    smtp = await SmtpStandIn.start();
    server = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: dir,
        orchestrator: 'local',
        announce: () => undefined,
        // The built-ins, named with their settings (by source path: tests run without dist/).
        plugins: [
          {
            module: join(PLUGINS, 'trigger-github/src/index.ts'),
            config: { secret: WEBHOOK_SECRET },
          },
          {
            module: join(PLUGINS, 'notifier-github-status/src/index.ts'),
            config: { baseUrl: `${github.url}/api/v3`, token: 'ghs_acceptance' },
          },
          {
            module: join(PLUGINS, 'notifier-mail/src/index.ts'),
            config: {
              host: '127.0.0.1',
              port: smtp.port,
              user: smtp.user,
              password: smtp.password,
              ca: smtp.certificate,
              from: 'ContainerOps <ci@example.com>',
            },
          },
        ],
      },
      { logger: silentServerLogger },
    );
    admin = (await server.services.identity.authenticate(
      `Bearer ${server.adminToken ?? ''}`,
    )) as Principal;
    await server.services.secrets.set(
      admin,
      'default',
      'SLACK_WEBHOOK',
      `${slack.url}/services/T0/B0/x`,
    );
    for (const yaml of [prWorkflow, originalFlow]) {
      const applied = await server.services.workflows.apply(admin, yaml);
      expect(applied.ok, JSON.stringify(applied)).toBe(true);
    }
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await Promise.all([github?.close(), slack?.close(), smtp?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const send = async (
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const response = await fetch(`${server.url}/hooks/github`, { method: 'POST', body, headers });
    const text = await response.text();
    return {
      status: response.status,
      json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
  };
  const signed = (body: string, event: string, delivery: string): Record<string, string> => ({
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`,
  });
  const notificationsOf = async (runId: string, count: number) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const rows = await server.services.notifications.ofRun(admin, runId);
      if (rows.length >= count || Date.now() > deadline) return rows;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('one signed pull_request: one run, pending then success, one Slack message, one mail; a redelivery starts nothing', async () => {
    const body = JSON.stringify(opened);
    const delivery = randomUUID();
    const first = await send(body, signed(body, 'pull_request', delivery));
    expect(first.status).toBe(202);
    const runs = first.json['runs'] as { workflow: string; runId: string }[];
    expect(runs).toHaveLength(1);
    const runId = runs[0]!.runId;
    const ended = await server.engines.whenDone(runId);
    expect(ended?.status).toBe('succeeded');

    const lines = await server.services.runs.logs(admin, { runId, jobPath: 'test.unit.check' });
    expect(lines.map((l) => l.text)).toContain(
      `testing ${repo}@${pr.head.sha} for PR ${pr.number}`,
    );

    // Every notification recorded: github-status twice (started, ended), slack, mail.
    const rows = await notificationsOf(runId, 4);
    expect(rows.map((r) => `${r.receiverType}:${r.runStatus}:${r.outcome}`).sort()).toEqual([
      'github-status:running:delivered',
      'github-status:succeeded:delivered',
      'mail:succeeded:delivered',
      'slack:succeeded:delivered',
    ]);
    expect(github.requests.map((r) => r.url)).toEqual([
      `/api/v3/repos/${repo}/statuses/${pr.head.sha}`,
      `/api/v3/repos/${repo}/statuses/${pr.head.sha}`,
    ]);
    expect(github.requests.map((r) => (JSON.parse(r.body) as { state: string }).state)).toEqual([
      'pending',
      'success',
    ]);
    expect(github.requests[1]!.headers['authorization']).toBe('Bearer ghs_acceptance');
    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]!.body).toContain('default/payments/pr succeeded');
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.secure).toBe(true);
    expect(mail.to).toEqual(['team@example.com']);
    expect(mail.raw).toMatch(/^Subject: \[ContainerOps\] default\/payments\/pr succeeded/m);
    expect(decodeQuotedPrintable(mail.raw)).toContain(`${server.url}/runs/${runId}`);

    // The same delivery again (GitHub's "Redeliver"): nothing starts, nothing is sent.
    const again = await send(body, signed(body, 'pull_request', delivery));
    expect(again.status).toBe(202);
    expect(again.json['runs']).toEqual([
      { workflow: 'default/payments/pr', runId, duplicate: true },
    ]);
    const page = await server.services.runs.list(
      admin,
      { workflow: 'default/payments/pr' },
      { first: 10 },
    );
    expect(page.runs).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(github.requests).toHaveLength(2);
    expect(slack.requests).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);

    const deliveries = await server.services.deliveries.recent(admin, {
      limit: 10,
      trigger: 'github',
    });
    // The redelivery is recorded as a duplicate naming the run the first delivery started.
    expect(deliveries.slice(0, 2).map((d) => [d.status, d.runId])).toEqual([
      ['duplicate', runId],
      ['accepted', runId],
    ]);
  });

  it('refuses bad signatures (401), answers unknown events 202 with the reason, refuses bodies over 5 MB (413): all recorded', async () => {
    const body = JSON.stringify(opened);
    const unsigned = await send(body, {
      'x-github-event': 'pull_request',
      'x-github-delivery': randomUUID(),
    });
    expect(unsigned.status).toBe(401);
    const forged = await send(body, {
      ...signed(body, 'pull_request', randomUUID()),
      'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
    });
    expect(forged.status).toBe(401);
    const issues = JSON.stringify(
      (examples.find((d) => d.name === 'issues')?.examples as unknown[])[0],
    );
    const ignored = await send(issues, signed(issues, 'issues', randomUUID()));
    expect(ignored.status).toBe(202);
    const huge = JSON.stringify({ padding: 'x'.repeat(5 * 1024 * 1024) });
    const tooLarge = await send(huge, signed(huge, 'push', randomUUID()));
    expect(tooLarge.status).toBe(413);
    // Just under the 5 MiB limit: read, checked and answered (no workflow for this repository).
    const big = JSON.stringify({
      ref: 'refs/heads/main',
      after: 'a'.repeat(40),
      repository: { full_name: 'someone/else' },
      padding: 'x'.repeat(4_900_000),
    });
    const underLimit = await send(big, signed(big, 'push', randomUUID()));
    expect(underLimit.status).toBe(202);

    const rows = await server.services.deliveries.recent(admin, { limit: 5, trigger: 'github' });
    expect(rows.map((r) => r.status)).toEqual([
      'ignored',
      'rejected',
      'ignored',
      'rejected',
      'rejected',
    ]);
    rows.shift();
    expect(rows[1]!.error).toContain('issues\\" starts no run');
    expect(rows[3]!.error).toContain('x-hub-signature-256 is required');
    const page = await server.services.runs.list(
      admin,
      { workflow: 'default/payments/pr' },
      { first: 10 },
    );
    expect(page.runs).toHaveLength(1);
  });

  it('validation warns about a receiver type no loaded notifier handles, not about loaded ones', async () => {
    const yaml = `${prWorkflow}`.replace(
      'receivers:\n',
      'receivers:\n  - type: teams\n    channel: ci\n',
    );
    const result = await server.services.workflows.validate(admin, yaml);
    const unhandled = result.diagnostics.filter((d) => d.code === 'unhandled-receiver');
    expect(unhandled).toHaveLength(1);
    expect(unhandled[0]!.message).toContain('teams');
  });

  it('an original flow file with receivers: - type: mail sends its mail', async () => {
    const before = smtp.received.length;
    const run = await server.services.runs.trigger(admin, 'default/python/pybuilder-ci');
    const ended = await server.engines.whenDone(run.snapshot.runId);
    // The local orchestrator runs no images: the run fails, and the mail says which job and why.
    expect(ended?.status).toBe('failed');
    const rows = await notificationsOf(run.snapshot.runId, 1);
    expect(rows.map((r) => `${r.receiverType}:${r.outcome}`)).toEqual(['mail:delivered']);
    expect(smtp.received).toHaveLength(before + 1);
    const mail = smtp.received[before]!;
    expect(mail.to).toEqual(['devops@example.com']);
    expect(mail.raw).toMatch(/^Subject: \[ContainerOps\] default\/python\/pybuilder-ci failed/m);
    expect(decodeQuotedPrintable(mail.raw)).toContain('Failed job: build.pybuilder-build.');
  });
});
