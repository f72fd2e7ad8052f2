import type { Diagnostic, Position } from './diagnostics.js';
import type { InputLimits } from './input-limits.js';
import type { WorkflowDefinition } from './model.js';

/**
 * Where each node of the document is, keyed by its path (`stages[1].actions[0].jobs[2].pre`), so
 * later checks (Lua syntax, component inputs) can report positions inside the YAML.
 */
export type SourceMap = ReadonlyMap<string, Position>;

/** Which Lua hook a script is. */
export type HookKind = 'pre' | 'post';

/** A problem in a hook script; `line` and `col` are 1-based within the script. */
export interface ScriptProblem {
  readonly line: number;
  readonly col?: number;
  readonly message: string;
}

/**
 * Checks one hook script at validation time (e.g. `checkLuaSyntax` of `@containerops/hook-lua`,
 * which core does not depend on). Must be synchronous and pure; returns undefined when fine.
 */
export type ScriptChecker = (source: string, kind: HookKind) => ScriptProblem | undefined;

/** The orchestrator a workflow is validated for: its name and the backend-only job fields it reads. */
export interface TargetOrchestrator {
  /** Used in messages (`kubectl is ignored on the docker orchestrator`). */
  readonly name: string;
  /** Its `capabilities.jobOptions` (`['kubectl']` for kubernetes); `[]` when none. */
  readonly jobOptions: readonly string[];
}

/**
 * Reads a `kubectl` manifest by its path relative to the flow file's directory (already checked:
 * not absolute, no `..`). Synchronous; undefined when there is no such file. A reader that can
 * read no file at all (a server keeps only the workflow's text) throws an Error whose message
 * becomes the diagnostic.
 */
export type ManifestReader = (relativePath: string) => string | undefined;

export interface ParseOptions {
  /** Used in messages only. */
  readonly fileName?: string;
  /**
   * Checks every `pre`/`post` script; a problem becomes a `lua-syntax` error at its line and
   * column inside the YAML. Without it, scripts are not checked.
   */
  readonly scriptChecker?: ScriptChecker;
  /**
   * Receiver types (`mail`...) that an installed notifier plugin handles. When given, every other
   * type in `receivers` gets an `unhandled-receiver` warning (give `[]` when no notifier is
   * installed); when absent, receivers are not checked. They stay in the model either way.
   */
  readonly receiverTypes?: readonly string[];
  /**
   * The orchestrator the workflow will run on. When given, `kubectl` on one that does not read it
   * is a `kubectl-ignored` warning, and a job with `kubectl` and no image is valid only on one that
   * does. When absent, `kubectl` is kept unchecked (and a `kubectl`-only job is an error).
   */
  readonly orchestrator?: TargetOrchestrator;
  /**
   * Resolves `kubectl` to the manifest's text (in the job's `kubectlManifest`), when the
   * orchestrator reads `kubectl`. Without it the path alone is kept.
   */
  readonly readManifest?: ManifestReader;
  /** Bounds on the file's shape; `DEFAULT_INPUT_LIMITS` when absent. */
  readonly limits?: InputLimits;
}

export interface ParseResult {
  /** Present when there is no error (warnings allowed). */
  readonly workflow?: WorkflowDefinition;
  /** Every problem found, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly sourceMap: SourceMap;
}
