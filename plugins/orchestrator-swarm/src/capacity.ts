/**
 * Whether a job's reservations can ever be met. Swarm leaves a task whose reservations fit no node
 * `pending` forever ("no suitable node (insufficient resources on 1 node)"), which would make the
 * job hang until its timeout; a reservation larger than every node is a mistake to report at once.
 * A reservation that fits a node that is merely busy is not: Swarm queues it, as it should.
 */
import type { SwarmNode } from './swarm-types.js';

/** A task's reservations, in Swarm's units (`Resources.Reservations`). */
export interface Reservation {
  readonly NanoCPUs?: number;
  readonly MemoryBytes?: number;
}

/** Nodes that can take new tasks: ready, and neither paused nor drained. */
export function schedulableNodes(nodes: readonly SwarmNode[]): SwarmNode[] {
  return nodes.filter((n) => n.state === 'ready' && n.availability === 'active');
}

/**
 * Why no node can ever run a job with this reservation, or `undefined` when one can. The message
 * starts with Swarm's own words for it, then gives the numbers.
 */
export function unschedulableReason(
  reservation: Reservation,
  nodes: readonly SwarmNode[],
): string | undefined {
  const usable = schedulableNodes(nodes);
  if (usable.length === 0) {
    return nodes.length === 0
      ? 'no suitable node: the swarm has no nodes'
      : `no suitable node: none of the ${nodes.length} node(s) is ready and active`;
  }
  const cpus = reservation.NanoCPUs ?? 0;
  const memory = reservation.MemoryBytes ?? 0;
  if (usable.some((n) => n.nanoCpus >= cpus && n.memoryBytes >= memory)) return undefined;
  const largestCpu = Math.max(...usable.map((n) => n.nanoCpus));
  const largestMemory = Math.max(...usable.map((n) => n.memoryBytes));
  return (
    `no suitable node (insufficient resources on ${usable.length} node${usable.length === 1 ? '' : 's'}): ` +
    `the job reserves ${formatCpus(cpus)} CPU and ${formatBytes(memory)} of memory, ` +
    `the largest node has ${formatCpus(largestCpu)} CPU and ${formatBytes(largestMemory)}. ` +
    `Lower the job's resource requests.`
  );
}

function formatCpus(nanoCpus: number): string {
  return String(Math.round(nanoCpus / 1e6) / 1000);
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Math.round(value * 10) / 10} ${units[unit]}`;
}
