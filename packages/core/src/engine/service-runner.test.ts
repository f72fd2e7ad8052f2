import { afterEach, describe, expect, it } from 'vitest';
import { CallbackHost, LocalService } from '../../test/service/local-service.js';
import type { ReplySpec } from '../../test/service/local-service.js';
import { StubHookRunner } from '../../test/scenarios/scenario-hooks.js';
import { parseWorkflow } from '../definition/parse-workflow.js';
import type { WorkflowDefinition } from '../definition/model.js';
import { FakeOrchestrator } from '../testing/index.js';
import type { EngineOptions } from './api.js';
import { Engine } from './engine.js';
import type { JobRunSnapshot, RunSnapshot } from './snapshot.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function service(routes: Record<string, readonly ReplySpec[]>): Promise<LocalService> {
  const s = await LocalService.start(routes);
  open.push(s);
  return s;
}

async function host(): Promise<CallbackHost> {
  const h = await CallbackHost.start();
  open.push(h);
  return h;
}

function workflow(job: string): WorkflowDefinition {
  const source = `uri: test/service/runner
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: call
            type: service
${job
  .trim()
  .split('\n')
  .map((l) => `            ${l}`)
  .join('\n')}
`;
  const parsed = parseWorkflow(source);
  if (parsed.workflow === undefined) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.workflow;
}

async function run(
  wf: WorkflowDefinition,
  url: string,
  options: Partial<EngineOptions> = {},
): Promise<{ engine: Engine; final: RunSnapshot; job: JobRunSnapshot; logs: string[] }> {
  const engine = new Engine({ orchestrator: new FakeOrchestrator(), stopGraceMs: 50, ...options });
  const final = await engine.start(wf, { inputs: { SERVICE_URL: url } }).done;
  const job = final.stages[0]?.actions[0]?.jobs[0] as JobRunSnapshot;
  const logs = (await engine.logs.read({ runId: final.runId, jobPath: 's.a.call' })).map(
    (l) => l.text,
  );
  return { engine, final, job, logs };
}

