import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireDocker } from './require-docker.js';

describe('requireDocker', () => {
  const ci = process.env['CI'];
  afterEach(() => {
    if (ci === undefined) delete process.env['CI'];
    else process.env['CI'] = ci;
    vi.restoreAllMocks();
  });

  it('outside CI, reports the engine unavailable (naming the socket) so tests skip', async () => {
    delete process.env['CI'];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const gate = await requireDocker({ socketPath: '/nonexistent/docker.sock', timeoutMs: 500 });
    expect(gate.available).toBe(false);
    expect(gate.reason).toMatch(/\/nonexistent\/docker\.sock.*ensure-engine\.sh/);
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining('[docker tests skipped]'));
  });

  it('in CI, throws so the suite fails instead of passing by skipping', async () => {
    process.env['CI'] = 'true';
    await expect(
      requireDocker({ socketPath: '/nonexistent/docker.sock', timeoutMs: 500 }),
    ).rejects.toThrow(/^Docker engine required in CI: .*scripts\/docker\/ensure-engine\.sh/);
  });
});
