/**
 * The client commands (`workflow apply`, `run --server`, `logs`, `component publish`,
 * `token create`, `secret set`) against a real server: `startServer` on a temp data dir with the
 * `local` orchestrator, listening on a free loopback port. Commands run in-process through
 * `main` with an in-memory CliIo (signals are delivered by hand).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphqlApiFactory, silentServerLogger, startServer } from '@containerops/server';
import type { StartedServer } from '@containerops/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/api/api-client.js';
import type { ApiError } from '../src/api/api-error.js';
import { main } from '../src/main.js';
import { MemoryIo } from './memory-io.js';

let server: StartedServer;
let dataDir: string;
let work: string;
let url: string;
let token: string;
let unique = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'co-cli-server-'));
  work = await mkdtemp(join(tmpdir(), 'co-cli-work-'));
  server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir, orchestrator: 'local', announce: () => undefined },
    {
      graphql: graphqlApiFactory({ logger: { error: () => undefined, warn: () => undefined } }),
      logger: silentServerLogger,
    },
  );
  url = server.url;
  if (server.adminToken === undefined) throw new Error('the server announced no admin token');
  token = server.adminToken;
});

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

function ioFor(options: { env?: Record<string, string>; stdin?: string } = {}): MemoryIo {
  return new MemoryIo({
    env: { CONTAINEROPS_SERVER: url, CONTAINEROPS_TOKEN: token, ...options.env },
    cwd: work,
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
  });
}

async function cli(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliResult> {
  const io = ioFor(options);
  const code = await main(args, io);
  return { code, out: io.stdout.text, err: io.stderr.text };
}

/** API call with the admin token, for checking what a command did. */
async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors !== undefined) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A one-job workflow in organisation `default` with a unique uri; returns its uri and file. */
async function workflowFile(command: string, extra = ''): Promise<{ uri: string; file: string }> {
  unique += 1;
  const uri = `default/cli-test/wf${unique}`;
  const file = `wf${unique}.yaml`;
  await writeFile(
    join(work, file),
    `uri: ${uri}
${extra}stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: j
            command: ${JSON.stringify(command)}
`,
  );
  return { uri, file };
}

async function applied(command: string, extra = ''): Promise<string> {
  const { uri, file } = await workflowFile(command, extra);
  const result = await cli(['workflow', 'apply', '-f', file]);
  expect(result.code, result.err).toBe(0);
  return uri;
}

async function runStatus(id: string): Promise<string> {
  const { run } = await gql<{ run: { status: string } }>(
    'query($id: ID!) { run(id: $id) { status } }',
    {
      id,
    },
  );
  return run.status;
}

