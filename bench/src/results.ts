import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Writes one benchmark's results, with the machine they were measured on, to bench/results/NAME.json. */
export async function writeResults(
  name: string,
  results: Record<string, unknown>,
): Promise<string> {
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `${name}.json`);
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
  const body = { name, measuredAt: new Date().toISOString(), machine, ...results };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
