/**
 * Limits on the shape of a workflow file, checked BEFORE the YAML document is composed and read.
 *
 * Workflow files reach the server from any signed-in user, so the cost of parsing one must be
 * bounded whatever its content: a huge file, a map with tens of thousands of keys or nesting
 * thousands of levels deep is refused with a diagnostic instead of being composed (composition
 * recurses once per level, so very deep input used to end in a stack overflow or not, depending on
 * how deep the caller's stack already was). The check walks the yaml library's concrete syntax
 * tree with an explicit stack: linear in the input and never recursive.
 */
import { Parser } from 'yaml';
import type { CST } from 'yaml';
import { DiagnosticCode } from './diagnostics.js';

/** Bounds on one workflow file; every real workflow is far below each of them. */
export interface InputLimits {
  /** UTF-16 code units of the source text (about bytes for ASCII). */
  readonly maxSourceLength: number;
  /** Scalars, aliases and collections together. */
  readonly maxNodes: number;
  /** Keys in one map. */
  readonly maxKeysPerMap: number;
  /** Collections nested in each other (the root map is depth 1). */
  readonly maxDepth: number;
}

/** The defaults: an original ContainerOps flow file is a few KB, 8 levels deep, ~15 keys a map. */
export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxSourceLength: 1024 * 1024,
  maxNodes: 100_000,
  maxKeysPerMap: 1_000,
  maxDepth: 64,
};

/** The first limit a source breaks: a stable code, a message and the offset where it happened. */
export interface LimitViolation {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly offset: number;
}

interface Pending {
  readonly token: CST.Token;
  readonly depth: number;
}

function isCollection(
  token: CST.Token,
): token is CST.BlockMap | CST.BlockSequence | CST.FlowCollection {
  return (
    token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection'
  );
}

function isNode(token: CST.Token): boolean {
  switch (token.type) {
    case 'alias':
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'block-scalar':
      return true;
    default:
      return isCollection(token);
  }
}

/** Keys of a collection token: every item of a block map or of a `{...}` flow map. */
function keyCount(token: CST.BlockMap | CST.BlockSequence | CST.FlowCollection): number {
  if (token.type === 'block-map') return token.items.length;
  if (token.type === 'flow-collection' && token.start.source === '{') return token.items.length;
  return 0;
}

/**
 * Checks `source` against `limits` and returns the first violation in document order, or
 * `undefined`. Deterministic: the same source always gives the same answer. Counts `steps` (one
 * per CST token visited) into `counter` when given, so tests can show the work is linear.
 */
export function checkInputLimits(
  source: string,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
  counter?: { steps: number },
): LimitViolation | undefined {
  if (source.length > limits.maxSourceLength) {
    return {
      code: DiagnosticCode.limitSourceSize,
      message: `the file is ${source.length} characters long; the limit is ${limits.maxSourceLength}`,
      offset: 0,
    };
  }
  let nodes = 0;
  const stack: Pending[] = [];
  for (const top of new Parser().parse(source)) {
    if (top.type === 'document' && top.value !== undefined) {
      stack.push({ token: top.value, depth: 0 });
    }
    while (stack.length > 0) {
      const { token, depth } = stack.pop() as Pending;
      if (counter !== undefined) counter.steps++;
      if (!isNode(token)) continue;
      nodes++;
      if (nodes > limits.maxNodes) {
        return {
          code: DiagnosticCode.limitNodes,
          message: `the file has more than ${limits.maxNodes} YAML nodes (values, keys and collections)`,
          offset: token.offset,
        };
      }
      if (!isCollection(token)) continue;
      const level = depth + 1;
      if (level > limits.maxDepth) {
        return {
          code: DiagnosticCode.limitDepth,
          message: `values are nested more than ${limits.maxDepth} levels deep`,
          offset: token.offset,
        };
      }
      const keys = keyCount(token);
      if (keys > limits.maxKeysPerMap) {
        return {
          code: DiagnosticCode.limitKeys,
          message: `a map has ${keys} keys; the limit is ${limits.maxKeysPerMap}`,
          offset: token.offset,
        };
      }
      // Pushed in reverse so that items are visited in document order (stable first violation).
      for (let i = token.items.length - 1; i >= 0; i--) {
        const item = token.items[i];
        if (item === undefined) continue;
        if (item.value !== undefined) stack.push({ token: item.value, depth: level });
        if (item.key !== undefined && item.key !== null) {
          stack.push({ token: item.key, depth: level });
        }
      }
    }
  }
  return undefined;
}
