import { describe, expect, it } from 'vitest';
import { FakeOrchestrator } from '@containerops/core/testing';
import { MemoryIo } from '../../test/memory-io.js';
import { definePlugin, noConfig } from '@containerops/sdk';
import { PluginHost } from '@containerops/sdk/host';
import { createRunCommand } from './run.js';

const fake = new FakeOrchestrator();
const fakePlugin = definePlugin({
  kind: 'orchestrator',
  name: 'fake',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  configSchema: noConfig,
  create: () => fake,
});
const run = createRunCommand(() => {
  const host = new PluginHost();
  host.addBuiltin({
    kind: 'orchestrator',
    name: 'fake',
    description: 'in memory',
    auto: true,
    load: () => Promise.resolve(fakePlugin),
  });
  return host;
});

function workflow(jobs: string): string {
  return `uri: acme/demo/ci
stages:
  - type: normal
    name: build
    actions:
      - name: compile
        jobs:
${jobs}`;
}

const okJob = `          - name: hello
            command: echo hi
            environments:
              FAKE_STDOUT: "hello world\\n[COUT] VERSION = 1.2"
`;
const failJob = `          - name: broken
            command: exit 3
            environments:
              FAKE_EXIT_CODE: "3"
`;

describe('containerops run (in process, fake orchestrator)', () => {
  it('runs a workflow, prints plain lines and exits 0', async () => {
    const io = new MemoryIo({ files: { '/w/wf.yaml': workflow(okJob) } });
    await expect(run.run(['wf.yaml'], io)).resolves.toBe(0);
    expect(io.stdout.text).toMatch(/^run \w+: acme\/demo\/ci on the fake orchestrator$/m);
    expect(io.stdout.text).toContain('[build.compile.hello] hello world\n');
    expect(io.stdout.text).toContain('[build.compile.hello] succeeded');
    expect(io.stdout.text).toMatch(/✓ acme\/demo\/ci succeeded in \S+ \(run \w+\)\n$/);
  });

  it('exits 1 and names the failed job and its reason', async () => {
    const io = new MemoryIo({ files: { '/w/wf.yaml': workflow(failJob) } });
    await expect(run.run(['wf.yaml'], io)).resolves.toBe(1);
    expect(io.stdout.text).toContain('  ✗ build.compile.broken: exited with code 3\n');
  });

  it('refuses undeclared or reserved --input names before running anything', async () => {
    const job = `          - name: echo
            command: x
`;
    const io = new MemoryIo({ files: { '/w/wf.yaml': `inputs: [GREETING]\n${workflow(job)}` } });
    await expect(
      run.run(['wf.yaml', '--input', 'PATH=/tmp', '--input', 'OTHER=1'], io),
    ).resolves.toBe(1);
    expect(io.stderr.text + io.stdout.text).toMatch(/reserved or malformed names "PATH"/);
    expect(io.stderr.text + io.stdout.text).toMatch(/undeclared inputs "OTHER"/);
    expect(io.stdout.text).not.toContain('echo');
  });

  it('passes --input to the jobs', async () => {
    const job = `          - name: echo
            command: x
            environments:
              FAKE_ECHO_ENV: GREETING
`;
    const io = new MemoryIo({ files: { '/w/wf.yaml': `inputs: [GREETING]\n${workflow(job)}` } });
    await expect(run.run(['wf.yaml', '--json', '--input', 'GREETING=a=b'], io)).resolves.toBe(0);
    const result = io.stdout.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = result.at(-1) as {
      type: string;
      snapshot: { stages: { actions: { jobs: { outputs: unknown }[] }[] }[] };
    };
    expect(last.type).toBe('result');
    expect(last.snapshot.stages[0]?.actions[0]?.jobs[0]?.outputs).toEqual({ GREETING: 'a=b' });
  });

  it('prints diagnostics and exits 1 without running an invalid workflow', async () => {
    const io = new MemoryIo({ files: { '/w/wf.yaml': 'uri: only-one-segment\nstages: []\n' } });
    const started = fake.started.length;
    await expect(run.run(['wf.yaml'], io)).resolves.toBe(1);
    expect(io.stderr.text).toMatch(/^wf\.yaml:1:6: error invalid-uri: /m);
    expect(io.stderr.text).toContain('containerops run: wf.yaml is invalid; nothing was run\n');
    expect(fake.started.length).toBe(started);
  });

  it('exits 1 for a missing file', async () => {
    const io = new MemoryIo();
    await expect(run.run(['nope.yaml'], io)).resolves.toBe(1);
    expect(io.stderr.text).toBe('containerops run: cannot read nope.yaml: no such file\n');
  });

  it('cancels on SIGINT through the engine and exits 130', async () => {
    const job = `          - name: slow
            command: sleep 60
            environments:
              FAKE_DELAY_MS: "60000"
`;
    const io = new MemoryIo({ files: { '/w/wf.yaml': workflow(job) } });
    const done = run.run(['wf.yaml'], io);
    while (!io.stdout.text.includes('[build.compile.slow] running'))
      await new Promise((r) => setTimeout(r, 5));
    expect(io.signal('SIGINT')).toBe(1);
    await expect(done).resolves.toBe(130);
    expect(io.stdout.text).toContain(
      'SIGINT: cancelling the run… (press Ctrl-C again to exit at once)\n',
    );
    expect(io.stdout.text).toMatch(
      /⊘ acme\/demo\/ci cancelled in \S+ \(run \w+\)\n {2}interrupted by the user\n/,
    );
    expect(fake.liveJobs()).toBe(0);
    expect(io.signal('SIGINT')).toBe(0); // handlers removed once the run ended
  });

  it('exits at once on a second signal', async () => {
    const job = `          - name: stubborn
            command: x
            environments:
              FAKE_DELAY_MS: "60000"
              FAKE_IGNORE_TERM: "1"
`;
    const io = new MemoryIo({ files: { '/w/wf.yaml': workflow(job) } });
    const done = run.run(['wf.yaml'], io);
    while (!io.stdout.text.includes('[build.compile.stubborn] running'))
      await new Promise((r) => setTimeout(r, 5));
    io.signal('SIGTERM');
    io.signal('SIGINT');
    expect(io.exits).toEqual([130]);
    expect(io.stdout.text).toContain('SIGINT again: exiting without waiting for the run to stop');
    // A real process would be gone; here the run goes on stopping (kill after the grace period).
    void done;
  });

  it('refuses usage errors', async () => {
    const io = new MemoryIo();
    await expect(run.run([], io)).rejects.toThrow('no workflow file given');
    await expect(run.run(['a', 'b'], io)).rejects.toThrow('give exactly one workflow file');
    await expect(
      run.run(
        ['a', '--orchestrator', 'nomad'],
        new MemoryIo({ files: { '/w/a': workflow(okJob) } }),
      ),
    ).rejects.toThrow("unknown orchestrator 'nomad'; known: fake");
    await expect(run.run(['a', '--input', 'x'], io)).rejects.toThrow(
      "--input expects KEY=VALUE, got 'x'",
    );
  });
});

