/**
 * Reads a job's `subscriptions`: a list of single-key maps `"stage.action.job[OUTPUT]": ENV`
 * (original form) or one map of them (new). Only syntax is checked here; references are checked
 * once the whole workflow is read ({@link checkSubscriptions}).
 */
import { isMap, isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import { DiagnosticCode } from './diagnostics.js';
import type { Position } from './diagnostics.js';
import { describeNode, readFields, readString, seqItems } from './fields.js';
import { isValidEnvName } from './names.js';
import type { ParseContext, Slot } from './parse-context.js';
import { parseSubscriptionKey } from './subscription-key.js';
import type { SubscriptionKey } from './subscription-key.js';

/** A link as written, with where it is for later cross-checks. */
export interface PendingLink {
  readonly key: SubscriptionKey;
  readonly env: string;
  readonly keyPos: Position;
  readonly envPos: Position;
  readonly path: string;
  /** The `over` of a `fan-out:` block, not a subscription: its source must declare the output. */
  readonly fanOver?: true;
}

export function readSubscriptions(ctx: ParseContext, slot: Slot | undefined): PendingLink[] {
  const links: PendingLink[] = [];
  let count = 0;
  if (slot === undefined || slot.node === null) return links;
  const take = (map: YAMLMap, mapPath: string): void => {
    for (const raw of readFields(ctx, map, mapPath, null, 'subscriptions', false).values()) {
      // Keys are data here: number the links instead (`subscriptions[2]`, in file order).
      const field = { ...raw, path: `${slot.path}[${count++}]` };
      const key = parseSubscriptionKey(field.name);
      if (key === undefined && /^[^[\]]+\[[^\]]*\]\[[^\]]*\]$/.test(field.name.trim())) {
        ctx.error(
          DiagnosticCode.fanOutLink,
          `"${field.name}" links to one instance of a fan-out, which cannot resolve before the run: link to the fan-out job itself ("stage.action.job[OUTPUT]") to get every instance's value as one JSON object keyed by instance name`,
          field.keyPos,
          field.path,
        );
        continue;
      }
      if (key === undefined) {
        ctx.error(
          DiagnosticCode.subscriptionSyntax,
          `"${field.name}" is not a subscription: write "stage.action.job[OUTPUT]": ENV_NAME`,
          field.keyPos,
          field.path,
        );
        continue;
      }
      if (field.node === null) {
        ctx.error(
          DiagnosticCode.missingField,
          `subscription "${field.name}" needs the ENV name to write the value to`,
          field.keyPos,
          field.path,
        );
        continue;
      }
      const env = readString(ctx, field);
      if (env === undefined) continue;
      if (!isValidEnvName(env)) {
        ctx.error(
          DiagnosticCode.invalidEnvName,
          `"${env}" is not a valid environment variable name: use letters, digits and "_", not starting with a digit`,
          field,
        );
        continue;
      }
      ctx.record(field.path, field.keyPos);
      links.push({ key, env, keyPos: field.keyPos, envPos: field.pos, path: field.path });
    }
  };
  if (isMap(slot.node)) {
    take(slot.node, slot.path);
  } else if (isSeq(slot.node)) {
    for (const item of seqItems(ctx, slot.node, slot)) {
      if (item.node === null) continue;
      if (isMap(item.node)) take(item.node, item.path);
      else
        ctx.error(
          DiagnosticCode.subscriptionSyntax,
          `each subscription must be a "stage.action.job[OUTPUT]": ENV_NAME entry, got ${describeNode(item.node)}`,
          item,
        );
    }
  } else {
    ctx.error(
      DiagnosticCode.wrongType,
      `subscriptions must be a list or a map, got ${describeNode(slot.node)}`,
      slot,
    );
  }
  return links;
}
