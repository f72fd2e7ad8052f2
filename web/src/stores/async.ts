/** A small loader for page data: `loading`, `error` (a message) and `data`, with `reload`. */
import { ref, shallowRef } from 'vue';
import type { Ref, ShallowRef } from 'vue';

export interface AsyncData<T> {
  data: ShallowRef<T | undefined>;
  loading: Ref<boolean>;
  error: Ref<string | null>;
  reload(): Promise<void>;
}

export function useAsync<T>(load: () => Promise<T>): AsyncData<T> {
  const data = shallowRef<T>();
  const loading = ref(true);
  const error = ref<string | null>(null);
  let generation = 0;
  const reload = async (): Promise<void> => {
    const mine = ++generation;
    loading.value = data.value === undefined;
    error.value = null;
    try {
      const value = await load();
      if (mine === generation) data.value = value;
    } catch (e) {
      if (mine === generation) error.value = e instanceof Error ? e.message : String(e);
    } finally {
      if (mine === generation) loading.value = false;
    }
  };
  void reload();
  return { data, loading, error, reload };
}

/** Formats a duration in ms as `1m 05s` / `850 ms`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString();
}
