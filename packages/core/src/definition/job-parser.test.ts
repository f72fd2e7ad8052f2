import { describe, expect, it } from 'vitest';
import { parseWorkflow } from './parse-workflow.js';

function withJob(body: string): string {
  const fields = body
    .trim()
    .split('\n')
    .map((line, i) => `${i === 0 ? '          - ' : '            '}${line}`)
    .join('\n');
  return `uri: a/b/c\nstages:\n  - type: normal\n    name: s\n    actions:\n      - name: a\n        jobs:\n${fields}\n`;
}

const job = (body: string) => parseWorkflow(withJob(body)).workflow?.stages[0]?.actions[0]?.jobs[0];
const problems = (body: string) =>
  parseWorkflow(withJob(body)).diagnostics.map(
    (d) =>
      `${d.severity} ${d.code} ${(d.path ?? '').replace('stages[0].actions[0].jobs[0]', 'job')}`,
  );

describe('job fields', () => {
  it('reads an image job with its defaults', () => {
    expect(job('endpoint: registry.example.com/acme/go-test:1.2')).toEqual({
      name: 'go-test',
      generatedName: true,
      type: 'component',
      image: 'registry.example.com/acme/go-test:1.2',
      resources: {},
      env: {},
      inputs: {},
      outputs: [],
      subscriptions: [],
      retry: { limit: 0, backoffMs: 1000, factor: 2, maxBackoffMs: 60_000 },
      active: true,
      labels: {},
    });
  });

  it('turns a command string into sh -c and keeps an argv list', () => {
    expect(job('command: make test && echo ok')?.command).toEqual([
      'sh',
      '-c',
      'make test && echo ok',
    ]);
    expect(job('command: [go, test, "./...", 1]')?.command).toEqual(['go', 'test', './...', '1']);
    expect(problems('command: []')).toEqual(['error invalid-value job.command']);
    expect(problems('command: [go, [x]]')).toEqual(['error wrong-type job.command[1]']);
  });

  it('needs an image, a component or a command for component jobs', () => {
    expect(problems('name: x')).toEqual(['error missing-image job']);
    expect(problems('name: x\nendpoint:')).toEqual(['error missing-image job']);
    expect(problems('name: x\nendpoint: "has space"')).toEqual([
      'error invalid-value job.endpoint',
    ]);
    expect(job('component: library/go-test@1.2')?.component).toBe('library/go-test@1.2');
  });

  it('keeps kubectl without a diagnostic', () => {
    expect(problems('endpoint: a/b:1\nkubectl: pod.yaml')).toEqual([]);
    expect(job('endpoint: a/b:1\nkubectl: pod.yaml')?.kubectl).toBe('pod.yaml');
  });

  it('reads resources in every accepted form', () => {
    expect(job('command: x\nresources: { cpu: 2, memory: 4G }')?.resources).toEqual({
      cpuMillis: 2000,
      memoryBytes: 4e9,
    });
    expect(
      job('command: x\nresources: { cpu: 500m, memory: 512Mi, cpuLimit: 1.5, memoryLimit: 1Gi }')
        ?.resources,
    ).toEqual({
      cpuMillis: 500,
      memoryBytes: 512 * 2 ** 20,
      cpuLimitMillis: 1500,
      memoryLimitBytes: 2 ** 30,
    });
    expect(problems('command: x\nresources: { cpu: lots, memory: 4g, gpu: 1 }')).toEqual([
      'error invalid-quantity job.resources.cpu',
      'error invalid-quantity job.resources.memory',
      'warning unknown-field job.resources.gpu',
    ]);
    expect(
      problems('command: x\nresources: { cpu: 2, cpuLimit: 1, memory: 2Gi, memoryLimit: 1Gi }'),
    ).toEqual([
      'error invalid-quantity job.resources.cpuLimit',
      'error invalid-quantity job.resources.memoryLimit',
    ]);
  });

  it('warns that a small plain memory number is bytes, not Mi', () => {
    expect(problems('command: x\nresources: { memory: 128 }')).toEqual([
      'warning invalid-quantity job.resources.memory',
    ]);
    expect(job('command: x\nresources: { memory: 128 }')?.resources.memoryBytes).toBe(128);
  });

  it('reads timeouts: seconds, strings, 0 = none', () => {
    expect(job('command: x\ntimeout: 600')?.timeoutMs).toBe(600_000);
    expect(job('command: x\ntimeout: 1.5')?.timeoutMs).toBe(1500);
    expect(job('command: x\ntimeout: 1h30m')?.timeoutMs).toBe(5_400_000);
    expect(job('command: x\ntimeout: 0')?.timeoutMs).toBeUndefined();
    expect(problems('command: x\ntimeout: -5')).toEqual(['error invalid-duration job.timeout']);
    expect(problems('command: x\ntimeout: [1]')).toEqual(['error wrong-type job.timeout']);
  });

  it('reads retries as a number or a policy', () => {
    expect(job('command: x\nretries: 3')?.retry).toEqual({
      limit: 3,
      backoffMs: 1000,
      factor: 2,
      maxBackoffMs: 60_000,
    });
    expect(
      job('command: x\nretries: { limit: 5, backoff: 500ms, factor: 1.5, maxBackoff: 2m }')?.retry,
    ).toEqual({
      limit: 5,
      backoffMs: 500,
      factor: 1.5,
      maxBackoffMs: 120_000,
    });
    expect(job('command: x\nretries: { limit: 1 }')?.retry).toEqual({
      limit: 1,
      backoffMs: 1000,
      factor: 2,
      maxBackoffMs: 60_000,
    });
    expect(problems('command: x\nretries: -1')).toEqual(['error invalid-value job.retries']);
    expect(problems('command: x\nretries: 1.5')).toEqual(['error wrong-type job.retries']);
    expect(
      problems(
        'command: x\nretries: { limit: 1, backoff: soon, factor: 0.5, maxBackoff: 1s, jitter: 1 }',
      ),
    ).toEqual([
      'error invalid-duration job.retries.backoff',
      'error invalid-value job.retries.factor',
      'warning unknown-field job.retries.jitter',
    ]);
    expect(problems('command: x\nretries: { backoff: 10s, maxBackoff: 1s }')).toEqual([
      'error invalid-value job.retries.maxBackoff',
    ]);
  });

  it('reads outputs, active, labels, title and Lua hooks', () => {
    const j = job(
      'command: x\ntitle: Test\noutputs: [COVERAGE, report.url, COVERAGE]\nactive: false\nlabels: { team: pay }\npre: |\n  print("pre")\npost: "print(1)"',
    );
    expect(j).toMatchObject({
      title: 'Test',
      outputs: ['COVERAGE', 'report.url'],
      active: false,
      labels: { team: 'pay' },
      pre: 'print("pre")\n',
      post: 'print(1)',
    });
    expect(problems('command: x\noutputs: [1BAD, "a b"]\nactive: yes\npre: 42')).toEqual([
      'error invalid-value job.outputs[0]',
      'error invalid-value job.outputs[1]',
      'error wrong-type job.active',
      'error wrong-type job.pre',
    ]);
  });

  it('refuses an unknown job type without cascading', () => {
    expect(problems('name: x\ntype: lambda')).toEqual(['error unknown-job-type job.type']);
  });
});

