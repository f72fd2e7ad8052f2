/**
 * What a command touches of the outside world, passed in so commands run in tests without a
 * process of their own.
 */
import { readFile } from 'node:fs/promises';

/** The part of a writable stream commands use. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** True when the stream is a terminal (live redrawn view, colours). */
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

export type CliSignal = 'SIGINT' | 'SIGTERM';

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative file names resolve against. */
  readonly cwd: string;
  readFile(path: string): Promise<string>;
  /** All of standard input as text (for values that must not appear on the command line). */
  readStdin(): Promise<string>;
  /** True when standard input is a terminal (the user types the value). */
  readonly stdinIsTTY?: boolean;
  /** Registers a signal handler; returns its removal. */
  onSignal(signal: CliSignal, handler: () => void): () => void;
  /** Ends the process at once (second Ctrl-C). */
  exit(code: number): void;
}

/** The real process's streams, env and signals. */
export function processIo(): CliIo {
  // `containerops run … | head` closes the pipe early: not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    readFile: (path) => readFile(path, 'utf8'),
    stdinIsTTY: process.stdin.isTTY === true,
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    onSignal(signal, handler) {
      process.on(signal, handler);
      return () => {
        process.off(signal, handler);
      };
    },
    exit(code) {
      process.exit(code);
    },
  };
}
