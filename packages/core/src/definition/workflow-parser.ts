/** The top level of a workflow file: identity, defaults, notifications, triggers, stages. */
import type { YAMLMap } from 'yaml';
import { mapEntries, reportDuplicates } from './action-parser.js';
import type { LinkSite } from './action-parser.js';
import { DEFAULT_OUTPUT_LIMIT_BYTES } from './defaults.js';
import { DiagnosticCode } from './diagnostics.js';
import { readBool, readFields, readInteger, readMap, readString } from './fields.js';
import type { Field } from './fields.js';
import type {
  ConcurrencyPolicy,
  OutputsMode,
  StageDefinition,
  WorkflowDefinition,
} from './model.js';
import type { ParseContext, Slot } from './parse-context.js';
import { isOriginalFormat } from './original-format.js';
import { checkRenamedActions, warnEnvPrecedence } from './original-rules.js';
import { readStage } from './stage-parser.js';
import { readStringMap } from './string-maps.js';
import { checkSubscriptions } from './subscriptions-check.js';
import { readByteSize, readTimeout } from './unit-fields.js';
import { readWorkflowInputs } from './workflow-inputs.js';

const WORKFLOW_FIELDS = [
  'uri',
  'title',
  'version',
  'tag',
  'timeout',
  'environments',
  'receivers',
  'triggers',
  'labels',
  'concurrency',
  'outputs',
  'outputLimit',
  'inputs',
  'stages',
  // Original ContainerOps fields that the engine does not use (see docs/coming-from-2017.md):
  // `namespace` repeats the uri's first segment, `number` was the original server's run counter.
  'namespace',
  'number',
] as const;
const OUTPUTS_MODES: readonly OutputsMode[] = ['stdout-and-file', 'file-only'];
const URI_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

interface Uri {
  readonly uri: string;
  readonly namespace: string;
  readonly repository: string;
  readonly name: string;
}

function readUri(ctx: ParseContext, field: Field | undefined, root: Slot): Uri | undefined {
  if (field === undefined || field.node === null) {
    ctx.error(
      DiagnosticCode.missingField,
      'a workflow needs "uri: namespace/repository/name"',
      field?.keyPos ?? root.pos,
      'uri',
    );
    return undefined;
  }
  const uri = readString(ctx, field);
  if (uri === undefined) return undefined;
  const segments = uri.split('/');
  const [namespace = '', repository = '', name = ''] = segments;
  if (segments.length !== 3 || !segments.every((s) => URI_SEGMENT.test(s))) {
    ctx.error(
      DiagnosticCode.invalidUri,
      `uri "${uri}" must be exactly namespace/repository/name: three non-empty segments of letters, digits, ".", "_" or "-"`,
      field,
    );
    return undefined;
  }
  return { uri, namespace, repository, name };
}

/**
 * Receivers and triggers: lists of maps with a required `type`; other keys are plugin settings.
 * `handled`, when given, is the set of types some plugin handles: the first entry of any other
 * type gets an `unhandled-receiver` warning (the entry is kept in the model all the same).
 */
function readTyped(
  ctx: ParseContext,
  field: Field | undefined,
  what: string,
  handled?: ReadonlySet<string>,
): { type: string; [key: string]: unknown }[] {
  const warned = new Set<string>();
  return mapEntries(ctx, field, what).flatMap(({ slot, map }) => {
    const fields = readFields(ctx, map, slot.path, null, `a ${what}`);
    const typeField = fields.get('type');
    const type = readString(ctx, typeField);
    if (typeField === undefined || typeField.node === null) {
      ctx.error(DiagnosticCode.missingField, `a ${what} needs a "type"`, slot);
    }
    if (type === undefined) return [];
    if (
      handled !== undefined &&
      !handled.has(type) &&
      !warned.has(type) &&
      typeField !== undefined
    ) {
      warned.add(type);
      ctx.warning(
        DiagnosticCode.unhandledReceiver,
        `no notifier handles "${type}" ${what}s yet: nothing will be sent to them (they are kept in the workflow)`,
        typeField,
      );
    }
    const settings = new Map<string, unknown>();
    for (const f of fields.values()) if (f.name !== 'type') settings.set(f.name, ctx.toJS(f.node));
    return [{ type, ...Object.fromEntries(settings) }];
  });
}

