import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { LogChunk } from '@containerops/sdk';
import { followContainerLogs } from './follow-container-logs.js';
import type { ContainerLogSource } from './follow-container-logs.js';
import { message } from './testdata/frames.js';

interface Entry {
  readonly stream: 'stdout' | 'stderr';
  readonly ms: number;
  readonly text: string;
}

const BASE = Date.UTC(2024, 4, 1, 10, 0, 0);

/**
 * A fake container log: `entries` as stored; each follow request returns only the first `cut`
 * entries at or after `since` (Docker's follow losing the tail), a plain read returns all.
 */
function fakeSource(entries: readonly Entry[], options: { cuts: number[]; running: boolean[] }) {
  const requests: { follow: boolean; since: number | undefined }[] = [];
  const source: ContainerLogSource = {
    open: (follow, since) => {
      requests.push({ follow, since });
      const from = entries.filter((e) => since === undefined || e.ms >= since * 1000);
      const take = follow ? from.slice(0, options.cuts.shift() ?? from.length) : from;
      return Promise.resolve(Buffer.concat(take.map((e) => message(e.stream, e.ms, e.text))));
    },
    isRunning: () => Promise.resolve(options.running.shift() ?? false),
  };
  return { source, requests };
}

async function collect(iterable: AsyncIterable<LogChunk>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of iterable) out.push(`${line.stream}:${line.text}`);
  return out;
}

const entries: Entry[] = [
  { stream: 'stdout', ms: BASE + 100, text: 'a\n' },
  { stream: 'stderr', ms: BASE + 1_200, text: 'e1\n' },
  { stream: 'stdout', ms: BASE + 2_300, text: 'b\n' },
  { stream: 'stdout', ms: BASE + 2_400, text: 'c\n' },
  { stream: 'stderr', ms: BASE + 2_500, text: 'e2\n' },
  { stream: 'stdout', ms: BASE + 2_600, text: 'tail without newline' },
];
const all = [
  'stdout:a',
  'stderr:e1',
  'stdout:b',
  'stdout:c',
  'stderr:e2',
  'stdout:tail without newline',
];

describe('followContainerLogs', () => {
  it('recovers the lines a follow lost before the container stopped, each exactly once', async () => {
    const { source, requests } = fakeSource(entries, { cuts: [4], running: [false] });
    expect(await collect(followContainerLogs(source))).toEqual(all);
    expect(requests).toEqual([
      { follow: true, since: undefined },
      { follow: false, since: BASE / 1000 + 1 },
    ]);
  });

  it('does not emit a partial last line from the follow, only from the final read', async () => {
    const { source } = fakeSource(entries, { cuts: [6], running: [false] });
    expect(await collect(followContainerLogs(source))).toEqual(all);
  });

  it('follows again while the container is still running', async () => {
    const { source, requests } = fakeSource(entries, { cuts: [2, 3], running: [true, false] });
    expect(await collect(followContainerLogs(source))).toEqual(all);
    expect(requests.map((r) => r.follow)).toEqual([true, true, false]);
  });

  it('applies sinceTime/skipAtSinceTime across the re-reads', async () => {
    const { source } = fakeSource(entries, { cuts: [1], running: [false] });
    const lines = await collect(
      followContainerLogs(source, { sinceTime: BASE + 2_300, skipAtSinceTime: 1 }),
    );
    expect(lines).toEqual(['stdout:c', 'stderr:e2', 'stdout:tail without newline']);
  });

  it('ends without error when the signal aborts', async () => {
    const controller = new AbortController();
    const { source } = fakeSource(entries, { cuts: [0], running: [true, true, true] });
    const lines: LogChunk[] = [];
    setTimeout(() => controller.abort(), 50);
    for await (const line of followContainerLogs(source, { signal: controller.signal }))
      lines.push(line);
    expect(lines).toEqual([]);
  });

  describe('with stop notices', () => {
    /**
     * A follow that delivers the first `delivered` entries and then stays open until aborted
     * (a running container), and a plain read that returns everything. `onStopped` hands its
     * listener to the test.
     */
    function stoppableSource(delivered: number, stoppedAlready = false) {
      const requests: { follow: boolean; since: number | undefined }[] = [];
      let listener: (() => void) | undefined;
      let inspects = 0;
      const source: ContainerLogSource = {
        open: (follow, since, signal) => {
          requests.push({ follow, since });
          const from = entries.filter((e) => since === undefined || e.ms >= since * 1000);
          if (!follow) {
            return Promise.resolve(Buffer.concat(from.map((e) => message(e.stream, e.ms, e.text))));
          }
          const body = new Readable({ read: () => undefined });
          for (const e of from.slice(0, delivered)) body.push(message(e.stream, e.ms, e.text));
          if (stoppedAlready) body.push(null);
          signal?.addEventListener('abort', () => body.destroy(), { once: true });
          return Promise.resolve(body);
        },
        isRunning: () => {
          inspects += 1;
          return Promise.resolve(false);
        },
        onStopped: (l) => {
          if (stoppedAlready) l();
          else listener = l;
          return () => {
            listener = undefined;
          };
        },
      };
      return { source, requests, stop: () => listener?.(), inspects: () => inspects };
    }

    it('cuts a follow at the stop and reads the tail at once, each line exactly once', async () => {
      const { source, requests, stop, inspects } = stoppableSource(3);
      const lines: string[] = [];
      for await (const line of followContainerLogs(source)) {
        lines.push(`${line.stream}:${line.text}`);
        if (lines.length === 3) setTimeout(stop, 10);
      }
      expect(lines).toEqual(all);
      expect(requests.map((r) => r.follow)).toEqual([true, false]);
      expect(inspects()).toBe(0);
    });

    it('cuts a follow that delivered nothing yet', async () => {
      const { source, stop } = stoppableSource(0);
      setTimeout(stop, 10);
      expect(await collect(followContainerLogs(source))).toEqual(all);
    });

    it('lets a follow opened after the stop end by itself', async () => {
      const { source, requests } = stoppableSource(6, true);
      expect(await collect(followContainerLogs(source))).toEqual(all);
      expect(requests.map((r) => r.follow)).toEqual([true, false]);
    });
  });
});
