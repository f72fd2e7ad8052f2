import { describe, expect, it } from 'vitest';
import {
  MAX_NAME_LENGTH,
  dnsLabel,
  jobName,
  workflowNamespace,
  workspaceClaimName,
} from './names.js';

const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

describe('object names', () => {
  it('keeps a name that already is a DNS label', () => {
    expect(jobName({ id: 'co-abc-j1' })).toBe('co-abc-j1');
    expect(workspaceClaimName('run-1')).toBe('co-ws-run-1');
  });

  it('makes any text a DNS label of at most 63 characters, distinct for distinct texts', () => {
    const long = `r${'x'.repeat(100)}`;
    const names = [
      workspaceClaimName(long),
      workspaceClaimName(`${long}y`),
      workflowNamespace('ci', 'Acme/Very_Long Workflow/Name/'.repeat(4)),
      dnsLabel('UPPER_case.and/slashes'),
      dnsLabel('---'),
      jobName({ id: 'a'.repeat(70) }),
    ];
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
      expect(name).toMatch(DNS_LABEL);
    }
    expect(names[0]).not.toBe(names[1]);
    expect(dnsLabel('UPPER_case.and/slashes')).toMatch(/^upper-case-and-slashes-[0-9a-f]{8}$/);
  });
});
