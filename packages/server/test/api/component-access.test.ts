/**
 * Security review finding 1: workflows and debug runs resolve `component:` references as the
 * caller. A private component of another organisation is reported exactly like an unknown one
 * (no model, no image, no existence leak), and stored or run workflows only take components from
 * `library`, their own organisation and the caller's user namespace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstCode, postGraphql } from './support/api-client.js';
import type { RealServer } from './support/real-server.js';
import { startRealServer } from './support/real-server.js';

const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const OWNER = `owner${unique}`;
const RIVAL = `rival${unique}`;

const component = `name: ${OWNER}/private-tool
version: 1.0.0
description: A component only ${OWNER} may see.
image: registry.invalid/${OWNER}/private-tool:1.0.0
inputs:
  - key: token
    default: internal-default-value
`;

function workflow(org: string, ref: string): string {
  return `uri: ${org}/access/wf-${unique}
stages:
  - type: normal
    name: build
    actions:
      - name: main
        jobs:
          - name: use
            component: ${ref}
`;
}

interface Validation {
  ok: boolean;
  diagnostics: { message: string; line: number; col: number }[];
  model: unknown;
}

describe('component references are resolved as the caller (real server)', () => {
  let api: RealServer;
  let rivalAdmin: string;
  let owner: string;

  const call = (token: string, query: string, variables?: Record<string, unknown>) =>
    postGraphql(api.url, token, query, variables);

  const validate = async (token: string, yaml: string): Promise<Validation> => {
    const r = await call(
      token,
      'mutation($y: String!) { validateWorkflow(yaml: $y) { ok diagnostics { message line col } model } }',
      { y: yaml },
    );
    expect(r.body.errors).toBeUndefined();
    return (r.body.data as { validateWorkflow: Validation }).validateWorkflow;
  };
  const apply = async (token: string, yaml: string): Promise<Validation> => {
    const r = await call(
      token,
      'mutation($y: String!) { applyWorkflow(yaml: $y) { ok diagnostics { message line col } version { model } } }',
      { y: yaml },
    );
    expect(r.body.errors).toBeUndefined();
    const result = (
      r.body.data as { applyWorkflow: Validation & { version: { model: unknown } | null } }
    ).applyWorkflow;
    return { ...result, model: result.version?.model ?? null };
  };
  const debug = (token: string, org: string, ref: string) =>
    call(
      token,
      'mutation($o: String!, $c: String!) { debugComponent(organization: $o, component: $c) { id } }',
      {
        o: org,
        c: ref,
      },
    );

  beforeAll(async () => {
    api = await startRealServer('local');
    const admin = api.adminToken;
    for (const org of [OWNER, RIVAL]) {
      const r = await call(
        admin,
        'mutation($n: String!) { createOrganization(name: $n) { name } }',
        {
          n: org,
        },
      );
      expect(r.body.errors).toBeUndefined();
    }
    const member = async (org: string, user: string, role: string) => {
      const r = await call(
        admin,
        `mutation($o: String!, $u: String!) { setMember(organization: $o, user: $u, role: ${role}) { role } }`,
        { o: org, u: user },
      );
      expect(r.body.errors).toBeUndefined();
    };
    await member(RIVAL, `mallory${unique}`, 'ADMIN');
    await member(OWNER, `ann${unique}`, 'MEMBER');
    const tokenFor = async (user: string) => {
      const r = await call(
        admin,
        'mutation($u: String!) { createToken(name: "t", forUser: $u) { secret } }',
        { u: user },
      );
      expect(r.body.errors).toBeUndefined();
      return (r.body.data as { createToken: { secret: string } }).createToken.secret;
    };
    rivalAdmin = await tokenFor(`mallory${unique}`);
    owner = await tokenFor(`ann${unique}`);
    const published = await call(
      admin,
      'mutation($y: String!) { publishComponent(yaml: $y) { version } }',
      { y: component },
    );
    expect(published.body.errors).toBeUndefined();
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await api?.removeData();
  });

  it('validateWorkflow reports a private component of another organisation like an unknown one', async () => {
    const hidden = await validate(rivalAdmin, workflow(RIVAL, `${OWNER}/private-tool@1.0.0`));
    const unknown = await validate(rivalAdmin, workflow(RIVAL, `${OWNER}/no-such-tool@1.0.0`));
    expect(hidden.ok).toBe(false);
    expect(hidden.model).toBeNull();
    expect(JSON.stringify(hidden)).not.toContain('registry.invalid');
    expect(JSON.stringify(hidden)).not.toContain('internal-default-value');
    expect(hidden.diagnostics.map((d) => d.message.replace('private-tool', 'X'))).toEqual(
      unknown.diagnostics.map((d) => d.message.replace('no-such-tool', 'X')),
    );
  });

  it('applyWorkflow refuses it, stores nothing, and answers as for an unknown component', async () => {
    const hidden = await apply(rivalAdmin, workflow(RIVAL, `${OWNER}/private-tool@1.0.0`));
    const unknown = await apply(rivalAdmin, workflow(RIVAL, `${OWNER}/no-such-tool@1.0.0`));
    expect(hidden.ok).toBe(false);
    expect(hidden.model).toBeNull();
    expect(JSON.stringify(hidden)).not.toContain('registry.invalid');
    expect(hidden.diagnostics.map((d) => d.message.replace('private-tool', 'X'))).toEqual(
      unknown.diagnostics.map((d) => d.message.replace('no-such-tool', 'X')),
    );
  });

  it('debugComponent refuses it exactly like an unknown component', async () => {
    const hidden = await debug(rivalAdmin, RIVAL, `${OWNER}/private-tool`);
    const unknown = await debug(rivalAdmin, RIVAL, `${OWNER}/no-such-tool`);
    expect(firstCode(hidden)).toBe('BAD_USER_INPUT');
    expect(hidden.body.errors?.[0]?.message.replace('private-tool', 'X')).toBe(
      unknown.body.errors?.[0]?.message.replace('no-such-tool', 'X'),
    );
  });

  it('a viewer of the owning organisation sees it, but cannot bake it into another organisation', async () => {
    const r = await call(
      api.adminToken,
      `mutation($o: String!, $u: String!) { setMember(organization: $o, user: $u, role: VIEWER) { role } }`,
      { o: OWNER, u: `mallory${unique}` },
    );
    expect(r.body.errors).toBeUndefined();
    const viewerToken = await call(
      api.adminToken,
      'mutation($u: String!) { createToken(name: "v", forUser: $u) { secret } }',
      { u: `mallory${unique}` },
    );
    const token = (viewerToken.body.data as { createToken: { secret: string } }).createToken.secret;
    const yaml = workflow(RIVAL, `${OWNER}/private-tool@1.0.0`);
    expect((await validate(token, yaml)).ok).toBe(true);
    const applied = await apply(token, yaml);
    expect(applied.ok).toBe(false);
    expect(applied.diagnostics[0]?.message).toContain('cannot be used here');
    const debugged = await debug(token, RIVAL, `${OWNER}/private-tool`);
    expect(firstCode(debugged)).toBe('BAD_USER_INPUT');
    expect(debugged.body.errors?.[0]?.message).toContain('cannot be used here');
  });

  it("the owning organisation's members still use it", async () => {
    const applied = await apply(owner, workflow(OWNER, `${OWNER}/private-tool@1.0.0`));
    expect(applied.diagnostics).toEqual([]);
    expect(applied.ok).toBe(true);
    expect(JSON.stringify(applied.model)).toContain(`registry.invalid/${OWNER}/private-tool:1.0.0`);
  });
});
