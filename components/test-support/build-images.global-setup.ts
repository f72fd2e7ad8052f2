/**
 * Builds the library component images once before the component tests, through the same builder
 * as `containerops component build`. Images whose content hash label matches are kept, so this
 * is cheap when nothing changed.
 *
 * Without a Docker engine (or without the base images): under `CI=true` the setup FAILS, since
 * CI must not pass by skipping; elsewhere it prints why and the tests skip.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildComponent } from '@containerops/cli';
import { requireDocker } from '@containerops/orchestrator-docker';
import type { ComponentImages } from './provided.js';

/** The images the components build `FROM` (scripts/docker/build-base-images.sh makes them). */
const BASE_IMAGES = ['containerops/component-base:latest', 'containerops/busybox:latest'];
const LIBRARY = fileURLToPath(new URL('../library/', import.meta.url));

export default async function setup(project: TestProject): Promise<void> {
  const gate = await requireDocker({ images: BASE_IMAGES });
  if (!gate.available) {
    provide(project, { ready: false, reason: gate.reason ?? 'no Docker engine' });
    return;
  }
  // The engine of these machines has no bridge network: apt-get in RUN steps uses the host's.
  const network = process.env['CONTAINEROPS_BUILD_NETWORK'] ?? 'host';
  const dirs = (await readdir(LIBRARY, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(LIBRARY, entry.name))
    .sort();
  for (const dir of dirs) {
    const output: string[] = [];
    try {
      const result = await buildComponent(dir, { network, onLine: (line) => output.push(line) });
      const seconds = (result.durationMs / 1000).toFixed(1);
      const what = result.status === 'built' ? 'built' : 'up to date';
      process.stdout.write(`[components] ${result.tags[0] ?? dir}: ${what} (${seconds}s)\n`);
    } catch (error) {
      const tail = output.slice(-30).join('\n');
      throw new Error(
        `building the component image of ${dir} failed: ${(error as Error).message}\n${tail}`,
      );
    }
  }
  provide(project, { ready: true });
}

function provide(project: TestProject, images: ComponentImages): void {
  project.provide('componentImages', images);
}