describe('service jobs', () => {
  it('reads a service call with its defaults', () => {
    expect(
      job('name: notify\ntype: service\nservice:\n  url: https://api.example.com/hook')?.service,
    ).toEqual({
      url: 'https://api.example.com/hook',
      method: 'GET',
      headers: {},
      async: false,
    });
  });

  it('defaults to POST with a body, turns map bodies into JSON, keeps templates', () => {
    const s = job(
      'name: deploy\ntype: service\nservice:\n  url: ${{ inputs.url }}\n  headers: { Authorization: "Bearer ${{ secrets.TOKEN }}" }\n  body: { env: prod, replicas: 2 }\n  async: true',
    )?.service;
    expect(s).toEqual({
      url: '${{ inputs.url }}',
      method: 'POST',
      headers: { Authorization: 'Bearer ${{ secrets.TOKEN }}' },
      body: '{"env":"prod","replicas":2}',
      async: true,
    });
    expect(
      job('name: d\ntype: service\nservice: { url: "http://x", method: put, body: raw }')?.service,
    ).toMatchObject({
      method: 'PUT',
      body: 'raw',
    });
  });

  it('requires service.url and checks it', () => {
    expect(problems('name: d\ntype: service')).toEqual(['error missing-field job']);
    expect(problems('name: d\ntype: service\nservice: { method: GET }')).toEqual([
      'error missing-field job.service',
    ]);
    expect(
      problems('name: d\ntype: service\nservice: { url: "ftp://x", method: "GE T", async: 1 }'),
    ).toEqual([
      'error invalid-value job.service.url',
      'error invalid-value job.service.method',
      'error wrong-type job.service.async',
    ]);
    expect(
      problems('name: d\ntype: service\nservice: { url: "https://x/${{ secrets }}" }'),
    ).toEqual(['error invalid-value job.service.url']);
  });

  it('warns that service is ignored on a component job', () => {
    expect(problems('command: x\nservice: { url: "http://x" }')).toEqual([
      'warning invalid-value job.service',
    ]);
  });
});
