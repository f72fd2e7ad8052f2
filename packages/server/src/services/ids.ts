import { randomUUID } from 'node:crypto';

/** Opaque ids of users, organisations, tokens, workflows, components. */
export function newId(): string {
  return randomUUID();
}
