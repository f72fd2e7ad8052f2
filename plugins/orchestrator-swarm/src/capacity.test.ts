import { describe, expect, it } from 'vitest';
import { unschedulableReason } from './capacity.js';
import type { SwarmNode } from './swarm-types.js';

const node = (overrides: Partial<SwarmNode> = {}): SwarmNode => ({
  id: 'n1',
  hostname: 'vm',
  state: 'ready',
  availability: 'active',
  nanoCpus: 2e9,
  memoryBytes: 8 * 1024 ** 3,
  ...overrides,
});

describe('unschedulableReason', () => {
  it('accepts a reservation that fits one ready, active node', () => {
    expect(unschedulableReason({ NanoCPUs: 2e9, MemoryBytes: 1024 }, [node()])).toBeUndefined();
    expect(unschedulableReason({}, [node()])).toBeUndefined();
    expect(
      unschedulableReason({ NanoCPUs: 4e9 }, [node(), node({ id: 'n2', nanoCpus: 4e9 })]),
    ).toBeUndefined();
  });

  it("explains in Swarm's words and with numbers when no node is big enough", () => {
    const reason = unschedulableReason({ NanoCPUs: 1000e9 }, [node()]);
    expect(reason).toContain('no suitable node (insufficient resources on 1 node)');
    expect(reason).toContain('reserves 1000 CPU');
    expect(reason).toContain('the largest node has 2 CPU and 8 GiB');
  });

  it('needs CPU and memory on the same node', () => {
    const nodes = [node({ nanoCpus: 8e9, memoryBytes: 1024 }), node({ id: 'n2', nanoCpus: 1e9 })];
    expect(unschedulableReason({ NanoCPUs: 4e9, MemoryBytes: 1024 ** 3 }, nodes)).toContain(
      '2 nodes',
    );
  });

  it('ignores drained, paused and down nodes', () => {
    const nodes = [
      node({ availability: 'drain', nanoCpus: 64e9 }),
      node({ id: 'n2', state: 'down', nanoCpus: 64e9 }),
      node({ id: 'n3' }),
    ];
    expect(unschedulableReason({ NanoCPUs: 32e9 }, nodes)).toContain(
      'insufficient resources on 1 node',
    );
    expect(unschedulableReason({}, [node({ availability: 'pause' })])).toContain(
      'none of the 1 node(s) is ready and active',
    );
    expect(unschedulableReason({}, [])).toContain('the swarm has no nodes');
  });
});
