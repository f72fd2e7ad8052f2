import { describe, expect, it } from 'vitest';
import type { SwarmTask } from './swarm-types.js';
import { TaskWatcher } from './task-watcher.js';
import type { TaskSource } from './task-watcher.js';

const notFound = Object.assign(new Error('service x not found'), { statusCode: 404 });

class FakeSource implements TaskSource {
  readonly calls: string[][] = [];
  readonly services = new Map<string, SwarmTask[]>();

  set(serviceId: string, state: string, version = 1): void {
    const task: SwarmTask = {
      id: `${serviceId}-t${version}`,
      serviceId,
      nodeId: 'n',
      state,
      desiredState: '',
      version,
      createdAt: '',
    };
    this.services.set(serviceId, [...(this.services.get(serviceId) ?? []), task]);
  }

  async listTasks(serviceIds: readonly string[]): Promise<SwarmTask[]> {
    this.calls.push([...serviceIds]);
    if (serviceIds.some((id) => !this.services.has(id))) throw notFound;
    return serviceIds.flatMap((id) => this.services.get(id) ?? []);
  }

  async serviceExists(serviceId: string): Promise<boolean> {
    return this.services.has(serviceId);
  }
}

const terminal = (s: { task?: SwarmTask; gone: boolean }): boolean =>
  s.gone || s.task?.state === 'complete';

describe('TaskWatcher', () => {
  it('serves every waiter with one list request per poll and resolves each when its condition holds', async () => {
    const source = new FakeSource();
    source.set('a', 'running');
    source.set('b', 'running');
    const watcher = new TaskWatcher(source, 5);
    const a = watcher.until('a', terminal);
    const b = watcher.until('b', terminal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(source.calls.some((ids) => ids.length === 2)).toBe(true);
    source.set('a', 'complete', 2);
    expect((await a).task?.state).toBe('complete');
    source.services.delete('b');
    expect(await b).toEqual({ gone: true });
  });

  it('reads the newest task of a service', async () => {
    const source = new FakeSource();
    source.set('a', 'complete', 3);
    source.set('a', 'running', 1);
    expect((await new TaskWatcher(source, 5).snapshot('a')).task?.version).toBe(3);
  });

  it('reports a service that no longer exists as gone', async () => {
    expect(await new TaskWatcher(new FakeSource(), 5).snapshot('nope')).toEqual({ gone: true });
  });

  it('rejects the waiters after repeated failures, and an aborted waiter with its reason', async () => {
    const source = new FakeSource();
    source.set('a', 'running');
    source.listTasks = () => Promise.reject(new Error('daemon down'));
    await expect(new TaskWatcher(source, 1).until('a', terminal)).rejects.toThrow('daemon down');
    const controller = new AbortController();
    const waiting = new TaskWatcher(new FakeSource(), 5).until('a', () => false, controller.signal);
    controller.abort(new Error('stop waiting'));
    await expect(waiting).rejects.toThrow('stop waiting');
  });
});
