import { describe, expect, it } from 'vitest';
import { UserError } from './errors.js';

describe('UserError', () => {
  it('carries its code and kind', () => {
    const e = new UserError('X', 'msg');
    expect(e.code).toBe('X');
    expect(e.kind).toBe('user');
    expect(e.name).toBe('UserError');
  });
});
