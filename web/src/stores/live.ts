/** Subscriptions tied to a component's life: started now, stopped when it unmounts. */
import { onBeforeUnmount, ref } from 'vue';
import type { Ref } from 'vue';
import type { ApiError } from '../api/client.js';
import { useSession } from './session.js';

export interface LiveHandle {
  /** The last subscription error (the feed keeps retrying). */
  error: Ref<string | null>;
  /** Restarts with new variables (e.g. a new `afterSeq`). */
  restart(variables: Record<string, unknown>): void;
  stop(): void;
}

export function useLive<T>(
  query: string,
  /** `null`: do not start yet (call `restart` once the resume point is known). */
  variables: Record<string, unknown> | null,
  next: (value: T) => void,
): LiveHandle {
  const session = useSession();
  const error = ref<string | null>(null);
  let stopFn: (() => void) | undefined;
  const start = (vars: Record<string, unknown>): void => {
    stopFn?.();
    stopFn = session.api().subscribe<T>(query, vars, {
      next: (value) => {
        error.value = null;
        next(value);
      },
      error: (e: ApiError) => {
        error.value = e.message;
      },
    });
  };
  if (variables !== null) start(variables);
  const stop = (): void => {
    stopFn?.();
    stopFn = undefined;
  };
  onBeforeUnmount(stop);
  return { error, restart: start, stop };
}
