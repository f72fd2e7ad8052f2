/** Entry point: component.yaml text in, validated {@link ComponentDefinition} plus diagnostics out. */
import { LineCounter, isMap, parseDocument } from 'yaml';
import type { Severity } from '../definition/diagnostics.js';
import type { YAMLError } from 'yaml';
import { DiagnosticCode, hasErrors } from '../definition/diagnostics.js';
import { describeNode, readFields, readString } from '../definition/fields.js';
import { ParseContext } from '../definition/parse-context.js';
import { describeYamlError, sortDiagnostics } from '../definition/parse-workflow.js';
import { readResources, readTimeout } from '../definition/unit-fields.js';
import type {
  ComponentDefinition,
  ComponentParseOptions,
  ComponentParseResult,
} from './component-model.js';
import { readComponentName, readImage, readReadme, readVersion } from './identity-fields.js';
import { readInputs, readOutputs } from './io-fields.js';

/** The fields of a component.yaml, in the order the docs list them. */
export const COMPONENT_FIELDS = [
  'name',
  'version',
  'description',
  'image',
  'inputs',
  'outputs',
  'resources',
  'timeout',
  'readme',
] as const;

/**
 * Parses and validates a `component.yaml` (docs/design.md §3).
 *
 * - Same diagnostics as the workflow parser: stable {@link DiagnosticCode}s, 1-based line/col,
 *   sorted by position, every problem in one call (the walk goes on after each one). Unknown
 *   fields are warnings with a "did you mean".
 * - Required: `name` (`namespace/name`), `version` (semver), `image`. `resources` and `timeout`
 *   take the same forms as a job's (`cpu: 500m`, `memory: 1Gi`, `timeout: 10m`).
 * - `component` is present iff no diagnostic is an error. Input defaults are strings as written
 *   (`default: 1.10` stays "1.10").
 * - Pure and synchronous (it does not check that `readme` exists); safe to call concurrently.
 */
export function parseComponentDefinition(
  source: string,
  options: ComponentParseOptions = {},
): ComponentParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, {
    lineCounter,
    merge: true,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const ctx = new ParseContext(doc, lineCounter);
  const yamlProblems: [Severity, readonly YAMLError[]][] = [
    ['error', doc.errors],
    ['warning', doc.warnings],
  ];
  for (const [severity, problems] of yamlProblems) {
    for (const problem of problems) {
      const message = describeYamlError(source, problem);
      ctx.report(severity, DiagnosticCode.yamlSyntax, message, ctx.positionAt(problem.pos[0]));
    }
  }
  const root = ctx.resolve(doc.contents);
  let component: ComponentDefinition | undefined;
  if (root === null) {
    const file = options.fileName ?? 'the component file';
    ctx.error(
      DiagnosticCode.missingField,
      `${file} is empty: it needs at least "name", "version" and "image"`,
      { line: 1, col: 1 },
    );
  } else if (!isMap(root)) {
    ctx.error(
      DiagnosticCode.wrongType,
      `a component file must be a map of fields, got ${describeNode(root)}`,
      ctx.positionOf(root, { line: 1, col: 1 }),
    );
  } else {
    const start = ctx.positionOf(root, { line: 1, col: 1 });
    const fields = readFields(ctx, root, '', COMPONENT_FIELDS, 'a component');
    const identity = readComponentName(ctx, fields.get('name'), start);
    const version = readVersion(ctx, fields.get('version'), start);
    const image = readImage(ctx, fields.get('image'), start);
    const description = readString(ctx, fields.get('description'));
    const inputs = readInputs(ctx, fields.get('inputs'));
    const outputs = readOutputs(ctx, fields.get('outputs'));
    const resources = readResources(ctx, fields.get('resources'));
    const timeoutMs = readTimeout(ctx, fields.get('timeout'));
    const readme = readReadme(ctx, fields.get('readme'));
    if (identity !== undefined && version !== undefined && image !== undefined) {
      component = {
        ...identity,
        version,
        ...(description === undefined ? {} : { description }),
        image,
        inputs,
        outputs,
        resources,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        ...(readme === undefined ? {} : { readme }),
      };
    }
  }
  const diagnostics = sortDiagnostics(ctx.diagnostics);
  return {
    ...(component === undefined || hasErrors(diagnostics) ? {} : { component }),
    diagnostics,
    sourceMap: ctx.sourceMap,
  };
}
