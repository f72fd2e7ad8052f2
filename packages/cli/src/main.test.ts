import { describe, expect, it } from 'vitest';
import { MemoryIo } from '../test/memory-io.js';
import { main } from './main.js';

describe('main', () => {
  it('prints the top help', async () => {
    const io = new MemoryIo();
    await expect(main(['--help'], io)).resolves.toBe(0);
    expect(io.stdout.text).toContain('Usage: containerops COMMAND [options]');
    expect(io.stdout.text).toMatch(/^ {2}run +run a workflow file and show it live$/m);
    expect(io.stdout.text).toMatch(/^ {2}validate +check workflow files/m);
  });

  it('exits 2 with the help when no command is given', async () => {
    const io = new MemoryIo();
    await expect(main([], io)).resolves.toBe(2);
    expect(io.stdout.text).toContain('Commands:');
  });

  it.each([['run'], ['validate'], ['version']])('%s --help, help %s', async (name) => {
    const a = new MemoryIo();
    await expect(main([name, '--help'], a)).resolves.toBe(0);
    expect(a.stdout.text).toContain(`Usage: containerops ${name}`);
    const b = new MemoryIo();
    await expect(main(['help', name], b)).resolves.toBe(0);
    expect(b.stdout.text).toBe(a.stdout.text);
  });

  it('refuses an unknown command with exit 2', async () => {
    const io = new MemoryIo();
    await expect(main(['deploy'], io)).resolves.toBe(2);
    expect(io.stderr.text).toBe(
      "containerops: unknown command 'deploy'\nRun 'containerops --help' for usage.\n",
    );
  });

  it('refuses an unknown flag with exit 2, naming the command', async () => {
    const io = new MemoryIo();
    await expect(main(['validate', '--strict', 'x.yaml'], io)).resolves.toBe(2);
    expect(io.stderr.text).toBe(
      "containerops validate: unknown option '--strict'\nRun 'containerops validate --help' for usage.\n",
    );
    const top = new MemoryIo();
    await expect(main(['--frobnicate'], top)).resolves.toBe(2);
    expect(top.stderr.text).toContain("containerops: unknown option '--frobnicate'");
  });

  it('prints the version', async () => {
    const io = new MemoryIo();
    await expect(main(['version'], io)).resolves.toBe(0);
    expect(io.stdout.text).toMatch(/^containerops \d+\.\d+\.\d+ \(node v\d+/);
    const alias = new MemoryIo();
    await expect(main(['--version'], alias)).resolves.toBe(0);
    expect(alias.stdout.text).toBe(io.stdout.text);
  });
});
