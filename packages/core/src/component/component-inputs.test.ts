import { describe, expect, it } from 'vitest';
import { applyComponentInputs } from './component-inputs.js';

const component = {
  inputs: [
    { key: 'repo', required: true, secret: false },
    { key: 'branch', required: false, default: 'main', secret: false },
    { key: 'dir', required: false, secret: false },
  ],
};

describe('applyComponentInputs', () => {
  it('fills defaults for inputs not given and keeps given ones, empty included', () => {
    expect(applyComponentInputs(component, { repo: '/r.git', dir: '' })).toEqual({
      inputs: { repo: '/r.git', dir: '', branch: 'main' },
      missing: [],
      unknown: [],
    });
    expect(applyComponentInputs(component, { repo: 'x', branch: 'dev' }).inputs.branch).toBe('dev');
  });

  it('lists missing required inputs and undeclared keys', () => {
    expect(applyComponentInputs(component, { colour: 'blue' })).toEqual({
      inputs: { colour: 'blue', branch: 'main' },
      missing: ['repo'],
      unknown: ['colour'],
    });
  });
});
