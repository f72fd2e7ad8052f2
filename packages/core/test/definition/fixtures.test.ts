import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWorkflow } from '../../src/definition/index.js';

const read = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');

describe('original ContainerOps flow file', () => {
  const result = parseWorkflow(read('original-containerops.yaml'));
  const workflow = result.workflow;

  it('parses unchanged with no diagnostic at all', () => {
    expect(result.diagnostics).toEqual([]);
    expect(workflow).toMatchObject({
      uri: 'containerops/python/pybuilder-ci',
      namespace: 'containerops',
      repository: 'python',
      name: 'pybuilder-ci',
      version: 1,
      tag: 'latest',
      receivers: [{ type: 'mail', address: 'devops@containerops.sh' }],
    });
    expect(workflow?.timeoutMs).toBeUndefined();
  });

  it('keeps stage kinds and sequencing, and drops the bare "-" entries', () => {
    expect(workflow?.stages.map((s) => [s.type, s.name, s.sequencing, s.actions.length])).toEqual([
      ['start', 'start', 'sequence', 0],
      ['normal', 'build', 'sequence', 1],
      ['normal', 'analyse', 'parallel', 2],
      ['end', 'end', 'sequence', 0],
    ]);
  });

  it('names unnamed jobs from their image and normalises resources, timeout and CO_DATA', () => {
    const build = workflow?.stages[1]?.actions[0]?.jobs[0];
    expect(build).toMatchObject({
      name: 'pybuilder',
      generatedName: true,
      type: 'component',
      image: 'hub.opshub.sh/containerops/pybuilder:latest',
      kubectl: 'pybuilder-build.yaml',
      resources: { cpuMillis: 2000, memoryBytes: 4_000_000_000 },
      env: {
        CO_DATA:
          'git-url=https://github.com/blanzp/amazon_examples.git entry-path=. task=run_unit_tests',
      },
      outputs: ['PACKAGE_URL'],
    });
    expect(build?.timeoutMs).toBeUndefined();
    const flake8 = workflow?.stages[2]?.actions[1]?.jobs.map((j) => j.name);
    expect(flake8).toEqual(['flake8', 'flake8-2']);
    expect(workflow?.stages[2]?.actions[0]?.jobs[0]?.subscriptions).toEqual([
      {
        stage: 'build',
        action: 'pybuilder-build',
        job: 'pybuilder',
        output: 'PACKAGE_URL',
        env: 'CO_PACKAGE_URL',
      },
    ]);
  });
});

describe('docs/design.md §2 example', () => {
  it('parses with no diagnostics', () => {
    const result = parseWorkflow(read('design-example.yaml'));
    expect(result.diagnostics).toEqual([]);
    const job = result.workflow?.stages[2]?.actions[0]?.jobs[0];
    expect(job).toMatchObject({
      name: 'go-test',
      image: 'registry.example.com/acme/go-test:1.2',
      component: 'library/go-test@1.2',
      kubectl: 'deploy/pod.yaml',
      timeoutMs: 600_000,
      outputs: ['COVERAGE'],
      retry: { limit: 2 },
      labels: { team: 'pay' },
      pre: '...lua...',
      post: '...lua...',
    });
    expect(result.workflow?.stages.find((s) => s.type === 'pause')?.timeoutMs).toBe(86_400_000);
  });
});
