import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { addLink, linkEdges, linkSources, readLinks } from './data-links.js';
import type { JobNode, StageNode } from './graph-model.js';
import {
  addAction,
  addJob,
  addStage,
  locate,
  moveNode,
  removeNode,
  renameNode,
} from './graph-edit.js';
import { graphToData, graphToYaml } from './graph-to-yaml.js';
import { jobNames, stageName } from './node-fields.js';
import { parseWorkflowGraph } from './yaml-to-graph.js';

const SOURCE = `# the pipeline
uri: acme/app/ci
stages:
  - type: start
    name: start
  - type: normal
    name: build # compiles
    actions:
      - name: compile
        jobs:
          - name: go-build
            endpoint: example/go-build:1
            outputs: [BINARY]
      -
  - type: normal
    name: test
    sequencing: parallel
    actions:
      - name: smoke
        jobs:
          - name: run
            endpoint: example/smoke:1
            subscriptions:
              - build.compile.go-build[BINARY]: CO_BIN
  - type: end
    name: end
`;

function load() {
  const result = parseWorkflowGraph(SOURCE);
  if (!result.ok) throw new Error('parse failed');
  return result;
}

function job(stage: StageNode, a = 0, j = 0): JobNode {
  return stage.actions.items[a]?.jobs.items[j] as JobNode;
}

describe('graph editing', () => {
  it('adds a stage before the end marker, with an action and a job', () => {
    const { graph } = load();
    const stage = addStage(graph, { name: 'deploy' });
    const action = addAction(stage);
    addJob(action, { endpoint: 'example/deploy:1' });
    const names = graph.stages.items.map((s, i) => stageName(s, i));
    expect(names).toEqual(['start', 'build', 'test', 'deploy', 'end']);
    const data = graphToData(graph) as { stages: { name: string; actions?: unknown[] }[] };
    expect(data.stages[3]).toEqual({
      type: 'normal',
      name: 'deploy',
      actions: [{ name: 'action', jobs: [{ name: 'job', endpoint: 'example/deploy:1' }] }],
    });
  });

  it('keeps the empty action entry at its place when removing and adding', () => {
    const { graph } = load();
    const build = graph.stages.items[1] as StageNode;
    addAction(build, 'vet');
    const data = graphToData(graph) as { stages: { actions?: unknown[] }[] };
    expect(data.stages[1]?.actions).toEqual([
      {
        name: 'compile',
        jobs: [{ name: 'go-build', endpoint: 'example/go-build:1', outputs: ['BINARY'] }],
      },
      null,
      { name: 'vet', jobs: [] },
    ]);
  });

  it('renames a job and rewrites the links that read from it', () => {
    const { graph } = load();
    const build = graph.stages.items[1] as StageNode;
    expect(renameNode(graph, job(build).id, 'compile-go')).toBe(true);
    const test = graph.stages.items[2] as StageNode;
    expect(readLinks(job(test))).toEqual([
      { from: 'build.compile.compile-go', output: 'BINARY', env: 'CO_BIN' },
    ]);
    expect(linkEdges(graph)).toHaveLength(1);
  });

  it('renames a stage and rewrites links under it', () => {
    const { graph } = load();
    renameNode(graph, (graph.stages.items[1] as StageNode).id, 'compile');
    const test = graph.stages.items[2] as StageNode;
    expect(readLinks(job(test))[0]?.from).toBe('compile.compile.go-build');
  });

  it('reorders and removes nodes', () => {
    const { graph } = load();
    const test = graph.stages.items[2] as StageNode;
    expect(moveNode(graph, test.id, -1)).toBe(true);
    expect(graph.stages.items.map((s, i) => stageName(s, i))).toEqual([
      'start',
      'test',
      'build',
      'end',
    ]);
    expect(moveNode(graph, (graph.stages.items[0] as StageNode).id, -1)).toBe(false);
    expect(removeNode(graph, test.id)).toBe(true);
    expect(locate(graph, test.id)).toBeUndefined();
    expect(graph.stages.items).toHaveLength(3);
  });

  it('offers only earlier jobs as link sources and adds links in list form', () => {
    const { graph } = load();
    const build = graph.stages.items[1] as StageNode;
    const test = graph.stages.items[2] as StageNode;
    expect(linkSources(graph, job(build).id)).toEqual([]);
    expect(linkSources(graph, job(test).id)).toEqual([
      { path: 'build.compile.go-build', outputs: ['BINARY'] },
    ]);
    addLink(job(test), { from: 'build.compile.go-build', output: 'BINARY', env: 'BIN2' });
    expect(job(test).fields['subscriptions']).toEqual([
      { 'build.compile.go-build[BINARY]': 'CO_BIN' },
      { 'build.compile.go-build[BINARY]': 'BIN2' },
    ]);
  });

  it('keeps comments of untouched parts when writing an edited graph back', () => {
    const { graph, doc } = load();
    const test = graph.stages.items[2] as StageNode;
    test.fields['title'] = 'Run the smoke tests';
    const text = graphToYaml(graph, doc);
    expect(text).toContain('# the pipeline');
    expect(text).toContain('name: build # compiles');
    expect((parse(text) as { stages: { title?: string }[] }).stages[2]?.title).toBe(
      'Run the smoke tests',
    );
  });

  it('names unnamed jobs after their image, like the engine', () => {
    const result = parseWorkflowGraph(
      'uri: a/b/c\nstages:\n  - name: s\n    actions:\n      - jobs:\n          - endpoint: r.io/x/go-test:1\n          - endpoint: r.io/x/go-test:2\n',
    );
    if (!result.ok) throw new Error('parse failed');
    const action = (result.graph.stages.items[0] as StageNode).actions.items[0];
    expect(action && jobNames(action)).toEqual(['go-test', 'go-test-2']);
  });
});
