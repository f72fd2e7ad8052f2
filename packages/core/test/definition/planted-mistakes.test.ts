import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWorkflow } from '../../src/definition/index.js';

const source = readFileSync(new URL('./planted-mistakes.yaml', import.meta.url), 'utf8');

describe('planted-mistakes.yaml', () => {
  const result = parseWorkflow(source, { fileName: 'planted-mistakes.yaml' });
  const list = (severity: string) =>
    result.diagnostics
      .filter((d) => d.severity === severity)
      .map((d) => `${d.line}:${d.col} ${d.code}`);

  it('reports exactly the planted errors, in order, and nothing else', () => {
    expect(list('error')).toEqual([
      '2:6 invalid-uri',
      '4:10 invalid-duration',
      '7:3 invalid-env-name',
      '20:42 invalid-quantity',
      '21:22 invalid-value',
      '22:19 invalid-value',
      '23:19 unknown-job-type',
      '24:11 unknown-stage-type',
      '28:17 unknown-sequencing',
      '34:21 wrong-type',
      '36:22 invalid-value',
      '39:17 subscription-syntax',
      '40:17 subscription-unknown-job',
      '41:17 subscription-undeclared-output',
      '42:53 event-conflict',
      '43:17 subscription-not-earlier',
      '44:13 missing-image',
      '50:15 missing-field',
      '51:15 yaml-syntax',
      '53:11 duplicate-name',
    ]);
  });

  it('reports the planted warning', () => {
    expect(list('warning')).toEqual(['44:13 unknown-field']);
  });

  it('gives no workflow and marks every planted line', () => {
    expect(result.workflow).toBeUndefined();
    const marked = source.split('\n').flatMap((line, i) => (line.includes('# <-') ? [i + 1] : []));
    expect([...new Set(result.diagnostics.map((d) => d.line))]).toEqual(marked);
  });
});
