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

  it('joins a [COUT] line delivered in pieces (partial) and checks it whole', () => {
    const c = collector('stdout-and-file', 64);
    expect(c.acceptStdoutLine('[COUT] LONG = abc', true)).toBe(false);
    expect(c.acceptStdoutLine('def', true)).toBe(false);
    expect(c.acceptStdoutLine('ghi')).toBe(true);
    expect(c.finish().outputs).toEqual({ LONG: 'abcdefghi' });
  });

  it('fails a [COUT] line over the cap with OUTPUT_TOO_LARGE, as many small lines would', () => {
    const c = collector('stdout-and-file', MiB);
    const piece = 'a'.repeat(MiB - 16);
    c.acceptStdoutLine(`[COUT] BIG = ${piece}`, true);
    for (let i = 0; i < 48; i++) c.acceptStdoutLine(piece, true);
    c.acceptStdoutLine('a');
    const r = c.finish();
    expect(r.errorCode).toBe('OUTPUT_TOO_LARGE');
    expect(r.outputs).toEqual({});
    // Before: the first piece (under the cap) became the output, the rest plain log lines.
  });

  it('never reads a piece of a long line as a line of its own', () => {
    const c = collector();
    c.acceptStdoutLine('x'.repeat(100), true);
    expect(c.acceptStdoutLine('[COUT] FORGED = 1')).toBe(false);
    expect(c.acceptStdoutLine('[COUT] REAL = 1')).toBe(true);
    expect(c.finish().outputs).toEqual({ REAL: '1' });
  });
});

describe('OutputCollector: [COUT] on stderr (issue 15 item 2)', () => {
  const options = { mode: 'stdout-and-file' as const, limitBytes: 1024 * 1024 };

  it('reads CO_RESULT = false printed on stderr, as the original engine did from the merged log', () => {
    const collector = new OutputCollector(options);
    expect(collector.acceptLine('stderr', '[COUT] CO_RESULT = false')).toBe(true);
    expect(collector.finish().coResult).toBe(false);
  });

  it('takes outputs from both streams, the last value in arrival order winning', () => {
    const collector = new OutputCollector(options);
    collector.acceptLine('stdout', '[COUT] A = out');
    collector.acceptLine('stderr', '[COUT] A = err');
    collector.acceptLine('stderr', '[COUT] B=2');
    expect(collector.finish().outputs).toEqual({ A: 'err', B: '2' });
  });

  it('joins the pieces of long lines per stream, so interleaved streams do not mix', () => {
    const collector = new OutputCollector(options);
    collector.acceptLine('stdout', '[COUT] LONG = ab', true);
    collector.acceptLine('stderr', 'a plain stderr line');
    collector.acceptLine('stderr', '[COUT] E = ', true);
    collector.acceptLine('stdout', 'cd');
    collector.acceptLine('stderr', 'x');
    expect(collector.finish().outputs).toEqual({ LONG: 'abcd', E: 'x' });
  });

  it('ignores [COUT] on stderr under outputs: file-only, as on stdout', () => {
    const collector = new OutputCollector({ ...options, mode: 'file-only' });
    expect(collector.acceptLine('stderr', '[COUT] CO_RESULT = false')).toBe(false);
    expect(collector.finish().coResult).toBeUndefined();
  });
});
