let counter = 0;

/** A fresh editor-only node id (`n12`). Ids only need to be unique within one page session. */
export function newNodeId(): string {
  counter += 1;
  return `n${counter}`;
}
