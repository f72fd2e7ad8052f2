import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { runScenario } from './scenario-runner.js';

const dir = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(dir)
  .filter((f) => /^\d+_.+\.yaml$/.test(f))
  .sort();

describe('engine scenarios (fake orchestrator)', () => {
  it('has scenario fixtures', ({ expect }) => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });
  for (const file of files) {
    it(file.replace(/\.yaml$/, ''), () => runScenario(dir, file), 15_000);
  }
});
