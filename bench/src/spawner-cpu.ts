/**
 * CPU time of the `local` orchestrator's spawner helpers: the child processes of a given process
 * whose command line runs `spawner-main`, read from Linux `/proc` (other systems: none found).
 * Benches add it to their own process's CPU so that moving work into a helper does not make it
 * vanish from the figures (issue 18). A helper that ended between two readings is missed, which
 * only undercounts; the pool keeps its helpers for 30 s after their last job.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ: 100 on Linux whatever the kernel's HZ). */
const TICKS_PER_SECOND = 100;

/** CPU ms (user + system) used so far by each spawner helper child of `parent`, by pid. */
export function spawnerHelpersCpu(parent: number = process.pid): Map<number, number> {
  const cpu = new Map<number, number>();
  let children: string[];
  try {
    children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8')
      .split(' ')
      .filter((pid) => pid !== '');
  } catch {
    return cpu;
  }
  for (const pid of children) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('spawner-main')) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After the command name (in parentheses): state(0) ppid(1) ... utime(11) stime(12).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu.set(Number(pid), ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND);
    } catch {
      // It ended meanwhile.
    }
  }
  return cpu;
}

/** CPU ms the helpers used between two readings of {@link spawnerHelpersCpu}. */
export function helpersCpuSince(before: Map<number, number>, now: Map<number, number>): number {
  let ms = 0;
  for (const [pid, total] of now) ms += total - (before.get(pid) ?? 0);
  return ms;
}
