/** An in-memory CliIo for unit tests: captured output, given files, signals sent by hand. */
import { readFile } from 'node:fs/promises';
import type { CliIo, CliSignal, OutputStream } from '../src/io.js';

export class MemoryStream implements OutputStream {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 80,
    readonly rows = 24,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface MemoryIoOptions {
  readonly files?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly tty?: boolean;
  readonly cwd?: string;
  /** What `readStdin` returns (default: nothing). */
  readonly stdin?: string;
}

export class MemoryIo implements CliIo {
  readonly stdout: MemoryStream;
  readonly stderr = new MemoryStream();
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly exits: number[] = [];
  private readonly files: Readonly<Record<string, string>>;
  private readonly stdin: string;
  private readonly handlers = new Map<CliSignal, Set<() => void>>();

  constructor(options: MemoryIoOptions = {}) {
    this.stdout = new MemoryStream(options.tty ?? false);
    this.env = options.env ?? {};
    this.cwd = options.cwd ?? '/w';
    this.files = options.files ?? {};
    this.stdin = options.stdin ?? '';
  }

  readStdin(): Promise<string> {
    return Promise.resolve(this.stdin);
  }

  readFile(path: string): Promise<string> {
    const content = this.files[path];
    if (content !== undefined) return Promise.resolve(content);
    if (!path.startsWith('/w/')) return readFile(path, 'utf8');
    return Promise.reject(Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' }));
  }

  onSignal(signal: CliSignal, handler: () => void): () => void {
    const set = this.handlers.get(signal) ?? new Set();
    set.add(handler);
    this.handlers.set(signal, set);
    return () => set.delete(handler);
  }

  /** Delivers a signal to the registered handlers; returns how many there were. */
  signal(signal: CliSignal): number {
    const set = this.handlers.get(signal) ?? new Set();
    for (const handler of set) handler();
    return set.size;
  }

  exit(code: number): void {
    this.exits.push(code);
  }
}
