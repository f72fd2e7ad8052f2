/** The identity fields of a component.yaml: `name`, `version`, `image` and `readme`. */
import { DiagnosticCode } from '../definition/diagnostics.js';
import type { Position } from '../definition/diagnostics.js';
import { readString } from '../definition/fields.js';
import type { Field } from '../definition/fields.js';
import type { ParseContext } from '../definition/parse-context.js';
import { COMPONENT_NAME_SEGMENT, SEMVER_PATTERN } from './component-model.js';

/** A required field that is absent or null: report it at its key, or at the document start. */
function missing(
  ctx: ParseContext,
  field: Field | undefined,
  name: string,
  message: string,
  root: Position,
): boolean {
  if (field !== undefined && field.node !== null) return false;
  ctx.error(DiagnosticCode.missingField, message, field?.keyPos ?? root, name);
  return true;
}

export interface ComponentName {
  readonly name: string;
  readonly namespace: string;
  readonly shortName: string;
}

/** `name: namespace/name` (required). */
export function readComponentName(
  ctx: ParseContext,
  field: Field | undefined,
  root: Position,
): ComponentName | undefined {
  if (missing(ctx, field, 'name', 'a component needs "name: namespace/name"', root)) return;
  const name = readString(ctx, field);
  if (name === undefined || field === undefined) return undefined;
  const segments = name.split('/');
  const [namespace = '', shortName = ''] = segments;
  if (segments.length !== 2 || !segments.every((s) => COMPONENT_NAME_SEGMENT.test(s))) {
    ctx.error(
      DiagnosticCode.invalidValue,
      `component name "${name}" must be namespace/name (e.g. library/git-clone): two segments of lower-case letters and digits, separated inside by ".", "_" or "-"`,
      field,
    );
    return undefined;
  }
  return { name, namespace, shortName };
}

/** `version: 1.2.3` (required, semantic version). */
export function readVersion(
  ctx: ParseContext,
  field: Field | undefined,
  root: Position,
): string | undefined {
  if (missing(ctx, field, 'version', 'a component needs "version" (e.g. 1.0.0)', root)) return;
  const version = readString(ctx, field);
  if (version === undefined || field === undefined) return undefined;
  if (!SEMVER_PATTERN.test(version)) {
    // `version: 1.0` is the usual slip: YAML reads it as a number, and it is not semver anyway.
    const hint = /^\d+(\.\d+)?$/.test(version) ? `; did you mean "${pad(version)}"?` : '';
    ctx.error(
      DiagnosticCode.invalidValue,
      `version "${version}" is not a semantic version MAJOR.MINOR.PATCH${hint}`,
      field,
    );
    return undefined;
  }
  return version;
}

function pad(version: string): string {
  const parts = version.split('.');
  while (parts.length < 3) parts.push('0');
  return parts.join('.');
}

/**
 * An image reference: `[host[:port]/]path[:tag][@digest]`, path segments lower-case. Not the
 * full grammar of the distribution spec, but it refuses what an image build's tag option would refuse.
 */
const IMAGE_REFERENCE =
  /^(?:[A-Za-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** `image: repository[:tag]` (required); an untagged image gets a warning. */
export function readImage(
  ctx: ParseContext,
  field: Field | undefined,
  root: Position,
): string | undefined {
  if (missing(ctx, field, 'image', 'a component needs "image" (the image jobs run)', root)) return;
  const image = readString(ctx, field)?.trim();
  if (image === undefined || field === undefined) return undefined;
  if (!IMAGE_REFERENCE.test(image)) {
    ctx.error(
      DiagnosticCode.invalidValue,
      `image "${image}" is not a valid image reference: [registry/]path[:tag], lower-case path, no spaces`,
      field,
    );
    return undefined;
  }
  const lastSegment = image.split('@')[0]?.split('/').pop() ?? '';
  if (!lastSegment.includes(':') && !image.includes('@')) {
    ctx.warning(
      DiagnosticCode.invalidValue,
      `image "${image}" has no tag, so it means ":latest": pin it to the component's version`,
      field,
    );
  }
  return image;
}

/** `readme: README.md` (optional): a relative path that stays inside the component directory. */
export function readReadme(ctx: ParseContext, field: Field | undefined): string | undefined {
  const path = readString(ctx, field);
  if (path === undefined || field === undefined) return undefined;
  const segments = path.split(/[\\/]/);
  if (path.trim() === '' || path.startsWith('/') || segments.includes('..')) {
    ctx.error(
      DiagnosticCode.invalidValue,
      `readme "${path}" must be a relative path inside the component's directory`,
      field,
    );
    return undefined;
  }
  return path;
}
