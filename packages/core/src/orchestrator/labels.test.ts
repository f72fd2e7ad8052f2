import { describe, expect, it } from 'vitest';
import { encodeLabels, isLabelKey, isLabelValue, toLabelKey, toLabelValue } from './labels.js';

describe('the label rule', () => {
  it('accepts what a Kubernetes label value may hold, and nothing else', () => {
    for (const ok of ['', 'a', 'run-1', 'A.b_c-9', 'x'.repeat(63)])
      expect(isLabelValue(ok)).toBe(true);
    for (const bad of ['acme/x/ci', '-a', 'a-', 'a b', 'é', 'x'.repeat(64)])
      expect(isLabelValue(bad)).toBe(false);
  });

  it('accepts keys with an optional DNS prefix', () => {
    expect(isLabelKey('containerops.run-id')).toBe(true);
    expect(isLabelKey('example.com/team')).toBe(true);
    expect(isLabelKey('Example.com/team')).toBe(false);
    expect(isLabelKey('')).toBe(false);
    expect(isLabelKey('a b')).toBe(false);
  });

  it('leaves valid values alone and encodes the others into valid, distinct values', () => {
    expect(toLabelValue('run-1')).toBe('run-1');
    const a = toLabelValue('acme/x/ci');
    const b = toLabelValue('acme_x/ci');
    expect(a).toMatch(/^acme_x_ci-[0-9a-f]{8}$/);
    expect(isLabelValue(a) && isLabelValue(b)).toBe(true);
    expect(a).not.toBe(b);
    expect(toLabelValue('acme/x/ci')).toBe(a);
    for (const hostile of ['/', '////', 'x'.repeat(500), '-.-', 'ü/ü', ' a '])
      expect(isLabelValue(toLabelValue(hostile))).toBe(true);
    expect(isLabelKey(toLabelKey('team name'))).toBe(true);
  });

  it('keeps the originals of changed values as annotations under the stored key', () => {
    expect(encodeLabels({ 'containerops.workflow': 'acme/x/ci', team: 'pay' })).toEqual({
      labels: { 'containerops.workflow': toLabelValue('acme/x/ci'), team: 'pay' },
      annotations: { 'containerops.workflow': 'acme/x/ci' },
    });
  });
});
