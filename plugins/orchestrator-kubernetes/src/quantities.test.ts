import { describe, expect, it } from 'vitest';
import { containerResources, cpuQuantity, memoryQuantity } from './quantities.js';

describe('resource quantities', () => {
  it('writes whole CPUs as numbers and fractions as millicores', () => {
    expect(cpuQuantity(2000)).toBe('2');
    expect(cpuQuantity(500)).toBe('500m');
    expect(cpuQuantity(1500)).toBe('1500m');
    expect(cpuQuantity(0.2)).toBe('1m');
  });

  it('writes memory as exact bytes', () => {
    expect(memoryQuantity(4_000_000_000)).toBe('4000000000');
    expect(memoryQuantity(4 * 1024 ** 3)).toBe('4294967296');
  });

  it("maps the 2017 flow's cpu: 2 / memory: 4G (as core parses them) to requests, limits to limits", () => {
    expect(containerResources({ cpuMillis: 2000, memoryBytes: 4_000_000_000 })).toEqual({
      requests: { cpu: '2', memory: '4000000000' },
    });
    expect(
      containerResources({
        cpuMillis: 250,
        memoryBytes: 64 * 1024 ** 2,
        cpuLimitMillis: 1000,
        memoryLimitBytes: 128 * 1024 ** 2,
      }),
    ).toEqual({
      requests: { cpu: '250m', memory: '67108864' },
      limits: { cpu: '1', memory: '134217728' },
    });
    expect(containerResources({ memoryLimitBytes: 64 * 1024 ** 2 })).toEqual({
      limits: { memory: '67108864' },
    });
  });

  it('asks for nothing when the job asks for nothing', () => {
    expect(containerResources({})).toBeUndefined();
    expect(containerResources({ cpuMillis: 0 })).toBeUndefined();
  });
});
