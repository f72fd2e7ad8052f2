import { describe, expect, it } from 'vitest';
import { inputEnvName } from './input-env-name.js';

describe('inputEnvName', () => {
  it.each([
    ['repo', 'CO_REPO'],
    ['git-url', 'CO_GIT_URL'],
    ['image.tag', 'CO_IMAGE_TAG'],
    ['Already_Upper9', 'CO_ALREADY_UPPER9'],
    ['with space', 'CO_WITH_SPACE'],
    ['dürr', 'CO_D_RR'],
    ['1st', 'CO_1ST'],
  ])('%s -> %s', (key, name) => {
    expect(inputEnvName(key)).toBe(name);
  });
});
