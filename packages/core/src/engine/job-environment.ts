/**
 * Resolves what a job needs before its first attempt: data links (outputs of earlier jobs),
 * the environment in contract precedence (buildJobEnv), and `${{ secrets.NAME }}` references.
 * Any problem is a reason to fail the job without starting it: a job never runs with an empty
 * variable where a link or a secret was expected.
 */
import { buildJobEnv } from '../contract/job-env.js';
import { resolveSecretRefs } from '../contract/secret-refs.js';
import type { ActionDefinition, JobDefinition, StageDefinition } from '../definition/model.js';
import { jobPath } from '../definition/model.js';
import { ContainerOpsError } from '../errors.js';
import type { RunExecution } from './run-execution.js';

export type PreparedJobEnv =
  | {
      readonly ok: true;
      readonly env: Record<string, string>;
      readonly inputs: Record<string, string>;
    }
  | { readonly ok: false; readonly reason: string };

export async function prepareJobEnv(
  exec: RunExecution,
  stage: StageDefinition,
  action: ActionDefinition,
  job: JobDefinition,
): Promise<PreparedJobEnv> {
  const links: Record<string, string> = {};
  for (const sub of job.subscriptions) {
    const from = jobPath(sub.stage, sub.action, sub.job);
    const outputs = exec.outputs.get(from);
    const value = outputs?.[sub.output];
    if (value === undefined) {
      const why =
        outputs === undefined
          ? `job ${from} has not succeeded in this run`
          : `job ${from} did not report output "${sub.output}"`;
      return { ok: false, reason: `data link ${from}[${sub.output}] -> ${sub.env}: ${why}` };
    }
    links[sub.env] = value;
  }

  const { env, inputs } = buildJobEnv({
    runInputs: exec.options.inputs,
    workflowEnv: exec.workflow.env,
    jobEnv: job.env,
    jobInputs: job.inputs,
    links,
    run: {
      runId: exec.runId,
      workflow: exec.workflow.uri,
      stage: stage.name,
      action: action.name,
      job: job.name,
      attempt: 1,
    },
  });

  try {
    const lookup = (name: string): Promise<string | undefined> => exec.lookupSecret(name);
    for (const key in env) {
      const value = env[key] as string;
      if (!value.includes('${{')) continue;
      env[key] = (await resolveSecretRefs(value, lookup)).value;
    }
  } catch (error) {
    if (error instanceof ContainerOpsError)
      return { ok: false, reason: `${error.code}: ${error.message}` };
    return { ok: false, reason: `could not read secrets: ${messageOf(error)}` };
  }
  return { ok: true, env, inputs };
}

/**
 * The prepared env (built for attempt 1) for attempt `n`: only `CO_ATTEMPT` differs, so the first
 * attempt uses it as is and later ones get a copy.
 */
export function envForAttempt(
  env: Readonly<Record<string, string>>,
  attempt: number,
): Readonly<Record<string, string>> {
  return attempt === 1 ? env : { ...env, CO_ATTEMPT: String(attempt) };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
