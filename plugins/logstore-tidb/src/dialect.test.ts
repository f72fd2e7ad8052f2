import { describe, expect, it } from 'vitest';
import { detectDialect, supportsTtl } from './dialect.js';

describe('detectDialect', () => {
  it('tells TiDB, MariaDB and MySQL apart from VERSION()', () => {
    expect(detectDialect('8.0.11-TiDB-v8.5.6')).toEqual({
      dialect: 'tidb',
      version: '8.0.11-TiDB-v8.5.6',
      tidbRelease: [8, 5, 6],
    });
    expect(detectDialect('10.11.6-MariaDB-0+deb12u1').dialect).toBe('mariadb');
    expect(detectDialect('8.0.36').dialect).toBe('mysql');
  });

  it('knows TTL tables from TiDB 6.5 on, and nowhere else', () => {
    expect(supportsTtl(detectDialect('8.0.11-TiDB-v8.5.6'))).toBe(true);
    expect(supportsTtl(detectDialect('5.7.25-TiDB-v6.5.0'))).toBe(true);
    expect(supportsTtl(detectDialect('5.7.25-TiDB-v6.4.0'))).toBe(false);
    expect(supportsTtl(detectDialect('10.11.6-MariaDB'))).toBe(false);
    expect(supportsTtl(detectDialect('8.0.36'))).toBe(false);
  });
});