describe('containerops run: first-run hints (issue 15)', () => {
  it('hints at server mode when a stored workflow name is not a file', async () => {
    const io = new MemoryIo();
    await expect(run.run(['default/examples/hello'], io)).resolves.toBe(1);
    expect(io.stderr.text).toBe(
      'containerops run: cannot read default/examples/hello: no such file\n' +
        '  "default/examples/hello" looks like the name of a workflow stored on a server: set CONTAINEROPS_SERVER (and CONTAINEROPS_TOKEN), or pass --server URL, to run it there\n',
    );
  });

  it('gives no server hint for a missing .yaml file', async () => {
    const io = new MemoryIo();
    await expect(run.run(['a/b/missing.yaml'], io)).resolves.toBe(1);
    expect(io.stderr.text).toBe('containerops run: cannot read a/b/missing.yaml: no such file\n');
  });

  it('names CONTAINEROPS_SERVER, not --server, when the variable is not a URL', async () => {
    const io = new MemoryIo({
      env: { CONTAINEROPS_SERVER: 'localhost:18101', CONTAINEROPS_TOKEN: 'co_x' },
    });
    await expect(run.run(['default/examples/hello'], io)).rejects.toThrow(
      'CONTAINEROPS_SERVER="localhost:18101": expected an http:// or https:// URL, got localhost:18101 (did you mean http://localhost:18101?)',
    );
  });
});
