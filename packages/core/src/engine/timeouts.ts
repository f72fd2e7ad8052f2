/**
 * Nested stop scopes: run ⊃ stage ⊃ action ⊃ job attempt. Each scope is an AbortController tied
 * to its parent and, optionally, to its own deadline (one timer, no polling). Aborting a scope
 * aborts everything inside it; the abort reason is a {@link StopCause} so every node that stops
 * knows whether it was cancelled or timed out, and where the timeout came from.
 */
import type { EventScope } from './events.js';
import type { NodeStatus } from './status.js';

/** Why a scope stopped. `cancel` covers user cancel, the run's AbortSignal, and sibling failure. */
export type StopCause =
  | {
      readonly kind: 'timeout';
      readonly scope: EventScope;
      readonly path: string;
      readonly reason: string;
    }
  | { readonly kind: 'cancel'; readonly reason: string };

/** The status a running node takes when stopped by `cause`. */
export function stoppedStatus(cause: StopCause): Extract<NodeStatus, 'timed_out' | 'cancelled'> {
  return cause.kind === 'timeout' ? 'timed_out' : 'cancelled';
}

/** Formats a duration for reasons: `50ms`, `2s`, `1.5s`, `3m`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000 || ms % 60_000 !== 0) return `${Math.round(ms / 100) / 10}s`;
  return `${ms / 60_000}m`;
}

/**
 * A stop scope. Create children with {@link StopScope.child}; always {@link StopScope.dispose}
 * a scope when its node ends, so timers and parent links do not pile up (thousands of jobs share
 * one stage scope).
 *
 * Scopes link to each other directly (no EventTarget listeners between them, which are costly
 * and warn past 10 per signal); an AbortSignal is made only when someone asks for `signal`.
 */
export class StopScope {
  private stopCause: StopCause | undefined;
  private controller: AbortController | undefined;
  private children: Set<StopScope> | undefined;
  private listeners: Set<(cause: StopCause) => void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private parent: StopScope | undefined;

  constructor(parent?: StopScope, deadline?: { readonly ms: number; readonly cause: StopCause }) {
    if (parent !== undefined) {
      if (parent.stopCause !== undefined) {
        this.stopCause = parent.stopCause;
        return;
      }
      (parent.children ??= new Set()).add(this);
      this.parent = parent;
    }
    if (deadline !== undefined && deadline.ms > 0) {
      this.timer = setTimeout(() => this.abort(deadline.cause), deadline.ms);
    }
  }

  /** A child scope, optionally with its own timeout. */
  child(deadline?: { readonly ms: number | undefined; readonly cause: StopCause }): StopScope {
    return new StopScope(
      this,
      deadline?.ms === undefined ? undefined : { ms: deadline.ms, cause: deadline.cause },
    );
  }

  /** An AbortSignal that aborts with the scope (reason: the {@link StopCause}), for APIs that take one. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.stopCause !== undefined) this.controller.abort(this.stopCause);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.stopCause !== undefined;
  }

  /** Why the scope stopped, once it has. (A method: TypeScript must not narrow it across awaits.) */
  cause(): StopCause | undefined {
    return this.stopCause;
  }

  /**
   * Calls `listener` once when the scope stops (at once, synchronously, if it already has).
   * Returns the removal.
   */
  onAbort(listener: (cause: StopCause) => void): () => void {
    if (this.stopCause !== undefined) {
      listener(this.stopCause);
      return noop;
    }
    (this.listeners ??= new Set()).add(listener);
    return () => this.listeners?.delete(listener);
  }

  /** Stops the scope and its children. The first cause wins; later calls do nothing. */
  abort(cause: StopCause): void {
    if (this.stopCause !== undefined) return;
    this.stopCause = cause;
    this.clear();
    this.controller?.abort(cause);
    const listeners = this.listeners;
    const children = this.children;
    this.listeners = undefined;
    this.children = undefined;
    if (listeners !== undefined) {
      for (const l of [...listeners]) {
        try {
          l(cause);
        } catch {
          // One listener's failure must not keep the others, or the children, running.
        }
      }
    }
    if (children !== undefined) for (const c of [...children]) c.abort(cause);
  }

  /** Releases the timer and the parent link; the scope keeps its state. */
  dispose(): void {
    this.clear();
    this.listeners = undefined;
  }

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.parent?.children?.delete(this);
    this.parent = undefined;
  }
}

const noop = (): void => undefined;

/** A timeout cause for the node at `path`. */
export function timeoutCause(scope: EventScope, path: string, ms: number): StopCause {
  const what = scope === 'run' ? 'run' : `${scope} "${path}"`;
  return { kind: 'timeout', scope, path, reason: `${what} timed out after ${formatMs(ms)}` };
}

/**
 * The deadline of a node whose timeout is `ms`, for {@link StopScope.child}; undefined when it has
 * none, so nodes without a timeout (most) build no cause text and arm no timer.
 */
export function deadline(
  scope: EventScope,
  path: string,
  ms: number | undefined,
): { readonly ms: number; readonly cause: StopCause } | undefined {
  return ms === undefined ? undefined : { ms, cause: timeoutCause(scope, path, ms) };
}

/**
 * Resolves after `ms` with true, or early with false when `scope` stops. Never rejects, so an
 * aborted backoff simply ends and the caller inspects the scope.
 */
export function sleep(ms: number, scope: StopScope): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(true);
    }, ms);
    const off = scope.onAbort(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}
