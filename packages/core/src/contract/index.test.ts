import { describe, expect, it } from 'vitest';
import * as core from '../index.js';

describe('contract exports', () => {
  it('are reachable from @containerops/core', () => {
    for (const name of [
      'parseCoData',
      'formatCoData',
      'inputEnvName',
      'buildJobEnv',
      'parseCoutLine',
      'parseOutputFile',
      'OutputCollector',
      'decideJobResult',
      'SecretMasker',
      'findSecretRefs',
      'resolveSecretRefs',
    ]) {
      expect(core).toHaveProperty(name);
    }
  });
});