describe('workflow apply', () => {
  it('applies a new version, then reports the same file unchanged', async () => {
    const { uri, file } = await workflowFile('echo hi');
    const first = await cli(['workflow', 'apply', '-f', file]);
    expect(first).toMatchObject({ code: 0, out: `${uri}: applied version 1\n` });
    const again = await cli(['workflow', 'apply', '--file', file]);
    expect(again).toMatchObject({ code: 0, out: `${uri}: unchanged (version 1)\n` });
    const text = await readFile(join(work, file), 'utf8');
    await writeFile(join(work, file), text.replace('echo hi', 'echo bye'));
    expect((await cli(['workflow', 'apply', '-f', file])).out).toBe(`${uri}: applied version 2\n`);
  });

  it('prints diagnostics at file:line:col and exits 1 for an invalid file', async () => {
    await writeFile(
      join(work, 'bad.yaml'),
      `uri: default/cli-test/bad
stages:
  - type: normal
    name: s
    sequencing: sideways
    actions:
      - name: a
        jobs:
          - name: j
            command: "true"
`,
    );
    const result = await cli(['workflow', 'apply', '-f', 'bad.yaml']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^bad\.yaml:5:\d+: error unknown-sequencing: /m);
    expect(result.err).toContain('invalid: bad.yaml was not applied (1 error');
    expect(result.out).toBe('');
  });

  it('usage errors exit 2: no -f, no server, no token', async () => {
    expect((await cli(['workflow', 'apply'])).code).toBe(2);
    const noServer = await cli(['workflow', 'apply', '-f', 'x.yaml'], {
      env: { CONTAINEROPS_SERVER: '' },
    });
    expect(noServer.code).toBe(2);
    expect(noServer.err).toContain('no server given');
    const noToken = await cli(['workflow', 'apply', '-f', 'x.yaml'], {
      env: { CONTAINEROPS_TOKEN: '' },
    });
    expect(noToken.code).toBe(2);
    expect(noToken.err).toContain('no token given');
    expect((await cli(['workflow', 'delete'])).code).toBe(2);
  });

  it('an unreadable file exits 1', async () => {
    const result = await cli(['workflow', 'apply', '-f', 'missing.yaml']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('cannot read missing.yaml');
  });
});

describe('connection errors', () => {
  it('an unreachable server is reported with its URL and exits 1', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await cli(['token', 'create', 'x', '--server', `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      `cannot reach the ContainerOps server at http://127.0.0.1:${port}/graphql`,
    );
    expect(result.err).toContain('ECONNREFUSED');
    expect(result.err).not.toContain('    at '); // no stack trace
  });

  it('a wrong token is UNAUTHENTICATED, exit 1, for queries and for run --server', async () => {
    const bad = { CONTAINEROPS_TOKEN: 'co_not_a_real_token' };
    const result = await cli(['logs', 'some-run'], { env: bad });
    expect(result.code).toBe(1);
    expect(result.err).toContain('refused the token (UNAUTHENTICATED)');
    const run = await cli(['run', '--server', url, 'default/cli-test/none'], { env: bad });
    expect(run.code).toBe(1);
    expect(run.err).toContain('UNAUTHENTICATED');
  });

  it('a URL that is not a GraphQL server is BAD_RESPONSE, and a malformed one a usage error', async () => {
    const result = await cli(['logs', 'r', '--server', `${url}/healthz`]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/did not answer with GraphQL|NOT_FOUND|\(HTTP/);
    expect((await cli(['logs', 'r', '--server', 'ftp://x'])).code).toBe(2);
  });
});

describe('subscriptions', () => {
  function subscriptionError(server: string, bearer: string): Promise<ApiError> {
    const client = new ApiClient({ server, token: bearer });
    return new Promise<ApiError>((resolve, reject) => {
      client.subscribe(
        'subscription { events { seq } }',
        {},
        {
          next: () => reject(new Error('unexpected data')),
          complete: () => reject(new Error('unexpected completion')),
          error: resolve,
        },
      );
    }).finally(() => client.close());
  }

  it('a refused token closes the socket with 4401: UNAUTHENTICATED', async () => {
    const error = await subscriptionError(url, 'co_wrong');
    expect(error.code).toBe('UNAUTHENTICATED');
  });

  it('no server on the port: SERVER_UNREACHABLE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await subscriptionError(`http://127.0.0.1:${port}`, token);
    expect(error.code).toBe('SERVER_UNREACHABLE');
  });

  it('a GraphQL error of a subscription keeps its code', async () => {
    const client = new ApiClient({ server: url, token });
    const error = await new Promise<ApiError>((resolve, reject) => {
      client.subscribe(
        'subscription { jobLog(runId: "nope", jobPath: "a.b.c") { lines { seq } } }',
        {},
        {
          next: () => reject(new Error('unexpected data')),
          complete: () => reject(new Error('unexpected completion')),
          error: resolve,
        },
      );
    }).finally(() => client.close());
    expect(error.code).toBe('NOT_FOUND');
  });
});

describe('run --server', () => {
  it('triggers the run, shows status and logs live, and exits 0 when it succeeds', async () => {
    const uri = await applied('echo "hello $GREETING"; echo second line', 'inputs: [GREETING]\n');
    const result = await cli(['run', '--server', url, uri, '--input', 'GREETING=world', '--plain']);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^run \S+: default\/cli-test\/wf\d+ on the local orchestrator$/m);
    // The job's lines come before its end, as in a local run.
    expect(result.out).toMatch(
      /\[s\.a\.j\] hello world\n\[s\.a\.j\] second line\n\[s\.a\.j\] succeeded/,
    );
    expect(result.out).toMatch(/✓ default\/cli-test\/wf\d+ succeeded in .* \(run \S+\)/);
  });

  it('exits 1 when the run fails and names the failed job', async () => {
    const uri = await applied('echo failing; exit 3');
    const result = await cli(['run', uri, '--plain']); // server from CONTAINEROPS_SERVER
    expect(result.code).toBe(1);
    expect(result.out).toContain('[s.a.j] failing');
    expect(result.out).toMatch(/✗ s\.a\.j: .*3/);
  });

  it('a fan-out is one line with counts and its failed instances are named (issue 16)', async () => {
    unique += 1;
    const uri = `default/cli-test/wf${unique}`;
    const file = `wf${unique}.yaml`;
    await writeFile(
      join(work, file),
      `uri: ${uri}
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: j
            command: 'echo "instance $CO_N"; [ "$CO_N" -ne 2 ]'
            matrix:
              axes:
                n: [1, 2, 3, 4]
              fail-fast: false
`,
    );
    expect((await cli(['workflow', 'apply', '-f', file])).code).toBe(0);
    const result = await cli(['run', uri, '--plain']);
    expect(result.code, result.err).toBe(1);
    expect(result.out).toMatch(
      /\[s\.a\.j\] failed: 1 of 4 instances failed.*\[3 passed, 1 failed of 4 instances\]/,
    );
    expect(result.out).toMatch(/^ {6}✗ j\[n=2\]: exited with code 1$/m);
    // No status line per instance.
    expect(result.out).not.toMatch(/^\[s\.a\.j\[n=\d\]\] (running|succeeded|failed)/m);
    // Each instance's log is followed while it runs, as a job's is.
    for (const n of [1, 2, 3, 4]) expect(result.out).toContain(`[s.a.j[n=${n}]] instance ${n}`);
  });

  it('--json: start, events, logs, then the result with the exit code', async () => {
    const uri = await applied('echo json-line');
    const result = await cli(['run', '--server', url, uri, '--json']);
    expect(result.code).toBe(0);
    const lines = result.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'start', workflow: uri, orchestrator: 'local' });
    expect(lines).toContainEqual(
      expect.objectContaining({
        type: 'log',
        jobPath: 's.a.j',
        text: 'json-line',
        stream: 'stdout',
      }),
    );
    const events = lines.filter((l) => l['type'] === 'event');
    const seqs = events.map((e) => e['seq'] as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(events.at(-1)).toMatchObject({ scope: 'run', status: 'succeeded' });
    expect(lines.at(-1)).toMatchObject({ type: 'result', status: 'succeeded', exitCode: 0 });
  });

  it('an unknown workflow is NOT_FOUND, exit 1; local-only options with --server are usage errors', async () => {
    const result = await cli(['run', '--server', url, 'default/cli-test/no-such-workflow']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('NOT_FOUND');
    expect((await cli(['run', '--server', url, 'a/b/c', '--approve'])).code).toBe(2);
    expect(
      (await cli(['run', 'x.yaml', '--cancel-on-interrupt'], { env: { CONTAINEROPS_SERVER: '' } }))
        .code,
    ).toBe(2);
  });

  it('Ctrl-C detaches: the run id is printed and the run goes on', async () => {
    const uri = await applied('echo ready; sleep 60');
    const io = ioFor();
    const exit = main(['run', '--server', url, uri, '--plain'], io);
    await waitFor(() => io.stdout.text.includes('[s.a.j] ready'), 'the job to start');
    expect(io.signal('SIGINT')).toBe(1);
    expect(await exit).toBe(130);
    const runId = /^run (\S+):/m.exec(io.stdout.text)?.[1] ?? '';
    expect(io.stdout.text).toContain(`detached: run ${runId} goes on on the server`);
    expect(await runStatus(runId)).toBe('RUNNING');
    await gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: runId });
  });

  it('--cancel-on-interrupt: Ctrl-C cancels the run on the server and waits for its end', async () => {
    const uri = await applied('echo ready; sleep 60');
    const io = ioFor();
    const exit = main(['run', '--server', url, uri, '--plain', '--cancel-on-interrupt'], io);
    await waitFor(() => io.stdout.text.includes('[s.a.j] ready'), 'the job to start');
    io.signal('SIGINT');
    expect(await exit).toBe(130);
    const runId = /^run (\S+):/m.exec(io.stdout.text)?.[1] ?? '';
    expect(await runStatus(runId)).toBe('CANCELLED');
    expect(io.stdout.text).toContain('cancelled');
  });
});

