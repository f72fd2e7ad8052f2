/**
 * One job entry of an action. Returns a draft without its final name: unnamed jobs get a name
 * from their image/component only once the whole action is known (clash suffixes).
 */
import { isScalar } from 'yaml';
import type { YAMLMap } from 'yaml';
import { DiagnosticCode } from './diagnostics.js';
import type { Position } from './diagnostics.js';
import {
  describeNode,
  readBool,
  readFields,
  readSeq,
  readStrictString,
  readString,
  scalarText,
  seqItems,
} from './fields.js';
import type { Field } from './fields.js';
import { readFanOut } from './fan-out-parser.js';
import { checkHookScript } from './hook-scripts.js';
import { readRetries, readService } from './job-policies.js';
import type { JobDefinition, JobType } from './model.js';
import { baseJobName, isValidName, isValidOutputKey } from './names.js';
import type { ParseContext, Slot } from './parse-context.js';
import { readStringMap } from './string-maps.js';
import { readSubscriptions } from './subscriptions-read.js';
import type { PendingLink } from './subscriptions-read.js';
import { readResources, readTimeout } from './unit-fields.js';
import { checkKubectl, readsKubectl } from './kubectl-field.js';

export const JOB_FIELDS = [
  'name',
  'title',
  'type',
  'endpoint',
  'component',
  'kubectl',
  'command',
  'resources',
  'timeout',
  'environments',
  'inputs',
  'outputs',
  'subscriptions',
  'retries',
  'active',
  'labels',
  'pre',
  'post',
  'service',
  'matrix',
  'fan-out',
  // Original ContainerOps: the job's status in the original server's database; ignored here.
  'status',
] as const;

const JOB_TYPES: readonly JobType[] = ['component', 'service'];

export interface JobDraft {
  /** The name written in the file, when valid. */
  readonly explicitName?: string;
  readonly namePos?: Position;
  readonly namePath?: string;
  /** The name to use when the file gives none (before clash suffixes). */
  readonly baseName: string;
  readonly links: readonly PendingLink[];
  readonly job: Omit<JobDefinition, 'name' | 'generatedName'>;
}

/** Checks a stage/action/job name; returns it when usable. */
export function readName(
  ctx: ParseContext,
  field: Field | undefined,
  what: string,
): string | undefined {
  const name = readString(ctx, field);
  if (name === undefined || field === undefined) return undefined;
  if (!isValidName(name)) {
    ctx.error(
      DiagnosticCode.invalidValue,
      `${what} name "${name}" is invalid: use letters, digits, "_" and "-", starting with a letter or digit (no dots)`,
      field,
    );
    return undefined;
  }
  return name;
}

function readCommand(ctx: ParseContext, field: Field | undefined): string[] | undefined {
  if (field === undefined || field.node === null) return undefined;
  if (isScalar(field.node)) {
    const text = readString(ctx, field);
    return text === undefined ? undefined : ['sh', '-c', text];
  }
  const seq = readSeq(ctx, field);
  if (seq === undefined) return undefined;
  const argv: string[] = [];
  for (const item of seqItems(ctx, seq, field)) {
    const text = item.node !== null && isScalar(item.node) ? scalarText(item.node) : undefined;
    if (text === undefined)
      ctx.error(
        DiagnosticCode.wrongType,
        `command arguments must be strings, got ${describeNode(item.node)}`,
        item,
      );
    else argv.push(text);
  }
  if (argv.length === 0) {
    ctx.error(DiagnosticCode.invalidValue, 'command must not be an empty list', field);
    return undefined;
  }
  return argv;
}

function readOutputs(ctx: ParseContext, field: Field | undefined): string[] {
  const seq = readSeq(ctx, field);
  if (seq === undefined || field === undefined) return [];
  const keys = new Set<string>();
  for (const item of seqItems(ctx, seq, field)) {
    const key = readString(ctx, item);
    if (key === undefined) continue;
    if (!isValidOutputKey(key)) {
      ctx.error(
        DiagnosticCode.invalidValue,
        `"${key}" is not a valid output key: use [A-Za-z_][A-Za-z0-9_.-]*`,
        item,
      );
      continue;
    }
    keys.add(key);
  }
  return [...keys];
}

function readImageRef(
  ctx: ParseContext,
  field: Field | undefined,
  what: string,
): string | undefined {
  const text = readString(ctx, field)?.trim();
  if (text === undefined || field === undefined) return undefined;
  if (text === '' || /\s/.test(text)) {
    ctx.error(
      DiagnosticCode.invalidValue,
      `${what} must be a non-empty reference without spaces`,
      field,
    );
    return undefined;
  }
  return text;
}

/** Two writers of one env name in a job: explicit environments first, then links in order. */
function checkEventConflicts(
  ctx: ParseContext,
  env: ReadonlyMap<string, Position>,
  links: readonly PendingLink[],
): void {
  const writers = new Map<string, string>();
  for (const name of env.keys()) writers.set(name, "the job's environments");
  for (const link of links) {
    const first = writers.get(link.env);
    const source = `${link.key.stage}.${link.key.action}.${link.key.job}[${link.key.output}]`;
    if (first !== undefined) {
      ctx.error(
        DiagnosticCode.eventConflict,
        `event conflict: ${link.env} is written by ${source} and by ${first}`,
        link.envPos,
        link.path,
      );
    } else {
      writers.set(link.env, source);
    }
  }
}

