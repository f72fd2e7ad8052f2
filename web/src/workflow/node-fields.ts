/**
 * Typed reads and writes of the fields the editor knows, over a node's raw `fields`. Names the
 * file does not give are derived the way the engine derives them (jobs from their image or
 * component, actions `action-N`), so paths shown in the graph match the engine's paths.
 */
import type { ActionNode, JobNode, StageNode, YamlMap, YamlValue } from './graph-model.js';
import { isYamlMap } from './yaml-to-graph.js';

export type StageType = 'start' | 'normal' | 'pause' | 'end';
export type Sequencing = 'sequence' | 'parallel';

/** A string field, or undefined when absent or not a string/number. */
export function textField(fields: YamlMap, key: string): string | undefined {
  const value = fields[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * Sets a field (keeping its position among the keys) or removes it when `value` is undefined or
 * an empty string.
 */
export function setField(fields: YamlMap, key: string, value: YamlValue | undefined): void {
  if (value === undefined || value === '') {
    delete fields[key];
    return;
  }
  fields[key] = value;
}

export function stageType(stage: StageNode): StageType {
  const t = textField(stage.fields, 'type') ?? 'normal';
  return t === 'start' || t === 'pause' || t === 'end' ? t : 'normal';
}

export function sequencing(stage: StageNode): Sequencing {
  return textField(stage.fields, 'sequencing') === 'parallel' ? 'parallel' : 'sequence';
}

export function stageName(stage: StageNode, index: number): string {
  return textField(stage.fields, 'name') ?? `stage-${index + 1}`;
}

/**
 * Action names, generated ones resolved against the explicit names of their siblings. Like the
 * engine, an action that repeats an earlier sibling's name (original ContainerOps files do) runs
 * under a generated name: `build`, `build-2`.
 */
export function actionNames(stage: StageNode): string[] {
  return actionNameInfo(stage).map((a) => a.name);
}

/** Each action's effective name, and whether the engine generated it (none given, or repeated). */
export function actionNameInfo(stage: StageNode): { name: string; generated: boolean }[] {
  const seen = new Set<string>();
  const entries = stage.actions.items.map((a, i) => {
    const written = textField(a.fields, 'name');
    const repeated = written !== undefined && seen.has(written);
    if (written !== undefined) seen.add(written);
    return repeated
      ? { explicit: undefined, base: written, generated: true }
      : { explicit: written, base: `action-${i + 1}`, generated: written === undefined };
  });
  return uniqueNames(entries).map((name, i) => ({
    name,
    generated: entries[i]?.generated ?? false,
  }));
}

function baseName(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const last = (text.split('@')[0] ?? '').split('/').pop() ?? '';
  const cleaned = (last.split(':')[0] ?? '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/-+$/, '');
  return cleaned === '' ? undefined : cleaned;
}

/** Job names of one action, unnamed jobs named after their image/component, like the engine. */
export function jobNames(action: ActionNode): string[] {
  return uniqueNames(
    action.jobs.items.map((j, i) => ({
      explicit: textField(j.fields, 'name'),
      base:
        baseName(textField(j.fields, 'endpoint')) ??
        baseName(textField(j.fields, 'component')) ??
        `job-${i + 1}`,
    })),
  );
}

function uniqueNames(
  entries: readonly { explicit?: string | undefined; base: string }[],
): string[] {
  const taken = new Set<string>();
  for (const e of entries) if (e.explicit !== undefined) taken.add(e.explicit);
  return entries.map((e) => {
    if (e.explicit !== undefined) return e.explicit;
    let candidate = e.base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${e.base}-${n}`;
    taken.add(candidate);
    return candidate;
  });
}

/** Declared output keys of a job (`outputs: [A, B]`). */
export function jobOutputs(job: JobNode): string[] {
  const outputs = job.fields['outputs'];
  return Array.isArray(outputs) ? outputs.filter((o): o is string => typeof o === 'string') : [];
}

/** The job's environment as a flat map, from either the list-of-maps or the map form. */
export function envEntries(fields: YamlMap, key = 'environments'): [string, string][] {
  const value = fields[key];
  const out: [string, string][] = [];
  const add = (map: YamlMap): void => {
    for (const [k, v] of Object.entries(map)) out.push([k, v === null ? '' : String(v)]);
  };
  if (Array.isArray(value)) value.forEach((entry) => isYamlMap(entry) && add(entry));
  else if (isYamlMap(value)) add(value);
  return out;
}

/**
 * Writes a flat env map back in the form the file used (list of single-key maps for original
 * files, a plain map otherwise); removes the field when empty.
 */
export function setEnvEntries(
  fields: YamlMap,
  entries: [string, string][],
  key = 'environments',
): void {
  if (entries.length === 0) {
    delete fields[key];
    return;
  }
  if (Array.isArray(fields[key])) {
    fields[key] = entries.map(([k, v]) => ({ [k]: v }));
  } else {
    fields[key] = Object.fromEntries(entries);
  }
}

/** A plain string map field (`inputs`, `labels`, `resources`) as entries. */
export function mapEntries(fields: YamlMap, key: string): [string, string][] {
  const value = fields[key];
  if (!isYamlMap(value)) return [];
  return Object.entries(value).map(([k, v]) => [k, v === null ? '' : String(v)]);
}

/** Writes a plain map field, keeping values' types when unchanged; removes it when empty. */
export function setMapEntries(fields: YamlMap, key: string, entries: [string, string][]): void {
  const before = isYamlMap(fields[key]) ? (fields[key] as YamlMap) : {};
  if (entries.length === 0) {
    delete fields[key];
    return;
  }
  const out: YamlMap = {};
  for (const [k, v] of entries) {
    const old = before[k];
    out[k] = old !== undefined && old !== null && String(old) === v ? old : v;
  }
  fields[key] = out;
}
