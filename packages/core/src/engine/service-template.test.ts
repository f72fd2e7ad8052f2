import { describe, expect, it } from 'vitest';
import type { ServiceCall } from '../definition/model.js';
import { ContainerOpsError } from '../errors.js';
import { resolveServiceCall } from './service-template.js';
import type { ServiceTemplateValues } from './service-template.js';

const values: ServiceTemplateValues = {
  inputs: { branch: 'feature/a b&c', 'build.tag': 'v1', quote: 'say "hi"\n' },
  env: { SERVICE_URL: 'http://127.0.0.1:8080/api', CO_VERSION: '1.2', REGION: 'eu' },
  links: new Set(['CO_VERSION']),
  secret: (name) => Promise.resolve(name === 'TOKEN' ? 's3cr3t' : undefined),
};

function call(partial: Partial<ServiceCall>): ServiceCall {
  return { url: 'http://example.test/', method: 'POST', headers: {}, async: false, ...partial };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (error) {
    return error instanceof ContainerOpsError ? `${error.code}: ${error.message}` : String(error);
  }
}

describe('resolveServiceCall', () => {
  it('inserts values raw in the url before ?, percent-encoded after', async () => {
    const r = await resolveServiceCall(
      call({ url: '${{ env.SERVICE_URL }}/builds/${{ env.REGION }}?branch=${{ inputs.branch }}' }),
      values,
    );
    expect(r.url).toBe('http://127.0.0.1:8080/api/builds/eu?branch=feature%2Fa%20b%26c');
  });

  it('escapes values inside the strings of a JSON body, keys included', async () => {
    const body = JSON.stringify({
      text: '${{ inputs.quote }}',
      '${{ env.REGION }}': ['${{ links.CO_VERSION }}', 3, null],
    });
    const r = await resolveServiceCall(call({ body }), values);
    expect(JSON.parse(r.body as string)).toEqual({ text: 'say "hi"\n', eu: ['1.2', 3, null] });
    expect(r.jsonObject).toBe(true);
  });

  it('inserts values raw in a body that is not JSON', async () => {
    const r = await resolveServiceCall(
      call({ body: 'tag=${{ inputs.build.tag }}&n=${{ env.REGION }}' }),
      values,
    );
    expect(r.body).toBe('tag=v1&n=eu');
    expect(r.jsonObject).toBe(false);
    const list = await resolveServiceCall(call({ body: '["${{ env.REGION }}"]' }), values);
    expect(list).toMatchObject({ body: '["eu"]', jsonObject: false });
  });

  it('resolves secrets in headers', async () => {
    const r = await resolveServiceCall(
      call({ headers: { Authorization: 'Bearer ${{ secrets.TOKEN }}', 'X-Plain': 'a' } }),
      values,
    );
    expect(r.headers).toEqual({ Authorization: 'Bearer s3cr3t', 'X-Plain': 'a' });
    expect(r.body).toBeUndefined();
  });

  it('fails clearly on what it cannot resolve', async () => {
    expect(await codeOf(resolveServiceCall(call({ body: '${{ inputs.nope }}' }), values))).toBe(
      'SERVICE_CALL_INVALID: ${{ inputs.nope }} is not set for this job',
    );
    expect(await codeOf(resolveServiceCall(call({ body: '${{ links.REGION }}' }), values))).toBe(
      'SERVICE_CALL_INVALID: ${{ links.REGION }} is not set for this job: it must name the env of one of its subscriptions',
    );
    expect(await codeOf(resolveServiceCall(call({ body: '${{ steps.x }}' }), values))).toContain(
      'use inputs.KEY, env.NAME, links.NAME or secrets.NAME',
    );
    expect(
      await codeOf(resolveServiceCall(call({ headers: { A: '${{ secrets.MISSING }}' } }), values)),
    ).toContain('SECRET_NOT_FOUND: secret "MISSING" not found');
    expect(
      await codeOf(resolveServiceCall(call({ headers: { A: '${{ inputs.quote }}' } }), values)),
    ).toBe('SERVICE_CALL_INVALID: header A must not contain line breaks');
    expect(await codeOf(resolveServiceCall(call({ url: '${{ env.REGION }}/x' }), values))).toBe(
      'SERVICE_CALL_INVALID: service url "eu/x" is not an http:// or https:// URL',
    );
  });
});
