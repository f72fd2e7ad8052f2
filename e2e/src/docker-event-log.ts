/**
 * Records Docker's own account of the job containers (`create`, `start`, `die` with its exit
 * code), independent of anything the server stores, so a test can check the server's story
 * against what really ran. Containers are keyed by the engine's labels (run id, job path,
 * attempt), which Docker repeats in every container event.
 */
import Docker from 'dockerode';
import { JobLabel } from '@containerops/sdk';

export interface ContainerEvent {
  readonly action: 'create' | 'start' | 'die';
  readonly containerId: string;
  readonly runId: string;
  /** `stage.action.job`. */
  readonly jobPath: string;
  readonly attempt: number;
  /** On `die` only. */
  readonly exitCode?: number;
}

export interface DockerEventLog {
  readonly events: readonly ContainerEvent[];
  /** Called for each event as it arrives (after it is recorded). */
  onEvent(listener: (event: ContainerEvent) => void): void;
  stop(): void;
}

const ACTIONS = new Set(['create', 'start', 'die']);

/**
 * Starts listening to the managed job containers carrying every label of `labels` (e.g. one
 * workflow's); resolves once Docker's event stream is open (no event is missed after).
 */
export async function recordContainerEvents(
  labels: Readonly<Record<string, string>> = {},
  docker = new Docker(),
): Promise<DockerEventLog> {
  const events: ContainerEvent[] = [];
  const listeners: ((event: ContainerEvent) => void)[] = [];
  const stream = (await docker.getEvents({
    filters: {
      type: ['container'],
      label: [
        `${JobLabel.managed}=true`,
        ...Object.entries(labels).map(([key, value]) => `${key}=${value}`),
      ],
    },
  })) as NodeJS.ReadableStream & { destroy(): void };
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line === '') continue;
      const raw = JSON.parse(line) as {
        Action: string;
        Actor: { ID: string; Attributes: Record<string, string> };
      };
      if (!ACTIONS.has(raw.Action)) continue;
      const labels = raw.Actor.Attributes;
      const event: ContainerEvent = {
        action: raw.Action as ContainerEvent['action'],
        containerId: raw.Actor.ID,
        runId: labels[JobLabel.runId] ?? '',
        jobPath: [labels[JobLabel.stage], labels[JobLabel.action], labels[JobLabel.job]].join('.'),
        attempt: Number(labels[JobLabel.attempt] ?? '0'),
        ...(raw.Action === 'die' ? { exitCode: Number(labels['exitCode'] ?? 'NaN') } : {}),
      };
      events.push(event);
      for (const listener of listeners) listener(event);
    }
  });
  return {
    events,
    onEvent: (listener) => listeners.push(listener),
    stop: () => stream.destroy(),
  };
}
