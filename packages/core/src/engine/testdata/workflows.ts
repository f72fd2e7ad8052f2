/** Hand-built workflow models for engine unit tests (no parser involved). */
import type {
  ActionDefinition,
  JobDefinition,
  StageDefinition,
  WorkflowDefinition,
} from '../../definition/model.js';

export function job(
  name: string,
  env: Record<string, string> = {},
  extra: Partial<JobDefinition> = {},
): JobDefinition {
  return {
    name,
    generatedName: false,
    type: 'component',
    image: `example/${name}:1`,
    resources: {},
    env,
    inputs: {},
    outputs: [],
    subscriptions: [],
    retry: { limit: 0, backoffMs: 1, factor: 2, maxBackoffMs: 10 },
    active: true,
    labels: {},
    ...extra,
  };
}

export function action(
  name: string,
  jobs: JobDefinition[],
  extra: Partial<ActionDefinition> = {},
): ActionDefinition {
  return { name, generatedName: false, active: true, labels: {}, jobs, ...extra };
}

export function stage(
  name: string,
  actions: ActionDefinition[],
  extra: Partial<StageDefinition> = {},
): StageDefinition {
  return {
    type: 'normal',
    name,
    sequencing: 'sequence',
    active: true,
    labels: {},
    actions,
    ...extra,
  };
}

export function workflow(
  stages: StageDefinition[],
  extra: Partial<WorkflowDefinition> = {},
): WorkflowDefinition {
  return {
    uri: 'test/unit/flow',
    namespace: 'test',
    repository: 'unit',
    name: 'flow',
    version: 1,
    tag: 'latest',
    env: {},
    receivers: [],
    triggers: [],
    outputs: 'stdout-and-file',
    outputLimitBytes: 1024 * 1024,
    labels: {},
    stages,
    ...extra,
  };
}

/** One normal stage `s` with one action `a` holding the given jobs. */
export function simple(
  jobs: JobDefinition[],
  extra: Partial<WorkflowDefinition> = {},
): WorkflowDefinition {
  return workflow([stage('s', [action('a', jobs)])], extra);
}
