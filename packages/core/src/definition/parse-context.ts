/**
 * The state of one `parseWorkflow` call: the YAML document, its line index, the diagnostics found
 * so far and the source map. Every reader reports into it instead of throwing, so one pass finds
 * every problem.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { DiagnosticCode } from './diagnostics.js';
import type { Diagnostic, Position, Severity } from './diagnostics.js';
import type { ManifestReader, ScriptChecker, TargetOrchestrator } from './parse-result.js';

/** A node after alias resolution; `null` means absent or an explicit YAML null (`key:`, bare `-`). */
export type ValueNode = Scalar | YAMLMap | YAMLSeq;

/** A value in the document: the node, where it is, and its source-map path. */
export interface Slot {
  readonly node: ValueNode | null;
  readonly pos: Position;
  readonly path: string;
}

/** Appends a field name to a path (`stages[1]` + `name` -> `stages[1].name`). */
export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Appends a list index to a path (`stages` + 1 -> `stages[1]`). */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

export class ParseContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly sourceMap = new Map<string, Position>();
  readonly #doc: Document;
  readonly #lines: LineCounter;

  /** The YAML text, when the caller gave it (hook scripts are mapped back into it). */
  readonly source: string | undefined;
  readonly scriptChecker: ScriptChecker | undefined;
  /** See `ParseOptions.orchestrator`. */
  readonly orchestrator: TargetOrchestrator | undefined;
  /** See `ParseOptions.readManifest`. */
  readonly readManifest: ManifestReader | undefined;
  /**
   * True when the file uses only fields of the original ContainerOps format (set once the root is
   * known, see `original-format.ts`); a few rules are milder for such files.
   */
  originalFormat = false;

  constructor(
    doc: Document,
    lines: LineCounter,
    extras: {
      readonly source?: string;
      readonly scriptChecker?: ScriptChecker;
      readonly orchestrator?: TargetOrchestrator;
      readonly readManifest?: ManifestReader;
    } = {},
  ) {
    this.#doc = doc;
    this.#lines = lines;
    this.source = extras.source;
    this.scriptChecker = extras.scriptChecker;
    this.orchestrator = extras.orchestrator;
    this.readManifest = extras.readManifest;
  }

  /** 1-based position of a source offset. */
  positionAt(offset: number): Position {
    const { line, col } = this.#lines.linePos(offset);
    return { line, col };
  }

  /** Where a node starts; `fallback` when it has no range (synthetic or empty). */
  positionOf(node: Node | null | undefined, fallback: Position): Position {
    const start = node?.range?.[0];
    return start === undefined ? fallback : this.positionAt(start);
  }

  /** Follows aliases and turns YAML nulls into `null`, so readers see one shape per value. */
  resolve(node: unknown): ValueNode | null {
    let current = node;
    // An alias to an alias is legal YAML; the depth bound guards against a cycle.
    for (let depth = 0; depth < 16 && isAlias(current); depth++) {
      const target = current.resolve(this.#doc);
      if (target === undefined) {
        // The yaml library leaves unknown aliases to whoever resolves them.
        this.error(
          DiagnosticCode.yamlSyntax,
          `unknown alias *${current.source}: define the anchor &${current.source} before using it`,
          this.positionOf(current, { line: 1, col: 1 }),
        );
        return null;
      }
      current = target;
    }
    if (isScalar(current)) return current.value === null ? null : current;
    if (isMap(current) || isSeq(current)) return current;
    return null;
  }

  /** A plain JS copy of a node (for open-ended plugin settings such as receivers' fields). */
  toJS(node: ValueNode | null): unknown {
    if (node === null) return null;
    try {
      return node.toJS(this.#doc) as unknown;
    } catch (error) {
      // Unknown aliases and alias bombs (too many expansions) land here.
      const message = error instanceof Error ? error.message : String(error);
      this.error(DiagnosticCode.yamlSyntax, message, this.positionOf(node, { line: 1, col: 1 }));
      return null;
    }
  }

  /** Remembers where `path` is, for later checks (first writer wins: aliases reuse nodes). */
  record(path: string, pos: Position): void {
    if (!this.sourceMap.has(path)) this.sourceMap.set(path, pos);
  }

  report(
    severity: Severity,
    code: DiagnosticCode,
    message: string,
    at: Slot | Position,
    path?: string,
  ): void {
    const pos = 'pos' in at ? at.pos : at;
    const where = path ?? ('path' in at ? at.path : undefined);
    this.diagnostics.push({
      severity,
      code,
      message,
      line: pos.line,
      col: pos.col,
      ...(where === undefined || where === '' ? {} : { path: where }),
    });
  }

  error(code: DiagnosticCode, message: string, at: Slot | Position, path?: string): void {
    this.report('error', code, message, at, path);
  }

  warning(code: DiagnosticCode, message: string, at: Slot | Position, path?: string): void {
    this.report('warning', code, message, at, path);
  }
}
