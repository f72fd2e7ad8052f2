/**
 * A `containerops serve` server in a child process (e2e/support/server-process.ts), so a test can
 * SIGKILL it at a moment of its choosing and start another on the same data directory, plus the
 * GraphQL-over-HTTP call and the bounded polling the server tests share.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServerChild {
  readonly child: ChildProcess;
  readonly url: string;
  /** The one-time admin token: only on the very first start of a data directory. */
  readonly adminToken: string | null;
  /** Everything the process wrote on stderr so far (for failure messages). */
  stderr(): string;
}

export interface ServerChildOptions {
  /** The server logs to its stderr (read with {@link ServerChild.stderr}); silent otherwise. */
  readonly logged?: boolean;
}

/**
 * Starts a server on `dataDir` (port 0, loopback) with the given extra environment and resolves
 * once it listens. Rejects with its stderr when it exits first.
 */
export async function startServerChild(
  dataDir: string,
  env: Record<string, string> = {},
  options: ServerChildOptions = {},
): Promise<ServerChild> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@containerops/source',
      '--import',
      'tsx',
      join(repoRoot, 'e2e/support/server-process.ts'),
      dataDir,
      ...(options.logged === true ? ['--logged'] : []),
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        // type-graphql's decorators need the server's tsconfig (experimentalDecorators).
        TSX_TSCONFIG_PATH: join(repoRoot, 'packages/server/tsconfig.json'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void =>
      reject(new Error(`server exited (${String(code)}) before listening: ${stderr}`));
    child.once('exit', onExit);
    lines.once('line', (line) => {
      child.off('exit', onExit);
      const info = JSON.parse(line) as { url: string; adminToken: string | null };
      resolve({ child, ...info, stderr: () => stderr });
    });
  });
}

/** SIGKILLs the child and waits until it is gone. */
export async function killServerChild(server: ServerChild): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGKILL');
  await exited;
}

/** A GraphQL answer as it came, errors included. */
export interface GqlAnswer<T> {
  readonly data?: T;
  readonly errors?: { message: string; extensions?: { code?: string } }[];
}

/** One GraphQL call over HTTP, answered as it came (for tests that expect errors). */
export async function callGql<T>(
  server: { readonly url: string },
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlAnswer<T>> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlAnswer<T>;
}

/** One GraphQL call over HTTP; GraphQL errors become a thrown Error carrying them. */
export async function gql<T>(
  server: { readonly url: string },
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const answer = await callGql<T>(server, token, query, variables);
  if (answer.errors !== undefined) throw new Error(JSON.stringify(answer.errors));
  return answer.data as T;
}

/** Polls `probe` every 250 ms until it returns a value (errors count as "not yet"). */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