describe('service jobs', () => {
  it('sends the templated request with the inputs as the pre hook left them', async () => {
    const svc = await service({ '/hooks': [{ status: 200, body: { ok: true } }] });
    const wf = workflow(`
inputs: { branch: main }
pre: |
  input branch=release/2
service:
  url: '\${{ env.SERVICE_URL }}/hooks?ref=\${{ inputs.branch }}'
  method: PUT
  headers: { X-Run: '\${{ env.CO_RUN_ID }}' }
  body: { ref: '\${{ inputs.branch }}', attempt: '\${{ env.CO_ATTEMPT }}' }
`);
    const { job, final } = await run(wf, svc.url, { hooks: new StubHookRunner() });
    expect(job.status).toBe('succeeded');
    const [req] = svc.to('/hooks');
    expect(req?.method).toBe('PUT');
    expect(req?.headers['x-run']).toBe(final.runId);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req?.body ?? '')).toEqual({ ref: 'release/2', attempt: '1' });
    expect(svc.requests).toHaveLength(1);
  });

  it('keeps a content-type the workflow sets and sends a text body as is', async () => {
    const svc = await service({ '/form': [{ status: 204 }] });
    const wf = workflow(`
service:
  url: '\${{ env.SERVICE_URL }}/form'
  headers: { content-type: application/x-www-form-urlencoded }
  body: 'a=1&b=\${{ env.CO_JOB }}'
`);
    const { job } = await run(wf, svc.url);
    expect(job.status).toBe('succeeded');
    expect(job.outputs).toEqual({});
    expect(svc.to('/form')[0]).toMatchObject({
      method: 'POST',
      body: 'a=1&b=call',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  });

  it('retries a 5xx within the attempt when the job has no retries of its own', async () => {
    const svc = await service({
      '/flaky': [
        { status: 503, body: 'busy' },
        { status: 200, body: { n: 1 } },
      ],
    });
    const wf = workflow(`service: { url: '\${{ env.SERVICE_URL }}/flaky' }`);
    const { job, logs } = await run(wf, svc.url);
    expect(job).toMatchObject({ status: 'succeeded', attempt: 1, outputs: { n: '1' } });
    expect(svc.to('/flaky')).toHaveLength(2);
    expect(logs).toContain('retrying in 500ms');
    expect(logs.some((l) => l.startsWith('response: 503 Service Unavailable in '))).toBe(true);
  });

  it('does not retry a 4xx, and quotes a long body only in part', async () => {
    const svc = await service({ '/bad': [{ status: 422, body: 'x'.repeat(500) }] });
    const wf = workflow(`service: { url: '\${{ env.SERVICE_URL }}/bad' }`);
    const { job } = await run(wf, svc.url);
    expect(job.status).toBe('failed');
    expect(job.reason).toBe(`service responded 422 Unprocessable Entity: ${'x'.repeat(200)}…`);
    expect(svc.requests).toHaveLength(1);
  });

  it('fails on a JSON answer that is not an object, and on outputs over the limit', async () => {
    const svc = await service({
      '/null': [{ status: 200, body: 'null' }],
      '/big': [{ status: 200, body: { big: 'y'.repeat(2000) } }],
    });
    const nul = await run(workflow(`service: { url: '\${{ env.SERVICE_URL }}/null' }`), svc.url);
    expect(nul.job.reason).toBe('service response must be a JSON object, got null');
    const source = `uri: test/service/big
outputLimit: 1Ki
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: call
            type: service
            service: { url: '\${{ env.SERVICE_URL }}/big' }
`;
    const wf = parseWorkflow(source).workflow as WorkflowDefinition;
    const big = await run(wf, svc.url);
    expect(big.job.reason).toContain('outputs too large');
  });

  it('drops fields that are not valid output keys, with a log line', async () => {
    const svc = await service({ '/odd': [{ status: 200, body: { ok: 'y', 'bad key': 1 } }] });
    const { job, logs } = await run(
      workflow(`service: { url: '\${{ env.SERVICE_URL }}/odd' }`),
      svc.url,
    );
    expect(job.outputs).toEqual({ ok: 'y' });
    expect(logs).toContain('field "bad key" ignored: output keys are [A-Za-z_][A-Za-z0-9_.-]*');
  });

  it('uses the injected fetch, and fails a response over the size cap', async () => {
    const calls: string[] = [];
    const fake: typeof fetch = (input) => {
      calls.push(String(input));
      return Promise.resolve(new Response('z'.repeat(4 * 1024 * 1024 + 10), { status: 200 }));
    };
    const { job } = await run(
      workflow(`service: { url: 'https://api.example.test/v1/x' }`),
      'unused',
      { fetch: fake },
    );
    expect(calls).toEqual(['https://api.example.test/v1/x']);
    expect(job.reason).toBe('service response is over 4194304 bytes');
  });

  it('fails without a request when a reference cannot be resolved', async () => {
    const svc = await service({});
    const { job } = await run(
      workflow(`service: { url: '\${{ env.SERVICE_URL }}/x', body: '\${{ inputs.missing }}' }`),
      svc.url,
    );
    expect(job).toMatchObject({
      status: 'failed',
      reason: 'service call: SERVICE_CALL_INVALID: ${{ inputs.missing }} is not set for this job',
    });
    expect(svc.requests).toHaveLength(0);
  });

  describe('async', () => {
    it('sends the callback url and token in the headers and the JSON body', async () => {
      const h = await host();
      const svc = await service({
        '/jobs': [{ status: 202, callbacks: [{ body: { result: true, outputs: { id: 'j1' } } }] }],
      });
      const wf = workflow(`
timeout: 10s
service: { url: '\${{ env.SERVICE_URL }}/jobs', body: { app: pay }, async: true }
`);
      const { job } = await run(wf, svc.url, { serviceCallbacks: h.registry });
      expect(job).toMatchObject({ status: 'succeeded', outputs: { id: 'j1' } });
      const req = svc.to('/jobs')[0];
      const body = JSON.parse(req?.body ?? '') as Record<string, string>;
      expect(body['app']).toBe('pay');
      expect(body['CO_CALLBACK_URL']).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/callbacks\/[0-9a-f]{32}$/,
      );
      expect(body['CO_CALLBACK_TOKEN']).toMatch(/^[0-9a-f]{64}$/);
      expect(req?.headers['x-containerops-callback-url']).toBe(body['CO_CALLBACK_URL']);
      expect(req?.headers['x-containerops-callback-token']).toBe(body['CO_CALLBACK_TOKEN']);
      expect(h.registry.waiting).toBe(0);
    });

    it('sends the callback in headers only for GET, and masks the token in logs', async () => {
      const h = await host();
      const svc = await service({
        '/poll': [{ status: 200, callbacks: [{ body: { result: true, logs: ['token?'] } }] }],
      });
      const wf = workflow(`
timeout: 10s
service: { url: '\${{ env.SERVICE_URL }}/poll', async: true }
`);
      const { job } = await run(wf, svc.url, { serviceCallbacks: h.registry });
      expect(job.status).toBe('succeeded');
      const req = svc.to('/poll')[0];
      expect(req?.method).toBe('GET');
      expect(req?.body).toBe('');
      expect(req?.headers['x-containerops-callback-token']).toMatch(/^[0-9a-f]{64}$/);
    });

    it('stops waiting when the run is cancelled, and refuses the callback afterwards', async () => {
      const h = await host();
      const svc = await service({
        '/slow': [{ status: 202, callbacks: [{ delayMs: 400, body: { result: true } }] }],
      });
      const wf = workflow(`service: { url: '\${{ env.SERVICE_URL }}/slow', async: true }`);
      const engine = new Engine({
        orchestrator: new FakeOrchestrator(),
        stopGraceMs: 50,
        serviceCallbacks: h.registry,
      });
      const handle = engine.start(wf, { inputs: { SERVICE_URL: svc.url } });
      const off = engine.observe({
        onLog: (line) => {
          if (line.text.startsWith('waiting for the service')) engine.cancel(handle.runId, 'test');
        },
      });
      const final = await handle.done;
      off();
      const job = final.stages[0]?.actions[0]?.jobs[0];
      expect(job?.status).toBe('cancelled');
      expect(job?.reason).toContain("waiting for the service's callback");
      await svc.settled();
      expect(svc.callbackAnswers.map((a) => a.code)).toEqual(['CALLBACK_EXPIRED']);
      expect(h.refusals.map((r) => r.code)).toEqual(['CALLBACK_EXPIRED']);
    });

    it('fails when the service does not accept the request', async () => {
      const h = await host();
      const svc = await service({ '/nope': [{ status: 400, body: { error: 'bad app' } }] });
      const wf = workflow(`service: { url: '\${{ env.SERVICE_URL }}/nope', async: true }`);
      const { job } = await run(wf, svc.url, { serviceCallbacks: h.registry });
      expect(job.reason).toBe('service responded 400 Bad Request: {"error":"bad app"}');
      expect(h.registry.waiting).toBe(0);
    });
  });
});
