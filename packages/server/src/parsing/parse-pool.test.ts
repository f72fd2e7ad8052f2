/**
 * The parse pool keeps the event loop turning while a workflow is parsed, refuses work beyond
 * its queue (SERVER_BUSY) and stops a parse that overruns its time limit
 * (WORKFLOW_PARSE_TIMEOUT), replacing the stopped thread.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { validateWorkflowSource } from '../services/workflow-validation.js';
import { WorkflowParsePool } from './parse-pool.js';

/** The hostile file: 20,000 top-level keys (~190 KB). */
const MANY_KEYS = `uri: a/b/c\n${Array.from({ length: 20_000 }, (_, i) => `key${i}: v`).join('\n')}\nstages: []\n`;
const SMALL = 'uri: a/b/c\nstages:\n  - type: start\n    name: start\n';

const pools: WorkflowParsePool[] = [];
function pool(options: ConstructorParameters<typeof WorkflowParsePool>[0]): WorkflowParsePool {
  const created = new WorkflowParsePool(options);
  pools.push(created);
  return created;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('workflow parse pool', () => {
  it('validateWorkflowSource lets the event loop turn while the file is parsed', async () => {
    let turns = 0;
    let stop = false;
    const spin = (): void => {
      turns++;
      if (!stop) setImmediate(spin);
    };
    setImmediate(spin);
    const started = turns;
    // A parse on this thread would run to its end without one turn of the loop in between.
    const result = await validateWorkflowSource(MANY_KEYS, async () => undefined);
    const during = turns - started;
    stop = true;
    expect(result.ok).toBe(false);
    expect(during).toBeGreaterThan(0);
  }, 60_000);

  it('parses to the same model and source map as on the main thread', async () => {
    const parsed = await pool({ size: 1 }).parse(SMALL);
    expect(parsed.workflow?.uri).toBe('a/b/c');
    expect(parsed.sourceMap.get('uri')).toEqual({ line: 1, col: 6 });
  }, 60_000);

  it("validates kubectl for the server's orchestrator: ignored elsewhere, unreadable on kubernetes", async () => {
    const source = `uri: a/b/c
stages:
  - type: normal
    name: deploy
    actions:
      - name: apply
        jobs:
          - name: pod
            endpoint: acme/deployer:1
            kubectl: deploy/pod.yaml
`;
    const unknown = pool({ size: 1 });
    expect((await unknown.parse(source)).diagnostics).toEqual([]);

    const docker = pool({ size: 1 });
    docker.orchestrator = { name: 'docker', jobOptions: [] };
    const onDocker = await docker.parse(source);
    expect(onDocker.diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.col}`)).toEqual([
      'warning kubectl-ignored 10:13',
    ]);
    expect(onDocker.workflow).toBeDefined();

    const kubernetes = pool({ size: 1 });
    kubernetes.orchestrator = { name: 'kubernetes', jobOptions: ['kubectl'] };
    const onKubernetes = await kubernetes.parse(source);
    expect(onKubernetes.workflow).toBeUndefined();
    expect(onKubernetes.diagnostics).toMatchObject([
      {
        severity: 'error',
        code: 'invalid-value',
        line: 10,
        col: 22,
        message: expect.stringContaining(
          'kubectl manifest "deploy/pod.yaml" cannot be read: the server keeps only the workflow file',
        ),
      },
    ]);
  }, 60_000);

  it('refuses parses beyond its queue with SERVER_BUSY, at once', async () => {
    const small = pool({ size: 1, maxQueue: 1 });
    await small.parse(SMALL); // the thread is up
    const first = small.parse(MANY_KEYS); // takes the thread
    const second = small.parse(MANY_KEYS); // waits: the queue is full now
    await expect(small.parse(SMALL)).rejects.toMatchObject({ code: 'SERVER_BUSY' });
    await Promise.all([first, second]);
  }, 60_000);

  it('stops a parse that overruns its limit with WORKFLOW_PARSE_TIMEOUT and replaces the thread', async () => {
    const strict = pool({ size: 1, timeoutMs: 1 });
    await expect(strict.parse(MANY_KEYS)).rejects.toMatchObject({
      code: 'WORKFLOW_PARSE_TIMEOUT',
    });
    // The stopped thread is replaced: the next parse is timed out again, not failed on a dead worker.
    await expect(strict.parse(MANY_KEYS)).rejects.toMatchObject({
      code: 'WORKFLOW_PARSE_TIMEOUT',
    });
  }, 60_000);
});
