import { describe, expect, it } from 'vitest';
import { OutputCollector } from './output-collector.js';

const MiB = 1024 * 1024;

function collector(mode: 'stdout-and-file' | 'file-only' = 'stdout-and-file', limitBytes = MiB) {
  return new OutputCollector({ mode, limitBytes });
}

describe('OutputCollector', () => {
  it('collects [COUT] outputs, the last value wins, values may contain =', () => {
    const c = collector();
    expect(c.acceptStdoutLine('plain log line')).toBe(false);
    expect(c.acceptStdoutLine('[COUT] just a message')).toBe(false);
    expect(c.acceptStdoutLine('[COUT] URL = https://x/?a=b')).toBe(true);
    c.acceptStdoutLine('[COUT] V = 1');
    c.acceptStdoutLine('[COUT] V = 2');
    expect(c.finish()).toEqual({ outputs: { URL: 'https://x/?a=b', V: '2' }, warnings: [] });
  });

  it('lets file values override stdout values', () => {
    const c = collector();
    c.acceptStdoutLine('[COUT] A = stdout');
    c.acceptStdoutLine('[COUT] B = stdout');
    c.acceptOutputFile('A=file\nNOTES<<EOF\nx\ny\nEOF\n');
    expect(c.finish().outputs).toEqual({ A: 'file', B: 'stdout', NOTES: 'x\ny' });
  });

  it('treats CO_RESULT as the result flag, not an output', () => {
    const c = collector();
    c.acceptStdoutLine('[COUT] CO_RESULT = FALSE');
    expect(c.finish()).toEqual({ outputs: {}, coResult: false, warnings: [] });
    c.acceptStdoutLine('[COUT] CO_RESULT = True');
    expect(c.finish().coResult).toBe(true);
  });

  it('ignores an invalid CO_RESULT with a warning, keeping the previous value', () => {
    const c = collector();
    c.acceptStdoutLine('[COUT] CO_RESULT = false');
    c.acceptStdoutLine('[COUT] CO_RESULT = maybe');
    const r = c.finish();
    expect(r.coResult).toBe(false);
    expect(r.warnings).toEqual([
      'CO_RESULT = "maybe" from stdout is neither true nor false; ignored',
    ]);
  });

  it('prefers CO_RESULT from the file', () => {
    const c = collector();
    c.acceptStdoutLine('[COUT] CO_RESULT = true');
    c.acceptOutputFile('CO_RESULT=false\n');
    expect(c.finish().coResult).toBe(false);
  });

  it('under file-only ignores forged [COUT] outputs and CO_RESULT', () => {
    const c = collector('file-only');
    expect(c.acceptStdoutLine('[COUT] DEPLOY_URL = https://evil.example')).toBe(false);
    expect(c.acceptStdoutLine('[COUT] CO_RESULT = true')).toBe(false);
    expect(c.finish()).toEqual({ outputs: {}, warnings: [] });
    c.acceptOutputFile('DEPLOY_URL=https://good.example\nCO_RESULT=false\n');
    expect(c.finish()).toEqual({
      outputs: { DEPLOY_URL: 'https://good.example' },
      coResult: false,
      warnings: [],
    });
  });

  it('fails when stdout outputs exceed the cap, and stops storing', () => {
    const c = collector('stdout-and-file', 10);
    c.acceptStdoutLine('[COUT] AB = 1234'); // 6 bytes
    c.acceptStdoutLine('[COUT] AB = 12345678'); // 10 bytes: at the limit, fine
    expect(c.finish().error).toBeUndefined();
    c.acceptStdoutLine('[COUT] C = 12'); // 13 bytes
    const r = c.finish();
    expect(r.errorCode).toBe('OUTPUT_TOO_LARGE');
    expect(r.error).toBe(
      'outputs too large: 13 bytes, over the limit of 10 bytes (10 B): report less output, ' +
        "or raise the workflow's `outputLimit`",
    );
    expect(r.outputs).toEqual({});
    c.acceptStdoutLine('[COUT] D = 1');
    expect(c.finish().error).toBeDefined();
  });

  it('counts UTF-8 bytes and the file against the cap', () => {
    const c = collector('stdout-and-file', MiB);
    c.acceptStdoutLine('[COUT] A = é€😀'); // 1 + 2 + 3 + 4
    expect(c.finish().error).toBeUndefined();
    c.acceptOutputFile(`BIG=${'x'.repeat(MiB)}\n`);
    const r = c.finish();
    expect(r.errorCode).toBe('OUTPUT_TOO_LARGE');
    expect(r.error).toContain('over the limit of 1048576 bytes (1 MiB)');
  });

  it('records a malformed output file as the error', () => {
    const c = collector();
    c.acceptStdoutLine('[COUT] A = 1');
    c.acceptOutputFile('A=1\nB<<EOF\nnever closed\n');
    const r = c.finish();
    expect(r.errorCode).toBe('INVALID_OUTPUT_FILE');
    expect(r.error).toMatch(/line 2: heredoc for "B" is never closed/);
  });
});
