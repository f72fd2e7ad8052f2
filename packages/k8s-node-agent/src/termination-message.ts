import { chmod, mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Container } from './kube-types.js';
import { podDir } from './pod-volumes.js';

/** The kubelet's limit on one container's termination message. */
export const maxMessageBytes = 4096;
/** FallbackToLogsOnError: the kubelet's tail of the log (80 lines, at most 2048 bytes). */
export const fallbackLines = 80;
export const fallbackBytes = 2048;

/** The host file behind a container run's terminationMessagePath. */
export function terminationFile(
  stateDir: string,
  uid: string,
  container: string,
  attempt: number,
): string {
  return path.join(podDir(stateDir, uid), 'termination', `${container}_${attempt}`);
}

/** Creates the file empty and writable by any user (containers may run as anyone). */
export async function prepareTerminationFile(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '');
  await chmod(file, 0o666);
}

/** The first {@link maxMessageBytes} of the file, or '' when it is missing or empty. */
export async function readTerminationFile(file: string): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(maxMessageBytes);
      const { bytesRead } = await handle.read(buffer, 0, maxMessageBytes, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}

/** Whether the log tail stands in for an empty message (policy FallbackToLogsOnError, failed container). */
export function fallsBackToLogs(container: Container, message: string, exitCode: number): boolean {
  return (
    message === '' &&
    exitCode !== 0 &&
    container.terminationMessagePolicy === 'FallbackToLogsOnError'
  );
}

/** The last bytes of a log tail, as the kubelet cuts it. */
export function cutLogTail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.length <= fallbackBytes
    ? log
    : bytes.subarray(bytes.length - fallbackBytes).toString('utf8');
}
