import { describe, expect, it } from 'vitest';
import { parseWorkflow } from './parse-workflow.js';

function diagnosticsOf(service: string): string[] {
  const source = `uri: a/b/c
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: v
            command: 'true'
            outputs: [VERSION]
          - name: call
            type: service
            subscriptions:
              - s.a.v[VERSION]: CO_VERSION
${service}`;
  return parseWorkflow(source).diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`);
}

describe('references in a service call', () => {
  it('accepts inputs, env, links of the job and secrets', () => {
    expect(
      diagnosticsOf(`            service:
              url: 'https://x.test/\${{ inputs.a.b }}?v=\${{ links.CO_VERSION }}'
              headers: { Authorization: 'Bearer \${{ secrets.TOKEN }}' }
              body: { run: '\${{ env.CO_RUN_ID }}' }
`),
    ).toEqual([]);
  });

  it('reports unknown roots and links the job does not subscribe to', () => {
    expect(
      diagnosticsOf(`            service:
              url: 'https://x.test/\${{ steps.a }}'
              headers: { X: '\${{ links.OTHER }}' }
              body: 'x=\${{ secret.TOKEN }}'
`),
    ).toEqual([
      '16:20 invalid-value unknown reference "${{ steps.a }}" in a service call: use inputs.KEY, env.NAME, links.NAME or secrets.NAME',
      '17:29 invalid-value "${{ links.OTHER }}" names no data link of this job (it has CO_VERSION): subscribe to the output first',
      '18:21 invalid-value unknown reference "${{ secret.TOKEN }}" in a service call: use inputs.KEY, env.NAME, links.NAME or secrets.NAME',
    ]);
  });
});