/** Reads one job map (the node of `slot`). `index` is 1-based among non-empty entries. */
export function readJob(ctx: ParseContext, slot: Slot, map: YAMLMap, index: number): JobDraft {
  const fields = readFields(ctx, map, slot.path, JOB_FIELDS, 'a job');
  const nameField = fields.get('name');
  const explicitName = readName(ctx, nameField, 'job');

  const typeField = fields.get('type');
  const typeText = readString(ctx, typeField);
  let type: JobType | undefined =
    typeField === undefined || typeField.node === null ? 'component' : undefined;
  if (typeText !== undefined && typeField !== undefined) {
    if ((JOB_TYPES as readonly string[]).includes(typeText)) type = typeText as JobType;
    else
      ctx.error(
        DiagnosticCode.unknownJobType,
        `unknown job type "${typeText}": use component or service`,
        typeField,
      );
  }

  const image = readImageRef(ctx, fields.get('endpoint'), 'endpoint');
  const component = readImageRef(ctx, fields.get('component'), 'component');
  const kubectl = readString(ctx, fields.get('kubectl'));
  const runsOtherwise = ['endpoint', 'component', 'command'].some(
    (name) => (fields.get(name)?.node ?? null) !== null,
  );
  const kubectlManifest = checkKubectl(ctx, fields.get('kubectl'), kubectl, runsOtherwise);
  const command = readCommand(ctx, fields.get('command'));
  const environments = readStringMap(ctx, fields.get('environments'), 'environments');
  const inputs = readStringMap(ctx, fields.get('inputs'), 'inputs');
  const links = readSubscriptions(ctx, fields.get('subscriptions'));
  checkEventConflicts(ctx, environments.positions, links);

  const serviceField = fields.get('service');
  const service =
    type === 'service'
      ? readService(
          ctx,
          serviceField,
          slot,
          links.map((l) => l.env),
        )
      : undefined;
  if (type === 'component') {
    if (serviceField !== undefined) {
      ctx.warning(
        DiagnosticCode.invalidValue,
        '"service" is ignored on a component job; set type: service',
        serviceField.keyPos,
        serviceField.path,
      );
    }
    // An endpoint/component that is present but malformed was reported already.
    const given = (name: string): boolean => (fields.get(name)?.node ?? null) !== null;
    if (!given('endpoint') && !given('component') && !given('command')) {
      const target = ctx.orchestrator;
      if (!given('kubectl')) {
        ctx.error(
          DiagnosticCode.missingImage,
          'a component job needs "endpoint" (an image), "component" or "command"',
          slot,
        );
      } else if (target === undefined) {
        // Orchestrator unknown (kept as it was, code included: tools match on it).
        ctx.error(
          DiagnosticCode.missingImage,
          'a component job needs "endpoint" (an image), "component" or "command": a "kubectl" manifest alone is not enough, since the engine does not read the manifest for the image',
          slot,
        );
      } else if (!readsKubectl(target)) {
        // The job has nothing else to run: name the field that cannot work, not a missing image.
        ctx.error(
          DiagnosticCode.kubectlUnsupported,
          `kubectl is ignored on the ${target.name} orchestrator: only kubernetes applies manifests, and this job has no "endpoint" image to run instead`,
          slot,
        );
      }
    }
  }

  const fan = readFanOut(ctx, fields.get('matrix'), fields.get('fan-out'));
  const title = readString(ctx, fields.get('title'));
  const timeoutMs = readTimeout(ctx, fields.get('timeout'));
  const pre = readStrictString(ctx, fields.get('pre'));
  const post = readStrictString(ctx, fields.get('post'));
  checkHookScript(ctx, fields.get('pre'), pre, 'pre');
  checkHookScript(ctx, fields.get('post'), post, 'post');
  const job: JobDraft['job'] = {
    // An unknown type was reported; 'component' only keeps the draft well-formed.
    type: type ?? 'component',
    ...(title === undefined ? {} : { title }),
    ...(image === undefined ? {} : { image }),
    ...(component === undefined ? {} : { component }),
    ...(kubectl === undefined ? {} : { kubectl }),
    ...(kubectlManifest === undefined ? {} : { kubectlManifest }),
    ...(command === undefined ? {} : { command }),
    resources: readResources(ctx, fields.get('resources')),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    env: environments.values,
    inputs: inputs.values,
    outputs: readOutputs(ctx, fields.get('outputs')),
    subscriptions: links.map((l) => ({ ...l.key, env: l.env })),
    retry: readRetries(ctx, fields.get('retries')),
    active: readBool(ctx, fields.get('active')) ?? true,
    labels: readStringMap(ctx, fields.get('labels'), 'labels').values,
    ...(pre === undefined ? {} : { pre }),
    ...(post === undefined ? {} : { post }),
    ...(service === undefined ? {} : { service }),
    ...(fan.fanOut === undefined ? {} : { fanOut: fan.fanOut }),
  };
  return {
    ...(explicitName === undefined ? {} : { explicitName }),
    ...(nameField === undefined ? {} : { namePos: nameField.pos, namePath: nameField.path }),
    baseName: baseJobName(
      {
        ...(image === undefined ? {} : { image }),
        ...(component === undefined ? {} : { component }),
      },
      index,
    ),
    // The fan-out's `over` is checked like a data link (exists, runs earlier, declared).
    links: fan.overLink === undefined ? links : [...links, fan.overLink],
    job,
  };
}
