/**
 * The environment of one job attempt, assembled in the precedence of the component contract
 * (docs/design.md §3).
 */
import { formatCoData, parseCoData } from './co-data.js';
import { inputEnvName } from './input-env-name.js';

/** Where the job runs within its run; becomes the `CO_RUN_ID`... metadata variables. */
export interface JobRunMetadata {
  readonly runId: string;
  /** Workflow uri (`namespace/repository/name`). */
  readonly workflow: string;
  readonly stage: string;
  readonly action: string;
  readonly job: string;
  /** 1-based attempt number. */
  readonly attempt: number;
}

/** Everything {@link buildJobEnv} combines, lowest precedence first. */
export interface JobEnvParams {
  /** `StartRunOptions.inputs`: extra variables for every job of the run (trigger, user). */
  readonly runInputs?: Readonly<Record<string, string>>;
  /** `WorkflowDefinition.env`. */
  readonly workflowEnv?: Readonly<Record<string, string>>;
  /** `JobDefinition.env` (the job's `environments`); may hold `CO_DATA` verbatim. */
  readonly jobEnv?: Readonly<Record<string, string>>;
  /** `JobDefinition.inputs`: key/value input given as a map; wins over pairs of `CO_DATA`. */
  readonly jobInputs?: Readonly<Record<string, string>>;
  /** Resolved data links: subscription ENV name → the upstream job's output value. */
  readonly links?: Readonly<Record<string, string>>;
  readonly run: JobRunMetadata;
}

export interface JobEnv {
  /** The complete environment (the orchestrator adds only `CO_WORKSPACE` and `CO_OUTPUT`). */
  readonly env: Record<string, string>;
  /** The effective key/value input: pairs of `CO_DATA` overlaid with the `inputs` map. */
  readonly inputs: Record<string, string>;
}

/**
 * Builds the environment of one job attempt. Later layers override earlier ones:
 *
 * 1. run inputs, 2. workflow env, 3. job env,
 * 4. `CO_DATA`, `CO_DATA_JSON` and one `CO_<KEY>` per input key (see {@link inputEnvName}),
 * 5. data links (subscription values under their ENV names),
 * 6. run metadata `CO_RUN_ID`, `CO_WORKFLOW`, `CO_STAGE`, `CO_ACTION`, `CO_JOB`, `CO_ATTEMPT`
 *    (last, so no input or link can disguise which job is running).
 *
 * `CO_DATA`: when layers 1–3 give one (normally the job's `environments`), it is passed on
 * exactly as given, and its parsed pairs merged with `jobInputs` (the map wins) form the
 * effective input for `CO_DATA_JSON` and `CO_<KEY>`; map-only keys are then NOT added to the
 * given `CO_DATA` string (it stays verbatim). When none is given, `CO_DATA` is
 * {@link formatCoData} of `jobInputs`. `CO_DATA` and `CO_DATA_JSON` are always set (`''` and `{}`
 * when there is no input), so components can rely on them.
 *
 * Pure; the inputs are not modified.
 */
export function buildJobEnv(params: JobEnvParams): JobEnv {
  // Object.assign, not spreads: V8 makes a spread-built object slow to extend, and keys are added
  // below on every job.
  const env: Record<string, string> = Object.assign(
    {},
    params.runInputs,
    params.workflowEnv,
    params.jobEnv,
  );
  const given = env['CO_DATA'];
  const jobInputs = params.jobInputs ?? {};
  const inputs: Record<string, string> =
    given === undefined ? { ...jobInputs } : { ...parseCoData(given), ...jobInputs };

  env['CO_DATA'] = given ?? formatCoData(jobInputs);
  env['CO_DATA_JSON'] = JSON.stringify(inputs);
  for (const [key, value] of Object.entries(inputs)) env[inputEnvName(key)] = value;

  Object.assign(env, params.links);

  const { run } = params;
  env['CO_RUN_ID'] = run.runId;
  env['CO_WORKFLOW'] = run.workflow;
  env['CO_STAGE'] = run.stage;
  env['CO_ACTION'] = run.action;
  env['CO_JOB'] = run.job;
  env['CO_ATTEMPT'] = String(run.attempt);
  return { env, inputs };
}
