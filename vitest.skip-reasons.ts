import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints every skipped test with its reason after a run, so `npm test` never skips silently.
 * The reason is the note given to `ctx.skip(note)`, else the test's title (the project writes
 * skip reasons into titles: `[needs capability reattach]`, `skipped: no Docker engine`).
 */
export class SkipReasonsReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    const lines: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state !== 'skipped') continue;
        const file = module.relativeModuleId;
        const reason = result.note ?? (test.options.mode === 'todo' ? 'todo' : undefined);
        lines.push(`  ↓ ${file} > ${test.fullName}${reason === undefined ? '' : ` — ${reason}`}`);
      }
    }
    if (lines.length === 0) return;
    process.stdout.write(`\nSkipped tests (${lines.length}):\n${lines.join('\n')}\n`);
  }
}