function readConcurrency(
  ctx: ParseContext,
  field: Field | undefined,
  uri: string | undefined,
): ConcurrencyPolicy | undefined {
  const map = readMap(ctx, field);
  if (map === undefined || field === undefined) return undefined;
  const fields = readFields(
    ctx,
    map,
    field.path,
    ['group', 'limit', 'cancelInProgress'],
    'concurrency',
  );
  const groupField = fields.get('group');
  const group = readString(ctx, groupField);
  if (group === '' && groupField !== undefined)
    ctx.error(DiagnosticCode.invalidValue, 'concurrency group must not be empty', groupField);
  return {
    // Without a group, the runs of this workflow queue among themselves.
    group: group === undefined || group === '' ? (uri ?? '') : group,
    limit: readInteger(ctx, fields.get('limit'), 1) ?? 1,
    cancelInProgress: readBool(ctx, fields.get('cancelInProgress')) ?? false,
  };
}

function readOutputsMode(ctx: ParseContext, field: Field | undefined): OutputsMode {
  const text = readString(ctx, field);
  if (text === undefined || field === undefined) return 'stdout-and-file';
  if ((OUTPUTS_MODES as readonly string[]).includes(text)) return text as OutputsMode;
  ctx.error(
    DiagnosticCode.invalidValue,
    `outputs must be ${OUTPUTS_MODES.join(' or ')}, got "${text}"`,
    field,
  );
  return 'stdout-and-file';
}

function readOutputLimit(ctx: ParseContext, field: Field | undefined): number {
  const bytes = readByteSize(ctx, field);
  if (bytes === undefined || field === undefined) return DEFAULT_OUTPUT_LIMIT_BYTES;
  if (bytes < 1) {
    ctx.error(DiagnosticCode.invalidQuantity, 'outputLimit must be at least 1 byte', field);
    return DEFAULT_OUTPUT_LIMIT_BYTES;
  }
  return bytes;
}

/**
 * Reads the root map; returns the model even when errors were reported (the caller decides).
 * @param receiverTypes the receiver types that installed notifier plugins handle; when absent,
 *   receivers are not checked against plugins.
 */
export function readWorkflow(
  ctx: ParseContext,
  root: YAMLMap,
  receiverTypes?: ReadonlySet<string>,
): WorkflowDefinition | undefined {
  const rootSlot: Slot = { node: root, pos: ctx.positionOf(root, { line: 1, col: 1 }), path: '' };
  ctx.originalFormat = isOriginalFormat(ctx, root);
  const fields = readFields(ctx, root, '', WORKFLOW_FIELDS, 'the workflow');
  const uri = readUri(ctx, fields.get('uri'), rootSlot);
  const title = readString(ctx, fields.get('title'));
  const version = readInteger(ctx, fields.get('version'), 1) ?? 1;
  const tagField = fields.get('tag');
  let tag = readString(ctx, tagField) ?? 'latest';
  if (tag.trim() === '' && tagField !== undefined) {
    ctx.error(DiagnosticCode.invalidValue, 'tag must not be empty', tagField);
    tag = 'latest';
  }
  const timeoutMs = readTimeout(ctx, fields.get('timeout'));
  const env = readStringMap(ctx, fields.get('environments'), 'environments').values;
  const receivers = readTyped(ctx, fields.get('receivers'), 'receiver', receiverTypes);
  const triggers = readTyped(ctx, fields.get('triggers'), 'trigger');
  const labels = readStringMap(ctx, fields.get('labels'), 'labels').values;
  const concurrency = readConcurrency(ctx, fields.get('concurrency'), uri?.uri);
  const outputs = readOutputsMode(ctx, fields.get('outputs'));
  const outputLimitBytes = readOutputLimit(ctx, fields.get('outputLimit'));
  const inputs = readWorkflowInputs(ctx, fields.get('inputs'));

  const stagesField = fields.get('stages');
  if (stagesField === undefined || stagesField.node === null) {
    ctx.error(
      DiagnosticCode.missingField,
      'a workflow needs "stages"',
      stagesField?.keyPos ?? rootSlot.pos,
      'stages',
    );
  }
  const drafts = mapEntries(ctx, stagesField, 'stage').map((e) => readStage(ctx, e.slot, e.map));
  reportDuplicates(ctx, drafts, 'stage', 'the workflow');
  const byIndex = drafts.map((d) => d.stage);
  const sites: LinkSite[] = drafts.flatMap((d, stage) =>
    d.links.map((site) => ({ ...site, stage })),
  );
  checkRenamedActions(ctx, drafts, sites);
  checkSubscriptions(ctx, byIndex, sites);
  if (ctx.originalFormat) warnEnvPrecedence(ctx, env, byIndex);

  const stages = byIndex.filter((s): s is StageDefinition => s !== undefined);
  if (uri === undefined || stages.length !== drafts.length) return undefined;
  return {
    ...uri,
    ...(title === undefined ? {} : { title }),
    version,
    tag,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    env,
    receivers,
    triggers,
    ...(concurrency === undefined ? {} : { concurrency }),
    outputs,
    outputLimitBytes,
    ...(inputs.length === 0 ? {} : { inputs }),
    labels,
    stages,
  };
}