describe('logs', () => {
  async function finishedRun(command: string): Promise<string> {
    const uri = await applied(command);
    const result = await cli(['run', uri, '--json']);
    const start = JSON.parse(result.out.split('\n')[0] ?? '{}') as { runId: string };
    return start.runId;
  }

  it('prints the stored log of every job, in order', async () => {
    const runId = await finishedRun('for i in 1 2 3; do echo line-$i; done; echo err >&2');
    const result = await cli(['logs', runId]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('[s.a.j] line-1\n[s.a.j] line-2\n[s.a.j] line-3\n');
    expect(result.out).toContain('[s.a.j] err\n');
    const json = await cli(['logs', runId, '--job', 's.a.j', '--json']);
    const lines = json.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; text: string });
    expect(lines.filter((l) => l.text.startsWith('line-')).map((l) => l.text)).toEqual([
      'line-1',
      'line-2',
      'line-3',
    ]);
  });

  it('an unknown job or run exits 1 with a message', async () => {
    const runId = await finishedRun('echo x');
    const job = await cli(['logs', runId, '--job', 's.a.nope']);
    expect(job.code).toBe(1);
    expect(job.err).toContain('has no job "s.a.nope"; its jobs: s.a.j');
    const run = await cli(['logs', 'no-such-run']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('NOT_FOUND');
    expect((await cli(['logs'])).code).toBe(2);
  });

  it('--follow streams the lines live and exits when the run ends', async () => {
    const uri = await applied('echo first; sleep 1; echo second; sleep 1; echo third');
    const { triggerRun } = await gql<{ triggerRun: { id: string } }>(
      'mutation($w: String!) { triggerRun(workflow: $w) { id } }',
      { w: uri },
    );
    const result = await cli(['logs', triggerRun.id, '--follow']);
    expect(result.code).toBe(0);
    expect(result.out).toBe('[s.a.j] first\n[s.a.j] second\n[s.a.j] third\n');
    expect(await runStatus(triggerRun.id)).toBe('SUCCEEDED');
  });
});

