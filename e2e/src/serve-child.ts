/**
 * `containerops serve` (the real command, from source: support/cli-process.ts) in a child
 * process: started on a data directory, told apart by what it prints, signalled, awaited.
 * Unlike server-child.ts (which runs `startServer` directly), this goes through the command's
 * own signal handling and exit codes.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServeChild {
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ServeExit>;
  stdout(): string;
  stderr(): string;
}

export interface ListeningServe extends ServeChild {
  /** The URL from its "listening on" line. */
  readonly url: string;
  /** The one-time admin token (first start of a data directory only). */
  readonly adminToken: string | null;
}

/** Spawns `containerops serve ARGS` with extra environment; does not wait for anything. */
export function spawnServe(args: readonly string[], env: Record<string, string> = {}): ServeChild {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@containerops/source',
      '--import',
      'tsx',
      join(repoRoot, 'e2e/support/cli-process.ts'),
      'serve',
      ...args,
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        // type-graphql's decorators need the server's tsconfig (experimentalDecorators).
        TSX_TSCONFIG_PATH: join(repoRoot, 'packages/server/tsconfig.json'),
        // The tests choose these; the machine's own must not leak in.
        PORT: '',
        CONTAINEROPS_PORT: '',
        CONTAINEROPS_HOST: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<ServeExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/**
 * Spawns `containerops serve ARGS` and resolves once it logged its "listening on" line (and, on
 * a first start, printed the admin token). Rejects with its output when it exits first or after
 * `timeoutMs`.
 */
export async function startServe(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ListeningServe> {
  const serve = spawnServe(args, env);
  const until = Date.now() + timeoutMs;
  let gone = false;
  void serve.exited.then(() => (gone = true));
  for (;;) {
    // "listening on http://..." or "listening on every interface, port N (this machine: http://...)".
    const url =
      /listening on (?:every interface, port \d+ \(this machine: )?(http:\/\/[^\s;()]+)/.exec(
        serve.stderr(),
      )?.[1];
    if (url !== undefined) {
      const firstStart = serve.stdout().includes('First start');
      const token = /Admin API token[^:]*: (co_\S+)/.exec(serve.stdout())?.[1];
      if (!firstStart || token !== undefined) {
        return { ...serve, url, adminToken: token ?? null };
      }
    }
    if (gone || Date.now() > until) {
      if (!gone) serve.child.kill('SIGKILL');
      throw new Error(
        `containerops serve ${gone ? 'exited' : 'did not listen'}:\n${serve.stdout()}\n${serve.stderr()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGKILLs the process (if it still runs) and waits for it to be gone. */
export async function killServe(serve: ServeChild): Promise<void> {
  if (serve.child.exitCode === null && serve.child.signalCode === null) {
    serve.child.kill('SIGKILL');
  }
  await serve.exited;
}
