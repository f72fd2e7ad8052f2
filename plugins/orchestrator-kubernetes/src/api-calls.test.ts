import { describe, expect, it } from 'vitest';
import { ApiCallCounter } from './api-calls.js';
import type { KubernetesApiCallName } from './api-calls.js';

describe('ApiCallCounter', () => {
  it('counts calls by name', () => {
    const counter = new ApiCallCounter();
    counter.record('createJob');
    counter.record('watchPods');
    counter.record('createJob');
    expect(counter.snapshot()).toEqual({ createJob: 2, watchPods: 1 });
    expect(counter.total()).toBe(3);
  });

  it('tells a listener of each call as it is recorded, until it is removed', () => {
    const counter = new ApiCallCounter();
    const seen: KubernetesApiCallName[] = [];
    const stop = counter.onRecord((name, atMs) => {
      expect(atMs).toBeGreaterThan(0);
      seen.push(name);
    });
    counter.record('createJob');
    counter.record('readPodLog');
    stop();
    counter.record('deleteJob');
    expect(seen).toEqual(['createJob', 'readPodLog']);
    // Counting is the same with or without a listener.
    expect(counter.total()).toBe(3);
  });
});
