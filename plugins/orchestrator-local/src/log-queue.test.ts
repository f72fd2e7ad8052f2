import { describe, expect, it } from 'vitest';
import { LogQueue } from './log-queue.js';

describe('LogQueue', () => {
  it('pauses the producer while a reader lags, resumes when it catches up', async () => {
    const calls: string[] = [];
    const queue = new LogQueue(
      { pause: () => calls.push('pause'), resume: () => calls.push('resume') },
      10,
      2,
    );
    const reader = queue.read()[Symbol.asyncIterator]();
    const first = reader.next(); // attaches the reader
    queue.push(
      'stdout',
      Array.from({ length: 20 }, (_, i) => `l${i}`),
      1,
    );
    expect((await first).value).toMatchObject({ text: 'l0' });
    expect(calls).toEqual(['pause']);
    const rest: string[] = [];
    queue.close();
    for (let r = await reader.next(); !r.done; r = await reader.next()) rest.push(r.value.text);
    expect(rest).toHaveLength(19);
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('never pauses without a reader, and a later reader gets every line', async () => {
    const calls: string[] = [];
    const queue = new LogQueue(
      { pause: () => calls.push('pause'), resume: () => calls.push('resume') },
      10,
      2,
    );
    queue.push(
      'stdout',
      Array.from({ length: 50 }, (_, i) => `l${i}`),
      1,
    );
    queue.push('stderr', ['e'], 2);
    queue.close();
    const lines = [];
    for await (const line of queue.read()) lines.push(line);
    expect(lines).toHaveLength(51);
    expect(calls).toEqual([]);
  });

  it('skips lines already stored when resuming at sinceTime', async () => {
    const queue = new LogQueue({ pause: () => undefined, resume: () => undefined });
    queue.push('stdout', ['old'], 1);
    queue.push('stdout', ['a', 'b', 'c'], 5);
    queue.close();
    const texts = [];
    for await (const line of queue.read({ sinceTime: 5, skipAtSinceTime: 2 }))
      texts.push(line.text);
    expect(texts).toEqual(['c']);
  });

  it('ends when the signal aborts', async () => {
    const queue = new LogQueue({ pause: () => undefined, resume: () => undefined });
    const controller = new AbortController();
    const done = (async () => {
      const texts = [];
      for await (const line of queue.read({ signal: controller.signal })) texts.push(line.text);
      return texts;
    })();
    queue.push('stdout', ['x'], 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await done).toEqual(['x']);
  });

  it('hands out batches as they were pushed, partial pieces marked', async () => {
    const queue = new LogQueue({ pause: () => undefined, resume: () => undefined });
    queue.push('stdout', ['a', 'b'], 1);
    queue.push('stderr', ['long-1', 'long-2', 'c'], 2, [0, 1]);
    queue.close();
    const batches = [];
    for await (const batch of queue.readBatches()) batches.push(batch);
    expect(batches).toEqual([
      { stream: 'stdout', lines: ['a', 'b'], time: 1 },
      { stream: 'stderr', lines: ['long-1', 'long-2', 'c'], time: 2, partial: [0, 1] },
    ]);
  });

  it('a batch reader gets the rest of a batch a line reader left', async () => {
    const queue = new LogQueue({ pause: () => undefined, resume: () => undefined });
    queue.push('stdout', ['a', 'b-1', 'b-2', 'c'], 1, [1]);
    for await (const line of queue.read()) {
      expect(line).toEqual({ stream: 'stdout', text: 'a', time: 1 });
      break;
    }
    queue.close();
    const batches = [];
    for await (const batch of queue.readBatches()) batches.push(batch);
    expect(batches).toEqual([
      { stream: 'stdout', lines: ['b-1', 'b-2', 'c'], time: 1, partial: [0] },
    ]);
  });

  it('skips stored lines by batch when resuming at sinceTime, partial indexes shifted', async () => {
    const queue = new LogQueue({ pause: () => undefined, resume: () => undefined });
    queue.push('stdout', ['old'], 1);
    queue.push('stdout', ['a', 'b'], 5);
    queue.push('stdout', ['c', 'd-1', 'd-2'], 5, [1]);
    queue.push('stdout', ['e'], 6);
    queue.close();
    const batches = [];
    for await (const batch of queue.readBatches({ sinceTime: 5, skipAtSinceTime: 3 }))
      batches.push(batch);
    expect(batches).toEqual([
      { stream: 'stdout', lines: ['d-1', 'd-2'], time: 5, partial: [0] },
      { stream: 'stdout', lines: ['e'], time: 6 },
    ]);
  });

  it('pauses the producer while a batch reader lags, resumes once it took the lines', async () => {
    const calls: string[] = [];
    const queue = new LogQueue(
      { pause: () => calls.push('pause'), resume: () => calls.push('resume') },
      10,
      2,
    );
    const reader = queue.readBatches()[Symbol.asyncIterator]();
    const first = reader.next(); // attaches the reader
    queue.push('stdout', ['x'], 1);
    expect((await first).value).toMatchObject({ lines: ['x'] });
    for (let i = 0; i < 4; i++) queue.push('stdout', ['a', 'b', 'c'], 2);
    expect(calls).toEqual(['pause']);
    let lines = 0;
    queue.close();
    for (let r = await reader.next(); !r.done; r = await reader.next())
      lines += r.value.lines.length;
    expect(lines).toBe(12);
    expect(calls).toEqual(['pause', 'resume']);
  });
});
