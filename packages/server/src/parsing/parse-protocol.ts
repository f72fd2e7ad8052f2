/** Messages between the parse pool (parse-pool.ts) and its workers (parse.worker.ts). */
import type { Diagnostic, Position, WorkflowDefinition } from '@containerops/core';

/** One workflow source to parse. */
export interface ParseTask {
  readonly id: number;
  readonly source: string;
  readonly fileName: string;
  /** The receiver types the loaded notifiers handle (others get `unhandled-receiver`). */
  readonly receiverTypes: readonly string[];
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
