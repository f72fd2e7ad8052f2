/**
 * The few docker CLI calls a component build needs. Builds shell out to the `docker` command
 * rather than going through dockerode: the CLI already honours the user's context, DOCKER_HOST,
 * TLS settings and builder (BuildKit or the legacy one), `.dockerignore` included, and the CLI
 * package does not take a Docker client library as a dependency.
 */
import { spawn } from 'node:child_process';

export interface ImageInfo {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface DockerBuildRequest {
  /** The build context (the component directory). */
  readonly context: string;
  readonly tags: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** `--network` of RUN steps (`host` where the daemon has no bridge network). */
  readonly network?: string;
  /** `--no-cache`. */
  readonly noCache?: boolean;
}

/** What the builder asks of Docker; a fake in tests. */
export interface DockerCli {
  /** The image's ID and labels, or undefined when it does not exist locally. */
  inspectImage(reference: string): Promise<ImageInfo | undefined>;
  /**
   * Runs `docker build`, passing each output line (stdout and stderr) to `onLine` as it comes.
   * Rejects with the last lines of output when the build fails.
   */
  build(request: DockerBuildRequest, onLine: (line: string) => void): Promise<void>;
}

export interface DockerCliOptions {
  /** The docker executable; default `docker` on the PATH. */
  readonly command?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** How many trailing lines of a failed build go into the error message. */
const TAIL_LINES = 20;

/** A {@link DockerCli} that runs the docker command. */
export function createDockerCli(options: DockerCliOptions = {}): DockerCli {
  const command = options.command ?? 'docker';
  const env = options.env ?? process.env;
  return {
    async inspectImage(reference) {
      const lines: string[] = [];
      const code = await run(
        command,
        ['image', 'inspect', '--format', '{{json .}}', reference],
        env,
        (l) => lines.push(l),
      );
      if (code !== 0) {
        if (lines.some((l) => /no such (image|object)/i.test(l))) return undefined;
        throw new Error(
          `docker image inspect ${reference} failed: ${lines.slice(-TAIL_LINES).join('\n')}`,
        );
      }
      const info = JSON.parse(lines.join('\n')) as {
        Id: string;
        Config?: { Labels?: Record<string, string> | null };
      };
      return { id: info.Id, labels: info.Config?.Labels ?? {} };
    },
    async build(request, onLine) {
      const args = ['build'];
      for (const tag of request.tags) args.push('--tag', tag);
      for (const [key, value] of Object.entries(request.labels))
        args.push('--label', `${key}=${value}`);
      if (request.network !== undefined) args.push('--network', request.network);
      if (request.noCache === true) args.push('--no-cache');
      args.push(request.context);
      const tail: string[] = [];
      const code = await run(command, args, env, (line) => {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        onLine(line);
      });
      if (code !== 0) throw new Error(`docker build exited with code ${code}:\n${tail.join('\n')}`);
    },
  };
}

/** Runs `command args`, line by line to `onLine`; resolves with the exit code. */
function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffer += chunk;
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          onLine(buffer.slice(0, newline).replace(/\r$/, ''));
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
        }
      });
      stream.on('end', () => {
        if (buffer !== '') onLine(buffer);
      });
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new Error(`the docker command was not found ("${command}"): install the Docker CLI`)
          : error,
      );
    });
    // 'close' comes after both output streams ended, so every line has been passed on.
    child.on('close', (code, signal) => {
      resolve(code ?? (signal === null ? 1 : 128));
    });
  });
}
