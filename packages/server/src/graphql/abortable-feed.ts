/**
 * Subscriptions as async iterators over a {@link LiveFeed} that ends the moment the client stops
 * listening.
 *
 * Why not a plain `async function*` wrapper: when a client unsubscribes or disconnects, graphql-ws
 * and graphql-js call `return()` on the iterator while it is usually suspended in `await next()`
 * for the next live event. An async generator queues that `return()` behind the pending `next()`,
 * so the feed (and its DB polling / pub-sub listener) would live on until one more event arrives —
 * for a quiet run, forever. This iterator aborts the feed's `AbortSignal` at once instead.
 *
 * A failure of the feed after the subscription started is handed to the resolver as one
 * {@link FeedFailure} item (so the client gets it as a GraphQL error with its code), then the
 * stream ends: the client resubscribes with the last `seq` it saw.
 *
 * A `revoked` signal (the connection's rights shrank, see transport/socket-session.ts) ends the
 * stream the same way, with the signal's reason as that one failure, even while a `next()` waits.
 */

/** A feed error, delivered in-band so the subscription's resolver can raise it. */
export class FeedFailure {
  constructor(readonly error: unknown) {}
}

/** Throws the feed's error when `item` is a {@link FeedFailure}; narrows it otherwise. */
export function unwrapFeedItem<T>(item: T | FeedFailure): T {
  if (item instanceof FeedFailure) throw item.error;
  return item;
}

const REVOKED: unique symbol = Symbol('revoked');

/** Resolves {@link REVOKED} once `signal` aborts (never, when it is undefined). */
function revocation(signal: AbortSignal | undefined): {
  promise: Promise<typeof REVOKED>;
  dispose: () => void;
} {
  if (signal === undefined) return { promise: new Promise(() => undefined), dispose: () => {} };
  let onAbort = (): void => {};
  const promise = new Promise<typeof REVOKED>((resolve) => {
    onAbort = () => resolve(REVOKED);
    if (signal.aborted) resolve(REVOKED);
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/**
 * Opens `open(signal)` lazily on the first `next()`; `return()` (unsubscribe, disconnect, server
 * stop) aborts `signal` and resolves immediately, and a `next()` still pending then resolves done.
 * When `revoked` aborts, the pending or next `next()` yields one {@link FeedFailure} carrying its
 * reason and the stream ends.
 */
export function abortableFeed<T>(
  open: (signal: AbortSignal) => AsyncIterable<T>,
  revoked?: AbortSignal,
): AsyncIterableIterator<T | FeedFailure> {
  const controller = new AbortController();
  let inner: AsyncIterator<T> | undefined;
  let finished = false;
  const ended: IteratorReturnResult<undefined> = { done: true, value: undefined };

  function finish(): void {
    if (finished) return;
    finished = true;
    controller.abort();
    // The feed observes the abort; its own return() may be queued behind a pending next().
    inner?.return?.().catch(() => undefined);
  }

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<T | FeedFailure>> {
      if (finished) return ended;
      const revokedNow = (): IteratorResult<T | FeedFailure> => {
        finish();
        return { done: false, value: new FeedFailure(revoked?.reason) };
      };
      if (revoked?.aborted === true) return revokedNow();
      const watch = revocation(revoked);
      try {
        inner ??= open(controller.signal)[Symbol.asyncIterator]();
        const result = await Promise.race([inner.next(), watch.promise]);
        if (finished) return ended;
        if (result === REVOKED) return revokedNow();
        if (result.done === true) finish();
        return result.done === true ? ended : result;
      } catch (error) {
        // After an abort the feed may reject (AbortError): that is the normal end, not a failure.
        if (finished) return ended;
        finish();
        return { done: false, value: new FeedFailure(error) };
      } finally {
        watch.dispose();
      }
    },
    async return(): Promise<IteratorResult<T | FeedFailure>> {
      finish();
      return ended;
    },
    async throw(error?: unknown): Promise<IteratorResult<T | FeedFailure>> {
      finish();
      throw error;
    },
  };
}
