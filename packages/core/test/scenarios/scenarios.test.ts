import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { runScenario } from './scenario-runner.js';

const dir = dirname(fileURLToPath(import.meta.url));
const scenarioFiles = (from: string): string[] =>
  readdirSync(from)
    .filter((f) => /^\d+_.+\.yaml$/.test(f))
    .sort();
const files = scenarioFiles(dir);
/** Files that are not valid YAML on purpose; kept apart, since other suites read every fixture. */
const invalidYamlDir = join(dir, 'invalid-yaml');

describe('engine scenarios (fake orchestrator)', () => {
  it('has scenario fixtures', ({ expect }) => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });
  for (const file of files) {
    it(file.replace(/\.yaml$/, ''), () => runScenario(dir, file), 15_000);
  }
  for (const file of scenarioFiles(invalidYamlDir)) {
    it(`invalid-yaml/${file.replace(/\.yaml$/, '')}`, () => runScenario(invalidYamlDir, file));
  }
});
