import { describe, expect, it } from 'vitest';
import { parsePathStat } from './output-file.js';

const header = (stat: object): string => Buffer.from(JSON.stringify(stat)).toString('base64');

describe('parsePathStat', () => {
  it('reads size and whether the path is a regular file from Go FileMode bits', () => {
    expect(parsePathStat(header({ name: 'output', size: 0, mode: 0o666 }))).toEqual({
      size: 0,
      regular: true,
    });
    expect(parsePathStat(header({ size: 12, mode: 0o4755 }))).toEqual({ size: 12, regular: true });
    // os.ModeDir | 0777 and os.ModeSymlink | 0777, as Docker serializes them.
    expect(parsePathStat(header({ size: 4096, mode: 2147484159 }))?.regular).toBe(false);
    expect(parsePathStat(header({ size: 9, mode: 134218239 }))?.regular).toBe(false);
  });

  it('is undefined for a missing or malformed header', () => {
    expect(parsePathStat(undefined)).toBeUndefined();
    expect(parsePathStat('')).toBeUndefined();
    expect(parsePathStat('not base64 json')).toBeUndefined();
    expect(parsePathStat(header({ size: '1', mode: 1 }))).toBeUndefined();
  });
});
