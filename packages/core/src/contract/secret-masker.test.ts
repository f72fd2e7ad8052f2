import { describe, expect, it } from 'vitest';
import { SecretMasker } from './secret-masker.js';

describe('SecretMasker', () => {
  it('returns text unchanged without secrets', () => {
    const m = new SecretMasker();
    expect(m.size).toBe(0);
    expect(m.mask('token=abc')).toBe('token=abc');
  });

  it('masks every occurrence of every secret', () => {
    const m = new SecretMasker();
    m.add('s3cr3t');
    m.add('p@ss.word*');
    expect(m.mask('a s3cr3t b s3cr3t c p@ss.word* d pXss.word')).toBe(
      'a *** b *** c *** d pXss.word',
    );
  });

  it('ignores empty and 1-2 character values, and duplicates', () => {
    const m = new SecretMasker();
    m.add('');
    m.add('a');
    m.add('42');
    m.add('abc');
    m.add('abc');
    expect(m.size).toBe(1);
    expect(m.mask('a 42 abc')).toBe('a 42 ***');
  });

  it('masks the longest secret first', () => {
    const m = new SecretMasker();
    m.add('abc');
    m.add('abcdef');
    expect(m.mask('xabcdefx abc')).toBe('x***x ***');
  });

  it('masks each line of a multi-line secret in separate log lines', () => {
    const m = new SecretMasker();
    const pem = '-----BEGIN KEY-----\r\nMIIBOgIBAAJBAKj34\nGkxFhD90\n-----END KEY-----';
    m.add(pem);
    const logLines = pem.split(/\r?\n/).map((l) => `> ${l}`);
    expect(logLines.map((l) => m.mask(l))).toEqual(['> ***', '> ***', '> ***', '> ***']);
    expect(m.mask(pem)).toBe('***');
  });

  it('treats regex metacharacters and $ literally, and picks up secrets added later', () => {
    const m = new SecretMasker();
    m.add('a.c');
    expect(m.mask('abc a.c')).toBe('abc ***');
    m.add('$&(x)|[y]');
    expect(m.mask('v=$&(x)|[y]')).toBe('v=***');
  });

  it('masks record values', () => {
    const m = new SecretMasker();
    m.add('hunter2');
    const rec = { URL: 'https://u:hunter2@x', hunter2: 'ok' };
    expect(m.maskRecord(rec)).toEqual({ URL: 'https://u:***@x', hunter2: 'ok' });
    expect(rec.URL).toBe('https://u:hunter2@x');
  });
});
