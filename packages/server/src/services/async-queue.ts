/** A push queue read as an async iterable of batches: everything pushed since the last read. */
export class BatchQueue<T> {
  private items: T[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  push(...items: T[]): void {
    this.items.push(...items);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The next batch; undefined once ended and drained. */
  async next(): Promise<T[] | undefined> {
    while (this.items.length === 0) {
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    const batch = this.items;
    this.items = [];
    return batch;
  }
}