describe('component publish', () => {
  async function componentDir(version: string, readme?: string): Promise<string> {
    unique += 1;
    const dir = join(work, `component${unique}`);
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'component.yaml'),
      `name: default/greeter${unique}
version: ${version}
image: example/greeter:${version}
inputs:
  - key: who
    required: true
outputs:
  - key: GREETING
`,
    );
    if (readme !== undefined) await writeFile(join(dir, 'README.md'), readme);
    return dir;
  }

  it('publishes component.yaml with its README, and refuses the same version twice', async () => {
    const dir = await componentDir('1.0.0', '# Greeter\n');
    const name = `greeter${unique}`;
    const result = await cli(['component', 'publish', dir]);
    expect(result).toMatchObject({
      code: 0,
      out: `published default/${name}@1.0.0 (image example/greeter:1.0.0)\n`,
    });
    const { component } = await gql<{ component: { latest: { version: string; readme: string } } }>(
      'query($n: String!) { component(namespace: "default", name: $n) { latest { version readme } } }',
      { n: name },
    );
    expect(component.latest).toEqual({ version: '1.0.0', readme: '# Greeter\n' });
    const again = await cli(['component', 'publish', dir]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('CONFLICT');
  });

  it('prints the diagnostics of an invalid component.yaml and exits 1', async () => {
    const dir = await componentDir('not-a-version');
    const result = await cli(['component', 'publish', dir]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/component\d+\/component\.yaml:2:\d+: error /);
    expect(result.err).toContain('nothing was published');
  });

  it('a directory without component.yaml exits 1; no directory is a usage error', async () => {
    const result = await cli(['component', 'publish', work]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('cannot read component.yaml');
    expect((await cli(['component', 'publish'])).code).toBe(2);
  });
});

