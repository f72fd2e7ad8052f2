/**
 * The referee clock of container exits: Docker's `die` events (nanosecond `timeNano`), read from
 * the engine's own socket (not through any proxy under test). Both the docker orchestrator's
 * containers and the Kubernetes node agent's Pod containers die on the same engine, so one stream
 * times both.
 */
import type Docker from 'dockerode';

/** One `die` event: container id, its labels and name, and the time in ms since the epoch. */
export interface DieEvent {
  readonly id: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly atMs: number;
}

interface RawEvent {
  readonly id?: string;
  readonly timeNano?: number;
  readonly Actor?: { readonly ID?: string; readonly Attributes?: Record<string, string> };
}

export interface DieEvents {
  /** Resolves with the first `die` (past or future) that `match` accepts, or undefined after `timeoutMs`. */
  find(match: (event: DieEvent) => boolean, timeoutMs: number): Promise<DieEvent | undefined>;
  close(): void;
}

export async function watchDieEvents(docker: Docker): Promise<DieEvents> {
  const stream = (await docker.getEvents({
    filters: { type: ['container'], event: ['die'] },
  })) as NodeJS.ReadableStream & { destroy(): void };
  const seen: DieEvent[] = [];
  const waiting = new Set<{ match: (e: DieEvent) => boolean; resolve: (e: DieEvent) => void }>();
  let buffer = '';
  stream.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
      if (!line) continue;
      const raw = JSON.parse(line) as RawEvent;
      const event: DieEvent = {
        id: raw.Actor?.ID ?? raw.id ?? '',
        attributes: raw.Actor?.Attributes ?? {},
        // timeNano is a float64 in JSON: ~µs precision at today's epoch, plenty for ms figures.
        atMs: (raw.timeNano ?? 0) / 1e6,
      };
      seen.push(event);
      for (const w of waiting)
        if (w.match(event)) {
          waiting.delete(w);
          w.resolve(event);
        }
    }
  });
  return {
    find: (match, timeoutMs) => {
      const past = seen.find(match);
      if (past !== undefined) return Promise.resolve(past);
      return new Promise((resolve) => {
        const entry = {
          match,
          resolve: (e: DieEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiting.delete(entry);
          resolve(undefined);
        }, timeoutMs);
        waiting.add(entry);
      });
    },
    close: () => stream.destroy(),
  };
}
