import { describe, expect, it } from 'vitest';
import { parseCommandArgs, parseKeyValues, UsageError } from './usage.js';

describe('parseCommandArgs', () => {
  const options = { json: { type: 'boolean' }, input: { type: 'string', multiple: true } } as const;

  it('parses options, positionals and --help', () => {
    const { values, positionals } = parseCommandArgs(
      'run',
      ['a.yaml', '--json', '--input', 'A=1', '-h'],
      options,
    );
    expect(positionals).toEqual(['a.yaml']);
    expect(values).toEqual({ json: true, input: ['A=1'], help: true });
  });

  it.each([
    [['--nope'], "unknown option '--nope'"],
    [['-z'], "unknown option '-z'"],
    // Issue 15: `--orchestator` got no hint.
    [['--jsno'], "unknown option '--jsno' (did you mean --json?)"],
    [['--inptu=A=1'], "unknown option '--inptu' (did you mean --input?)"],
    [['--input'], "Option '--input <value>' argument missing"],
  ])('%j is a usage error', (args, message) => {
    expect(() => parseCommandArgs('run', args, options)).toThrow(new UsageError(message, 'run'));
  });

  it('refuses positionals when the command takes none', () => {
    expect(() => parseCommandArgs('version', ['x'], {}, false)).toThrow("unexpected argument 'x'");
  });
});

describe('parseKeyValues', () => {
  it('splits on the first =', () => {
    expect(parseKeyValues('run', 'input', ['A=1', 'URL=https://x/?a=b', 'EMPTY='])).toEqual({
      A: '1',
      URL: 'https://x/?a=b',
      EMPTY: '',
    });
    expect(parseKeyValues('run', 'input', undefined)).toEqual({});
  });

  it('refuses items without KEY=', () => {
    expect(() => parseKeyValues('run', 'input', ['novalue'])).toThrow(
      "--input expects KEY=VALUE, got 'novalue'",
    );
    expect(() => parseKeyValues('run', 'input', ['=x'])).toThrow(UsageError);
  });
});
