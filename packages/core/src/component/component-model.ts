/**
 * The component definition (`component.yaml`, docs/design.md §3): what a component repository stores
 * about one component image — its identity, inputs, outputs, default resources and timeout.
 */
import type { Diagnostic } from '../definition/diagnostics.js';
import type { SourceMap } from '../definition/parse-result.js';
import type { ResourceRequirements } from '../definition/model.js';

/**
 * One segment of a component name (`library`, `go-test`): lower-case letters and digits, with
 * single `.`, `_` or `-` between them — the rule of image repository path segments, so a name can
 * always become part of an image reference.
 */
export const COMPONENT_NAME_SEGMENT = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Semantic Versioning 2.0.0: `MAJOR.MINOR.PATCH`, optional `-prerelease` and `+build`. */
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** The namespace of the components maintained with the project. */
export const LIBRARY_NAMESPACE = 'library';

/** One input of a component: a key of `CO_DATA`, also passed as `CO_<KEY>`. */
export interface ComponentInput {
  readonly key: string;
  readonly description?: string;
  /** A job must give it (and no default applies). Default false. */
  readonly required: boolean;
  /** The value used when a job does not give one. Never set on a secret input. */
  readonly default?: string;
  /** The value is a secret: give it as `${{ secrets.NAME }}`; it is masked in logs. */
  readonly secret: boolean;
}

/** One output a component reports (`[COUT] KEY = VALUE` or `$CO_OUTPUT`). */
export interface ComponentOutput {
  readonly key: string;
  readonly description?: string;
}

/** A parsed, validated `component.yaml`. */
export interface ComponentDefinition {
  /** `namespace/name`, e.g. `library/git-clone`. */
  readonly name: string;
  /** `library` (maintained with the project), an organisation or a user. */
  readonly namespace: string;
  /** The part after the slash (`git-clone`). */
  readonly shortName: string;
  /** Semantic version (`1.0.0`). */
  readonly version: string;
  readonly description?: string;
  /** The image reference jobs run (`endpoint`), e.g. `containerops/git-clone:1.0.0`. */
  readonly image: string;
  /** In file order; keys unique. */
  readonly inputs: readonly ComponentInput[];
  /** In file order; keys unique. */
  readonly outputs: readonly ComponentOutput[];
  /** Default resources of jobs running this component. */
  readonly resources: ResourceRequirements;
  /** Default job timeout in ms; undefined = none. */
  readonly timeoutMs?: number;
  /** Path of the component's README, relative to the directory of `component.yaml`. */
  readonly readme?: string;
}

export interface ComponentParseOptions {
  /** Used in messages only. */
  readonly fileName?: string;
}

export interface ComponentParseResult {
  /** Present when there is no error (warnings allowed). */
  readonly component?: ComponentDefinition;
  /** Every problem found, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  /** Position of each value by path (`inputs[1].default`). */
  readonly sourceMap: SourceMap;
}
