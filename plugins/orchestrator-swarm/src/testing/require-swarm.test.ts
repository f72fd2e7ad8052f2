import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireSwarm } from './require-swarm.js';

describe('requireSwarm', () => {
  const ci = process.env['CI'];
  afterEach(() => {
    if (ci === undefined) delete process.env['CI'];
    else process.env['CI'] = ci;
    vi.restoreAllMocks();
  });

  it('skips (and says why) when no engine answers outside CI', async () => {
    delete process.env['CI'];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const gate = await requireSwarm({ socketPath: '/nonexistent/docker.sock', timeoutMs: 500 });
    expect(gate).toMatchObject({
      available: false,
      reason: expect.stringContaining('/nonexistent/docker.sock') as string,
    });
    expect(write).toHaveBeenCalled();
  });

  it('fails under CI=true', async () => {
    process.env['CI'] = 'true';
    await expect(
      requireSwarm({ socketPath: '/nonexistent/docker.sock', timeoutMs: 500 }),
    ).rejects.toThrow(/required in CI/);
  });
});
