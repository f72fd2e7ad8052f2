import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireKubernetes } from './require-kubernetes.js';

describe('requireKubernetes', () => {
  const saved = { CI: process.env['CI'], KUBECONFIG: process.env['KUBECONFIG'] };
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    vi.restoreAllMocks();
  });

  it('skips (and says why) when there is no kubeconfig, outside CI', async () => {
    delete process.env['CI'];
    process.env['KUBECONFIG'] = '/nonexistent/kubeconfig';
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const gate = await requireKubernetes();
    expect(gate).toMatchObject({
      available: false,
      reason: expect.stringContaining('/nonexistent/kubeconfig') as string,
    });
    expect(write).toHaveBeenCalledWith(expect.stringContaining('[kubernetes tests skipped]'));
  });

  it('fails under CI=true, saying how to start the cluster', async () => {
    process.env['CI'] = 'true';
    process.env['KUBECONFIG'] = '/nonexistent/kubeconfig';
    await expect(requireKubernetes()).rejects.toThrow(
      /Kubernetes required in CI: .*scripts\/k8s\/ensure-cluster\.sh/,
    );
  });
});
