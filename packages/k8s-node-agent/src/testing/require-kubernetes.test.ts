import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireKubernetes } from './require-kubernetes.js';

describe('requireKubernetes', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('throws in CI when the cluster is missing, naming what and how to start it', async () => {
    vi.stubEnv('CI', 'true');
    await expect(requireKubernetes({ kubeconfig: '/nonexistent/kubeconfig' })).rejects.toThrow(
      'Kubernetes test cluster required in CI: no kubeconfig at /nonexistent/kubeconfig; start it with: bash scripts/k8s/ensure-cluster.sh',
    );
  });

  it('outside CI reports the reason on stderr and returns unavailable', async () => {
    vi.stubEnv('CI', '');
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const gate = await requireKubernetes({ kubeconfig: '/nonexistent/kubeconfig', nodeName: 'n1' });
    expect(gate).toMatchObject({
      available: false,
      kubeconfig: '/nonexistent/kubeconfig',
      nodeName: 'n1',
    });
    expect(gate.reason).toContain('no kubeconfig at /nonexistent/kubeconfig');
    expect(write).toHaveBeenCalledWith(
      expect.stringContaining('[kubernetes tests skipped] no kubeconfig'),
    );
  });
});
