/** Cursors of the runs query: base64url of `(created_at, id)` of the last run of a page. */
import { badInput } from './errors.js';

export interface RunCursor {
  readonly createdAt: number;
  readonly id: string;
}

export function encodeRunCursor(cursor: RunCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

export function decodeRunCursor(text: string): RunCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // reported below
  }
  throw badInput('the cursor is not valid: pass the endCursor of the previous page');
}
