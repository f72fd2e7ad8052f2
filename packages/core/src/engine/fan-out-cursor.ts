/**
 * Walks the instances of a fan-out one at a time, without building them up front: a matrix is
 * decoded from a counter (mixed radix, first axis slowest), a list is read by index. Only the
 * instance being started exists as an object; a 100,000-instance fan-out costs its counter.
 */
import type { JobDefinition, ListFanOut, MatrixAxis, MatrixFanOut } from '../definition/model.js';
import { MAX_FAN_OUT_INSTANCES } from '../definition/fan-out-limits.js';

/** One instance: its stable name and the inputs it adds to the job's. */
export interface FanOutItem {
  /** `job[axis=value,...]` (axes in declared order) or `job[index]` (0-based). */
  readonly name: string;
  readonly inputs: Readonly<Record<string, string>>;
}

export interface FanOutCursor {
  /** How many instances there are in all. */
  readonly total: number;
  /** The next instance, or undefined once every one was given. */
  next(): FanOutItem | undefined;
}

/** The instance name of a matrix combination. */
export function matrixInstanceName(
  job: string,
  combo: Readonly<Record<string, string>>,
  axes: MatrixFanOut['axes'],
): string {
  return `${job}[${axes.map((a) => `${a.name}=${combo[a.name] ?? ''}`).join(',')}]`;
}

function matches(
  combo: Readonly<Record<string, string>>,
  partial: Readonly<Record<string, string>>,
): boolean {
  for (const key in partial) if (combo[key] !== partial[key]) return false;
  return true;
}

/** A cursor over a static matrix. */
export function matrixCursor(job: string, m: MatrixFanOut): FanOutCursor {
  const { axes } = m;
  let product = 1;
  for (const axis of axes) product *= axis.values.length;
  // Place value of each axis in the counter (first axis slowest), so decoding fills the
  // combination in declared order: its keys' order is the order of CO_DATA pairs.
  const radix: number[] = [];
  for (let a = axes.length - 1, r = 1; a >= 0; a--) {
    radix[a] = r;
    r *= (axes[a] as MatrixAxis).values.length;
  }
  const decode = (i: number): Record<string, string> => {
    const combo: Record<string, string> = {};
    axes.forEach((axis, a) => {
      combo[axis.name] = axis.values[
        Math.floor(i / (radix[a] as number)) % axis.values.length
      ] as string;
    });
    return combo;
  };
  const excluded = (combo: Readonly<Record<string, string>>): boolean =>
    m.exclude.some((x) => matches(combo, x));
  const inProduct = (combo: Readonly<Record<string, string>>): boolean =>
    axes.every((a) => a.values.includes(combo[a.name] ?? '')) && !excluded(combo);
  // Includes that add a combination (not produced already), each once.
  const seen = new Set<string>();
  const extra = m.include.filter((combo) => {
    const name = matrixInstanceName(job, combo, axes);
    if (inProduct(combo) || seen.has(name)) return false;
    seen.add(name);
    return true;
  });
  let kept = product;
  if (m.exclude.length > 0) for (let i = 0; i < product; i++) if (excluded(decode(i))) kept--;
  let index = 0;
  let include = 0;
  return {
    total: kept + extra.length,
    next() {
      while (index < product) {
        const combo = decode(index++);
        if (m.exclude.length > 0 && excluded(combo)) continue;
        return { name: matrixInstanceName(job, combo, axes), inputs: combo };
      }
      const combo = extra[include++];
      return combo === undefined
        ? undefined
        : { name: matrixInstanceName(job, combo, axes), inputs: combo };
    },
  };
}

/** Why a reported list cannot be fanned out over; the job fails with it. */
export class FanOutListError extends Error {}

/**
 * A cursor over the JSON array `text` (an earlier job's output). Strings are given as they are,
 * other items as JSON.
 * @throws FanOutListError when `text` is not JSON, not an array, or longer than the cap.
 */
export function listCursor(
  job: string,
  f: ListFanOut,
  text: string,
  cap = MAX_FAN_OUT_INSTANCES,
): FanOutCursor {
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch (error) {
    throw new FanOutListError(
      `is not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!Array.isArray(items))
    throw new FanOutListError(
      `is JSON but not an array (${items === null ? 'null' : typeof items})`,
    );
  if (items.length > cap)
    throw new FanOutListError(`has ${items.length} items; a fan-out may have at most ${cap}`);
  const list: readonly unknown[] = items;
  let index = 0;
  return {
    total: list.length,
    next() {
      if (index >= list.length) return undefined;
      const i = index++;
      const item = list[i];
      const value = typeof item === 'string' ? item : JSON.stringify(item);
      return { name: `${job}[${i}]`, inputs: { [f.as]: value } };
    },
  };
}

/** The cursor of a fan-out job (a list job needs its list's text). */
export function fanOutCursor(job: JobDefinition, listText: string | undefined): FanOutCursor {
  const f = job.fanOut;
  if (f === undefined) throw new Error(`job ${job.name} does not fan out`);
  return f.kind === 'matrix' ? matrixCursor(job.name, f) : listCursor(job.name, f, listText ?? '');
}
