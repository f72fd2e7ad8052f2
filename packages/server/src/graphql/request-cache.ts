/**
 * Memoises service reads for the lifetime of one operation, so that field resolvers asked for the
 * same thing many times in one response (`Run.workflow` of 50 runs of one workflow) call the
 * service once per distinct key instead of once per parent object.
 */
export class RequestCache {
  readonly #entries = new Map<string, Promise<unknown>>();

  /** The memoised result of `load` for `key`; a failed load is not kept, so a retry re-reads. */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit !== undefined) return hit as Promise<T>;
    const promise = load();
    this.#entries.set(key, promise);
    promise.catch(() => this.#entries.delete(key));
    return promise;
  }
}
