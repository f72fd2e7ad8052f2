/**
 * A process hosting a `local` orchestrator with the spawner helper, for `spawner.test.ts`.
 * `exit`: runs one job to the end and returns (the process must then exit on its own).
 * `hang`: starts `sleep 60`, prints its pid, and waits to be killed.
 * `warm`: asks `isAvailable()` (which starts the helper ahead of any job), prints whether the
 * helper runs, and returns (the process must then exit on its own).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobSpec } from '@containerops/sdk';
import { LocalOrchestrator } from '../../local-orchestrator.js';
import { SpawnerLauncher } from '../spawner-launcher.js';
import { jobSpec } from '../../testdata/job-spec.js';

const mode = process.argv[2];
const local = new LocalOrchestrator({ rootDir: join(tmpdir(), `co-spawner-host-${process.pid}`) });
const job = (command: string[]): JobSpec => jobSpec(`host-${mode}`, `host-${process.pid}`, command);

if (mode === 'warm') {
  await local.isAvailable();
  process.stdout.write(`warm ${String(SpawnerLauncher.shared().running)}\n`);
} else if (mode === 'exit') {
  const handle = await local.start(job(['true']));
  const exit = await local.wait(handle);
  await local.remove(handle);
  process.stdout.write(`exit ${exit.exitCode}\n`);
} else {
  const handle = await local.start(job(['sleep', '60']));
  process.stdout.write(`pid ${handle.backendId}\n`);
  setInterval(() => undefined, 60_000);
}
