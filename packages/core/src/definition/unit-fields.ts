/** Fields holding units: timeouts (durations), resources (cpu/memory) and byte sizes. */
import { parseDuration } from '../units/duration.js';
import { parseCpu, parseMemory } from '../units/quantity.js';
import { DiagnosticCode } from './diagnostics.js';
import { readFields, readMap, readStringOrNumber } from './fields.js';
import type { Field } from './fields.js';
import type { ResourceRequirements } from './model.js';
import type { ParseContext, Slot } from './parse-context.js';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A duration in ms; `0`, absent or invalid give `undefined` (= none). */
export function readTimeout(ctx: ParseContext, slot: Slot | undefined): number | undefined {
  const ms = readDuration(ctx, slot);
  return ms === 0 ? undefined : ms;
}

/** A duration in ms (0 kept); invalid -> `invalid-duration` and `undefined`. */
export function readDuration(ctx: ParseContext, slot: Slot | undefined): number | undefined {
  const raw = readStringOrNumber(ctx, slot);
  if (raw === undefined || slot === undefined) return undefined;
  try {
    return parseDuration(raw);
  } catch (error) {
    ctx.error(DiagnosticCode.invalidDuration, message(error), slot);
    return undefined;
  }
}

/** A byte size (`1048576`, `"1Mi"`); invalid -> `invalid-quantity`. */
export function readByteSize(ctx: ParseContext, slot: Slot | undefined): number | undefined {
  const raw = readStringOrNumber(ctx, slot);
  if (raw === undefined || slot === undefined) return undefined;
  try {
    return parseMemory(raw);
  } catch (error) {
    ctx.error(DiagnosticCode.invalidQuantity, message(error), slot);
    return undefined;
  }
}

function readCpu(ctx: ParseContext, slot: Field | undefined): number | undefined {
  const raw = readStringOrNumber(ctx, slot);
  if (raw === undefined || slot === undefined) return undefined;
  try {
    return parseCpu(raw);
  } catch (error) {
    ctx.error(DiagnosticCode.invalidQuantity, message(error), slot);
    return undefined;
  }
}

function readMemory(ctx: ParseContext, slot: Field | undefined): number | undefined {
  const raw = readStringOrNumber(ctx, slot);
  if (raw === undefined || slot === undefined) return undefined;
  let bytes: number;
  try {
    bytes = parseMemory(raw);
  } catch (error) {
    ctx.error(DiagnosticCode.invalidQuantity, message(error), slot);
    return undefined;
  }
  // A small plain number is almost surely meant in Mi (the seeds' UI unit): say so, keep bytes.
  if (typeof raw === 'number' && bytes > 0 && bytes < 2 ** 20) {
    ctx.warning(
      DiagnosticCode.invalidQuantity,
      `memory ${bytes} is ${bytes} BYTES (plain numbers are bytes); did you mean "${bytes}Mi"?`,
      slot,
    );
  }
  return bytes;
}

const RESOURCE_FIELDS = ['cpu', 'memory', 'cpuLimit', 'memoryLimit'] as const;

/** `resources: {cpu, memory, cpuLimit, memoryLimit}`; a limit below its request is an error. */
export function readResources(ctx: ParseContext, slot: Slot | undefined): ResourceRequirements {
  const map = readMap(ctx, slot);
  if (map === undefined || slot === undefined) return {};
  const fields = readFields(ctx, map, slot.path, RESOURCE_FIELDS, 'resources');
  const cpuMillis = readCpu(ctx, fields.get('cpu'));
  const memoryBytes = readMemory(ctx, fields.get('memory'));
  const cpuLimitMillis = readCpu(ctx, fields.get('cpuLimit'));
  const memoryLimitBytes = readMemory(ctx, fields.get('memoryLimit'));
  const cpuLimitField = fields.get('cpuLimit');
  if (
    cpuLimitField &&
    cpuMillis !== undefined &&
    cpuLimitMillis !== undefined &&
    cpuLimitMillis < cpuMillis
  ) {
    ctx.error(DiagnosticCode.invalidQuantity, 'cpuLimit must not be below cpu', cpuLimitField);
  }
  const memoryLimitField = fields.get('memoryLimit');
  if (
    memoryLimitField &&
    memoryBytes !== undefined &&
    memoryLimitBytes !== undefined &&
    memoryLimitBytes < memoryBytes
  ) {
    ctx.error(
      DiagnosticCode.invalidQuantity,
      'memoryLimit must not be below memory',
      memoryLimitField,
    );
  }
  return {
    ...(cpuMillis === undefined ? {} : { cpuMillis }),
    ...(memoryBytes === undefined ? {} : { memoryBytes }),
    ...(cpuLimitMillis === undefined ? {} : { cpuLimitMillis }),
    ...(memoryLimitBytes === undefined ? {} : { memoryLimitBytes }),
  };
}
