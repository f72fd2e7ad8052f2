/** Messages between the parse pool (parse-pool.ts) and its workers (parse.worker.ts). */
import type {
  Diagnostic,
  Position,
  TargetOrchestrator,
  WorkflowDefinition,
} from '@containerops/core';

/** One workflow source to parse. */
export interface ParseTask {
  readonly id: number;
  readonly source: string;
  readonly fileName: string;
  /** The receiver types the loaded notifiers handle (others get `unhandled-receiver`). */
  readonly receiverTypes: readonly string[];
  /**
   * The server's orchestrator, once it is known: `kubectl` on one that does not apply manifests
   * is then a warning (an error for a job with nothing else to run), and on one that does, an
   * error, since the server keeps no files next to a workflow to read the manifest from.
   */
  readonly orchestrator?: TargetOrchestrator;
}

/** What a parse gives back (structured-cloned: the source map travels as a Map). */
export interface ParsedWorkflow {
  readonly workflow?: WorkflowDefinition;
  readonly diagnostics: readonly Diagnostic[];
  readonly sourceMap: ReadonlyMap<string, Position>;
}

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'parsed'; readonly id: number; readonly result: ParsedWorkflow }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
