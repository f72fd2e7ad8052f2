import { describe, expect, it } from 'vitest';
import { ResumableWatch, reconnectDelayMs } from './resumable-watch.js';
import type { WatchConnection, WatchEvent, WatchSource } from './resumable-watch.js';

interface Obj {
  metadata: { name: string; resourceVersion: string };
}
const obj = (name: string, rv: string): Obj => ({ metadata: { name, resourceVersion: rv } });

/** A scripted API server: lists return `items`, each watch is recorded and driven by the test. */
class FakeSource implements WatchSource<Obj> {
  items: Obj[] = [];
  version = '10';
  listCalls = 0;
  watches: {
    from: string;
    emit: (event: WatchEvent<Obj>) => void;
    end: (error?: unknown) => void;
    closed: boolean;
  }[] = [];

  list() {
    this.listCalls += 1;
    return Promise.resolve({ items: [...this.items], resourceVersion: this.version });
  }

  watch(
    from: string,
    onEvent: (event: WatchEvent<Obj>) => void,
    onDone: (error?: unknown) => void,
  ): Promise<WatchConnection> {
    const entry = { from, emit: onEvent, end: onDone, closed: false };
    this.watches.push(entry);
    return Promise.resolve({
      close: () => {
        entry.closed = true;
        onDone(undefined);
      },
    });
  }

  get last() {
    const last = this.watches.at(-1);
    if (last === undefined) throw new Error('no watch');
    return last;
  }
}

/** Timers run at once, so reconnect delays do not slow the test. */
const immediate = (_ms: number, wake: () => void) => setTimeout(wake, 0);
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

function record() {
  const log: string[] = [];
  return {
    log,
    listener: {
      reset: (items: readonly Obj[]) =>
        log.push(`reset ${items.map((i) => i.metadata.name).join(',')}`),
      change: (type: string, o: Obj) =>
        log.push(`${type} ${o.metadata.name}@${o.metadata.resourceVersion}`),
    },
  };
}

describe('ResumableWatch', () => {
  it('lists, then watches from the list version, and passes changes on', async () => {
    const source = new FakeSource();
    source.items = [obj('a', '9')];
    const { log, listener } = record();
    const watch = new ResumableWatch(source, listener, undefined, immediate);
    await watch.start();
    await tick();
    expect(source.last.from).toBe('10');
    source.last.emit({ type: 'ADDED', object: obj('b', '11') });
    source.last.emit({ type: 'MODIFIED', object: obj('b', '12') });
    expect(log).toEqual(['reset a', 'ADDED b@11', 'MODIFIED b@12']);
    expect(watch.version).toBe('12');
    watch.stop();
  });

  it('resumes from the last version seen (an event or a bookmark) after the connection drops', async () => {
    const source = new FakeSource();
    const { log, listener } = record();
    const watch = new ResumableWatch(source, listener, undefined, immediate);
    await watch.start();
    await tick();
    source.last.emit({ type: 'ADDED', object: obj('a', '11') });
    source.last.emit({ type: 'BOOKMARK', object: obj('', '15') });
    source.last.end(new Error('socket hang up'));
    await tick();
    expect(source.watches.map((w) => w.from)).toEqual(['10', '15']);
    watch.interrupt();
    await tick();
    expect(source.watches.map((w) => w.from)).toEqual(['10', '15', '15']);
    expect(source.listCalls).toBe(1);
    expect(log).toEqual(['reset ', 'ADDED a@11']);
    expect(watch.stats).toMatchObject({ lists: 1, resumes: 2, relists: 0 });
    watch.stop();
  });

  it('relists when the server answers 410 Gone, as an ERROR event or as the response', async () => {
    const source = new FakeSource();
    const { log, listener } = record();
    const watch = new ResumableWatch(source, listener, undefined, immediate);
    await watch.start();
    await tick();
    source.items = [obj('x', '40')];
    source.version = '41';
    source.last.emit({
      type: 'ERROR',
      object: { code: 410, message: 'too old resource version' } as unknown as Obj,
    });
    await tick();
    expect(source.listCalls).toBe(2);
    expect(source.last.from).toBe('41');
    source.last.end({ statusCode: 410 });
    await tick();
    expect(source.listCalls).toBe(3);
    expect(log).toEqual(['reset ', 'reset x', 'reset x']);
    expect(watch.stats.relists).toBe(2);
    watch.stop();
  });

  it('stops for good: no reconnect after stop()', async () => {
    const source = new FakeSource();
    const watch = new ResumableWatch(source, record().listener, undefined, immediate);
    await watch.start();
    await tick();
    watch.stop();
    await tick();
    expect(source.watches).toHaveLength(1);
    expect(source.last.closed).toBe(true);
  });

  it('backs off after failures in a row, capped at 5 s', () => {
    expect([0, 1, 2, 3, 10].map(reconnectDelayMs)).toEqual([0, 100, 200, 400, 5_000]);
  });

  it('rejects start() when the first list fails', async () => {
    const source = new FakeSource();
    source.list = () => Promise.reject(new Error('connection refused'));
    const watch = new ResumableWatch(source, record().listener, undefined, immediate);
    await expect(watch.start()).rejects.toThrow('connection refused');
    watch.stop();
  });
});
