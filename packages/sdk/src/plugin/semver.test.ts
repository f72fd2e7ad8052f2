import { describe, expect, it } from 'vitest';
import { isValidRange, satisfies } from './semver.js';

describe('satisfies', () => {
  it.each([
    ['0.1.0', '^0.1.0', true],
    ['0.1.9', '^0.1.0', true],
    ['0.2.0', '^0.1.0', false],
    ['0.0.9', '^0.1.0', false],
    ['0.0.3', '^0.0.3', true],
    ['0.0.4', '^0.0.3', false],
    ['1.9.0', '^1.2.3', true],
    ['2.0.0', '^1.2.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['5.0.0', '>=0.1.0', true],
    ['0.0.1', '>=0.1.0', false],
    ['0.1.0', '0.1.0', true],
    ['0.1.1', '=0.1.0', false],
    ['0.2.5', '>=0.1.0 <0.3.0', true],
    ['0.3.0', '>= 0.1.0 < 0.3.0', false],
    ['2.1.0', '^1.0.0 || ^2.0.0', true],
    ['0.2.0-beta.1', '>=0.2.0', false],
    ['0.2.0-beta.1', '<0.2.0', true],
  ])('%s in %s -> %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it('rejects malformed ranges and versions', () => {
    expect(isValidRange('^0.1')).toBe(false);
    expect(isValidRange('latest')).toBe(false);
    expect(isValidRange('')).toBe(false);
    expect(isValidRange('^0.1.0')).toBe(true);
    expect(satisfies('0.1', '^0.1.0')).toBe(false);
  });
});
