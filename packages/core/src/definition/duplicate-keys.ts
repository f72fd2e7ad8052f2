/**
 * Duplicate keys in YAML maps, found with one Set per map.
 *
 * The yaml library can check key uniqueness itself (`uniqueKeys: true`), but it compares each new
 * key with every earlier key of the same map: a 20,000-key map cost 200 million comparisons and
 * stalled the server for seconds. Here each key is looked up in a Set instead, so the check is
 * linear; keys compare as the library would (equal scalar values, or the same node).
 */
import { isMap, isScalar, visit } from 'yaml';
import type { Document } from 'yaml';

/** A repeated key: its source offset (of the later occurrence) and its text when scalar. */
export interface DuplicateKey {
  readonly offset: number;
  readonly key: string | undefined;
}

/** Every key that repeats an earlier key of the same map, in document order. */
export function findDuplicateKeys(doc: Document): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key: unknown = pair.key;
        const identity = isScalar(key) ? key.value : key;
        if (seen.has(identity)) {
          const offset = isScalar(key) ? (key.range?.[0] ?? 0) : 0;
          const text = isScalar(key) ? (key.source ?? String(key.value)) : undefined;
          found.push({ offset, key: text });
        } else {
          seen.add(identity);
        }
      }
    },
  });
  return found;
}
