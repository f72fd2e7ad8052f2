/** The job specs the local orchestrator's tests start: a command in run `runId`, nothing else. */
import type { JobSpec } from '@containerops/sdk';

export function jobSpec(
  id: string,
  runId: string,
  command: readonly string[] | undefined,
  extra: Partial<JobSpec> = {},
): JobSpec {
  return {
    id,
    runId,
    workflow: 'a/b/c',
    stage: 's',
    action: 'a',
    job: 'j',
    attempt: 1,
    ...(command ? { command } : {}),
    env: {},
    resources: {},
    labels: {},
    ...extra,
  };
}
