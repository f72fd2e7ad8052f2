/** Workflows and synthetic engine events for renderer tests. */
import { parseWorkflow } from '@containerops/core';
import type {
  AnyStatus,
  EngineEvent,
  EventScope,
  JobLogLine,
  RunSnapshot,
  WorkflowDefinition,
} from '@containerops/core';

export const twoStageYaml = `uri: acme/demo/ci
stages:
  - type: start
    name: start
  - type: normal
    name: build
    actions:
      - name: compile
        jobs:
          - name: version
            command: echo v
          - name: artifact
            command: echo a
            retries: 2
  - type: normal
    name: check
    sequencing: parallel
    actions:
      - name: lint
        jobs:
          - name: words
            command: wc
      - name: test
        jobs:
          - name: content
            command: grep
  - type: end
    name: end
`;

export function workflowOf(yaml: string): WorkflowDefinition {
  const result = parseWorkflow(yaml, { fileName: 'test.yaml' });
  if (result.workflow === undefined) {
    throw new Error(`fixture does not parse: ${JSON.stringify(result.diagnostics)}`);
  }
  return result.workflow;
}

let seq = 0;

export function ev(
  scope: EventScope,
  path: string,
  status: AnyStatus,
  time: number,
  extra: Partial<EngineEvent> = {},
): EngineEvent {
  seq += 1;
  return { runId: 'r1', seq, time, scope, path, status, ...extra };
}

export function logLine(
  jobPath: string,
  text: string,
  stream: JobLogLine['stream'] = 'stdout',
): JobLogLine {
  return { runId: 'r1', jobPath, attempt: 1, seq: 1, stream, text, time: 0 };
}

/** A finished snapshot with the given job statuses (others succeeded). */
export function snapshotOf(
  status: RunSnapshot['status'],
  jobs: Readonly<
    Record<
      string,
      { status: RunSnapshot['stages'][number]['status']; reason?: string; attempt?: number }
    >
  >,
  reason?: string,
): RunSnapshot {
  const job = (stage: string, action: string, name: string) => {
    const path = `${stage}.${action}.${name}`;
    const j = jobs[path];
    return {
      name,
      path,
      status: j?.status ?? 'succeeded',
      attempt: j?.attempt ?? 1,
      outputs: {},
      ...(j?.reason === undefined ? {} : { reason: j.reason }),
    };
  };
  return {
    runId: 'r1',
    workflow: 'acme/demo/ci',
    workflowVersion: 1,
    status,
    ...(reason === undefined ? {} : { reason }),
    createdAt: 1000,
    startedAt: 1000,
    finishedAt: 4200,
    lastSeq: 10,
    stages: [
      {
        name: 'build',
        type: 'normal',
        status: 'succeeded',
        actions: [
          {
            name: 'compile',
            path: 'build.compile',
            status: 'succeeded',
            jobs: [job('build', 'compile', 'version'), job('build', 'compile', 'artifact')],
          },
        ],
      },
    ],
  };
}
