import type Dockerode from 'dockerode';
import type { ContainerLogSource } from './follow-container-logs.js';

/**
 * The {@link ContainerLogSource} of one container: logs requests with timestamps for both
 * streams, `inspect` for "still running", and the orchestrator's stop notices when given.
 */
export function containerLogSource(
  container: Dockerode.Container,
  onStopped?: ContainerLogSource['onStopped'],
): ContainerLogSource {
  return {
    open: (follow, since, signal) => {
      const query = {
        stdout: true,
        stderr: true,
        timestamps: true,
        ...(since === undefined ? {} : { since }),
      };
      const abort = signal === undefined ? {} : { abortSignal: signal };
      return follow
        ? container.logs({ ...query, ...abort, follow: true })
        : container.logs({ ...query, ...abort, follow: false });
    },
    isRunning: async () => (await container.inspect()).State.Running,
    ...(onStopped === undefined ? {} : { onStopped }),
  };
}