describe('token create', () => {
  it('prints the secret once on stdout, and the new token works', async () => {
    const result = await cli(['token', 'create', `cli-${Date.now()}`, '--expires-in-days', '7']);
    expect(result.code).toBe(0);
    const secret = result.out.trim();
    expect(secret).toMatch(/^co_\S+$/);
    expect(result.err).toContain('shown only once');
    expect(result.err).not.toContain(secret);
    const me = await cli(['logs', 'no-such-run'], { env: { CONTAINEROPS_TOKEN: secret } });
    expect(me.err).toContain('NOT_FOUND'); // authenticated: the run is what is missing
  });

  it('a bad --expires-in-days or a missing name is a usage error', async () => {
    expect((await cli(['token', 'create', 'x', '--expires-in-days', 'soon'])).code).toBe(2);
    expect((await cli(['token', 'create'])).code).toBe(2);
  });
});

describe('secret set', () => {
  async function secretNames(): Promise<string[]> {
    const { secrets } = await gql<{ secrets: { name: string }[] }>(
      '{ secrets(organization: "default") { name } }',
    );
    return secrets.map((s) => s.name);
  }

  it('reads the value from stdin (trailing newline removed) and never prints it', async () => {
    const result = await cli(['secret', 'set', 'default', 'FROM_STDIN'], {
      stdin: 's3cr3t-value\n',
    });
    expect(result).toMatchObject({ code: 0, out: 'secret default/FROM_STDIN set\n' });
    expect(result.out + result.err).not.toContain('s3cr3t-value');
    expect(await secretNames()).toContain('FROM_STDIN');
    // The stored value is the stripped one: a job echoing it shows the mask for the whole line.
    const { uri, file } = await workflowFile(
      'echo "[$VALUE]"',
      'environments:\n  VALUE: "${{ secrets.FROM_STDIN }}"\n',
    );
    expect((await cli(['workflow', 'apply', '-f', file])).code).toBe(0);
    const run = await cli(['run', uri, '--plain']);
    expect(run.out).toContain('[s.a.j] [***]');
  });

  it('--value-from-env reads a variable; an unset one or empty stdin exits 1', async () => {
    const ok = await cli(['secret', 'set', 'default', 'FROM_ENV', '--value-from-env', 'MY_VALUE'], {
      env: { MY_VALUE: 'v' },
    });
    expect(ok.code).toBe(0);
    expect(await secretNames()).toContain('FROM_ENV');
    const unset = await cli(['secret', 'set', 'default', 'X', '--value-from-env', 'NOT_SET_HERE']);
    expect(unset.code).toBe(1);
    expect(unset.err).toContain('NOT_SET_HERE is not set');
    const empty = await cli(['secret', 'set', 'default', 'X'], { stdin: '' });
    expect(empty.code).toBe(1);
    expect(empty.err).toContain('no value on standard input');
  });

  it('a value on the command line is refused (usage, exit 2); a bad name is refused by the server', async () => {
    const argv = await cli(['secret', 'set', 'default', 'X', 'the-value']);
    expect(argv.code).toBe(2);
    expect(argv.err).toContain('never argv');
    const other = await cli(['secret', 'set', 'default', 'not a name'], { stdin: 'v' });
    expect(other.code).toBe(1);
    expect(other.err).toContain('BAD_USER_INPUT');
  });
});
