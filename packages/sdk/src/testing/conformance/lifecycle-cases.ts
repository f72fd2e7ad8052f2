/** Conformance cases for running jobs: exit codes, logs, output file, env, workspace. */
import { expect, it } from 'vitest';
import type { ConformanceHarness } from './harness.js';
import { textsOf } from './harness.js';

export function registerLifecycleCases(h: ConformanceHarness): void {
  const o = h.orchestrator;
  const timeout = h.ms(30_000);

  it('isAvailable() reports the backend available', async () => {
    expect(typeof o.name).toBe('string');
    expect(await o.isAvailable()).toMatchObject({ available: true });
  });

  it(
    'wait() resolves with exit codes 0, 1 and 42 (jobs run concurrently)',
    async () => {
      await h.withRun(async (run) => {
        const exits = await Promise.all(
          [0, 1, 42].map((exitCode) => h.run(h.job(run, { exitCode }))),
        );
        expect(exits.map((outcome) => outcome.exit)).toEqual([
          expect.objectContaining({ exitCode: 0, reason: 'exited' }),
          expect.objectContaining({ exitCode: 1, reason: 'exited' }),
          expect.objectContaining({ exitCode: 42, reason: 'exited' }),
        ]);
      });
    },
    timeout,
  );

  it(
    'a line over 1 MiB comes whole or in pieces, each but the last marked partial; nothing is lost',
    async () => {
      await h.withRun(async (run) => {
        const bytes = 3 * 1024 * 1024 + 7;
        const { lines, exit } = await h.run(
          h.job(run, { longLine: { prefix: 'LONG ', bytes }, stderr: ['after'] }),
        );
        expect(exit.exitCode).toBe(0);
        const stdout = lines.filter((line) => line.stream === 'stdout');
        expect(stdout.map((line) => line.partial === true)).toEqual(
          stdout.map((_, i) => i < stdout.length - 1),
        );
        const joined = stdout.map((line) => line.text).join('');
        expect(joined.length).toBe(5 + bytes);
        expect(joined).toBe(`LONG ${'a'.repeat(bytes)}`);
        expect(textsOf(lines, 'stderr')).toEqual(['after']);
      });
    },
    timeout,
  );

  it(
    'logs() separates stdout and stderr and keeps each stream in order',
    async () => {
      await h.withRun(async (run) => {
        const { lines, exit } = await h.run(
          h.job(run, { stdout: ['out 1', 'out 2', 'out 3'], stderr: ['err 1', 'err 2'] }),
        );
        expect(exit.exitCode).toBe(0);
        expect(textsOf(lines, 'stdout')).toEqual(['out 1', 'out 2', 'out 3']);
        expect(textsOf(lines, 'stderr')).toEqual(['err 1', 'err 2']);
        for (const line of lines) expect(typeof line.time).toBe('number');
      });
    },
    timeout,
  );

  it(
    'logs() delivers 100,000 lines, none lost, in order',
    async () => {
      await h.withRun(async (run) => {
        const count = 100_000;
        const { lines, exit } = await h.run(h.job(run, { stdoutRepeat: count }));
        expect(exit.exitCode).toBe(0);
        const stdout = textsOf(lines, 'stdout');
        expect(stdout).toHaveLength(count);
        // One assertion instead of 100,000: the first line out of place, if any.
        const misplaced = stdout.findIndex((text, i) => text !== `line ${i + 1}`);
        expect(
          misplaced === -1 ? 'all in order' : `line ${misplaced + 1} is "${stdout[misplaced]}"`,
        ).toBe('all in order');
      });
    },
    h.ms(120_000),
  );

  it(
    'returns the $CO_OUTPUT file in JobExit.outputFile, and none when the job writes none',
    async () => {
      await h.withRun(async (run) => {
        const content = 'VERSION=1.2.3\nNOTES<<EOF\nline one\nline = two\nEOF\n';
        const withFile = await h.run(h.job(run, { outputFile: content }));
        expect(withFile.exit.outputFile).toBe(content);
        const without = await h.run(h.job(run, { stdout: ['no file'] }));
        expect(without.exit.outputFile ?? '').toBe('');
      });
    },
    timeout,
  );

  it(
    'passes env through unchanged (spaces, =, quotes, unicode) and sets CO_WORKSPACE/CO_OUTPUT',
    async () => {
      const env = {
        CO_SPACES: '  two  spaces  ',
        CO_EQUALS: 'a=b==c',
        CO_QUOTES: `it's "quoted" \`not run\` $HOME \\n`,
        CO_UNICODE: 'héllo wörld ✓ 日本語 🚀',
        CO_EMPTY: '',
      };
      await h.withRun(async (run) => {
        const names = [...Object.keys(env), 'CO_WORKSPACE', 'CO_OUTPUT'];
        const { lines, exit } = await h.run(h.job(run, { echoEnv: names }, { env }));
        expect(exit.exitCode).toBe(0);
        const stdout = textsOf(lines, 'stdout');
        for (const [name, value] of Object.entries(env))
          expect(stdout).toContain(`[COUT] ${name} = ${value}`);
        for (const name of ['CO_WORKSPACE', 'CO_OUTPUT']) {
          const line = stdout.find((text) => text.startsWith(`[COUT] ${name} = `));
          expect(line?.slice(`[COUT] ${name} = `.length), `${name} is set`).not.toBe('');
        }
      });
    },
    timeout,
  );

  it(
    'shares the workspace between jobs of one run, not across runs; cleanup removes it unless kept',
    async () => {
      const run = h.newRun();
      const other = h.newRun();
      await o.prepare(run);
      await o.prepare(other);
      try {
        const wrote = await h.run(h.job(run, { writeFile: ['shared.txt', 'from job 1'] }));
        expect(wrote.exit.exitCode).toBe(0);
        const read = await h.run(h.job(run, { readFile: 'shared.txt' }));
        expect(read.exit.exitCode).toBe(0);
        expect(textsOf(read.lines, 'stdout')).toEqual(['from job 1']);

        const elsewhere = await h.run(h.job(other, { readFile: 'shared.txt' }));
        expect(elsewhere.exit.exitCode, 'another run must not see the file').not.toBe(0);

        await o.cleanup(run, { keepWorkspace: true });
        await o.prepare(run);
        const kept = await h.run(h.job(run, { readFile: 'shared.txt' }));
        expect(textsOf(kept.lines, 'stdout'), 'keepWorkspace keeps the files').toEqual([
          'from job 1',
        ]);

        await o.cleanup(run, { keepWorkspace: false });
        await o.prepare(run);
        const gone = await h.run(h.job(run, { readFile: 'shared.txt' }));
        expect(gone.exit.exitCode, 'cleanup must remove the workspace').not.toBe(0);
      } finally {
        await o.cleanup(run, { keepWorkspace: false });
        await o.cleanup(other, { keepWorkspace: false });
      }
    },
    h.ms(60_000),
  );

  it(
    'prepare() and cleanup() are idempotent; cleanup of an unknown run is safe',
    async () => {
      const run = h.newRun();
      await o.prepare(run);
      await o.prepare(run);
      const { exit } = await h.run(h.job(run, { stdout: ['ok'] }));
      expect(exit.exitCode).toBe(0);
      await o.cleanup(run, { keepWorkspace: false });
      await o.cleanup(run, { keepWorkspace: false });
      await expect(o.cleanup(h.newRun(), { keepWorkspace: false })).resolves.toBeUndefined();
    },
    timeout,
  );
}
