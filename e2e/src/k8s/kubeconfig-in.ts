/**
 * A copy of a kubeconfig whose current context uses a given namespace: the command line passes
 * no orchestrator settings, so its Jobs go to the context's namespace, and a test gives it a
 * scratch one.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';

/** Writes `file`: `kubeconfig` with its current context's namespace set to `namespace` (mode 600). */
export async function kubeconfigIn(
  kubeconfig: string,
  namespace: string,
  file: string,
): Promise<void> {
  const config = parse(await readFile(kubeconfig, 'utf8')) as {
    'current-context': string;
    contexts: { name: string; context: Record<string, unknown> }[];
  };
  for (const entry of config.contexts)
    if (entry.name === config['current-context']) entry.context['namespace'] = namespace;
  await writeFile(file, stringify(config), { mode: 0o600 });
}
