import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS, checkInputLimits } from './input-limits.js';
import { parseWorkflow } from './parse-workflow.js';

const HEAD = 'uri: a/b/c\nstages: [{ type: start, name: start }]\n';

function manyKeys(count: number): string {
  const lines = [HEAD];
  for (let i = 0; i < count; i++) lines.push(`k${i}: v\n`);
  return lines.join('');
}

function deepFlow(depth: number): string {
  return `${HEAD}labels: ${'['.repeat(depth)}x${']'.repeat(depth)}\n`;
}

function deepBlock(depth: number): string {
  const lines = [HEAD, 'labels:\n'];
  for (let i = 1; i <= depth; i++) lines.push(`${' '.repeat(i)}k${i}:\n`);
  return lines.join('');
}

/** Calls `fn` from `frames` nested calls deep, so a recursive parser would run out of stack. */
function atStackDepth<T>(frames: number, fn: () => T): T {
  return frames === 0 ? fn() : atStackDepth(frames - 1, fn);
}

describe('input limits (issue 10 item 7)', () => {
  it('refuses 20,000 top-level keys with limit-keys at the map, before reading any field', () => {
    const result = parseWorkflow(manyKeys(20_000));
    expect(result.workflow).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'limit-keys',
        message: 'a map has 20002 keys; the limit is 1000',
        line: 1,
        col: 1,
      },
    ]);
  });

  it('does work linear in the keys: 20,000 keys cost twice the steps of 10,000', () => {
    const limits = { ...DEFAULT_INPUT_LIMITS, maxKeysPerMap: 100_000 };
    const small = { steps: 0 };
    const large = { steps: 0 };
    expect(checkInputLimits(manyKeys(10_000), limits, small)).toBeUndefined();
    expect(checkInputLimits(manyKeys(20_000), limits, large)).toBeUndefined();
    expect(large.steps / small.steps).toBeGreaterThan(1.9);
    expect(large.steps / small.steps).toBeLessThan(2.1);
  });

  it('still parses a 20,000-key file when the key limit allows it, with unknown-field warnings', () => {
    const limits = { ...DEFAULT_INPUT_LIMITS, maxKeysPerMap: 100_000 };
    const result = parseWorkflow(manyKeys(20_000), { limits });
    expect(result.workflow?.uri).toBe('a/b/c');
    expect(result.diagnostics).toHaveLength(20_000);
    expect(result.diagnostics[19_999]).toMatchObject({ code: 'unknown-field', line: 20_002 });
  });

  it('reports duplicate keys in a large map with their line and column (own Set-based check)', () => {
    const limits = { ...DEFAULT_INPUT_LIMITS, maxKeysPerMap: 100_000 };
    const source = `${manyKeys(5_000)}k17: again\n`;
    const duplicates = parseWorkflow(source, { limits }).diagnostics.filter(
      (d) => d.code === 'yaml-syntax',
    );
    expect(duplicates).toEqual([
      {
        severity: 'error',
        code: 'yaml-syntax',
        message: 'duplicate key "k17": keys of a map must be unique',
        line: 5_003,
        col: 1,
      },
    ]);
  });

  it.each([
    // The first collection past level 64: the 64th "[" on line 3; the 65th map, on line 67.
    ['flow', deepFlow, 3],
    ['block', deepBlock, 67],
  ])(
    'rejects 1,000-deep %s nesting with limit-depth every time, whatever the stack',
    (_, build, line) => {
      const source = build(1_000);
      const results = [0, 1_000, 5_000].flatMap((frames) =>
        Array.from({ length: 3 }, () =>
          atStackDepth(frames, () => parseWorkflow(source).diagnostics),
        ),
      );
      for (const diagnostics of results) {
        expect(diagnostics).toHaveLength(1);
        expect(diagnostics[0]).toMatchObject({ code: 'limit-depth', line });
        expect(diagnostics[0]?.message).toBe('values are nested more than 64 levels deep');
      }
      expect(new Set(results.map((d) => JSON.stringify(d))).size).toBe(1);
    },
  );

  it('accepts nesting up to the limit', () => {
    // The root map is level 1, so 63 brackets under `labels` reach level 64.
    expect(parseWorkflow(deepFlow(63)).diagnostics.map((d) => d.code)).not.toContain('limit-depth');
    expect(parseWorkflow(deepFlow(64)).diagnostics.map((d) => d.code)).toContain('limit-depth');
  });

  it('refuses a source over the size limit before parsing it', () => {
    const source = `${HEAD}# ${'x'.repeat(DEFAULT_INPUT_LIMITS.maxSourceLength)}\n`;
    expect(parseWorkflow(source).diagnostics).toEqual([
      expect.objectContaining({ code: 'limit-source-size', line: 1, col: 1 }),
    ]);
  });

  it('refuses more nodes than the node limit, at the first node over it', () => {
    const items = Array.from({ length: 50 }, (_, i) => `[${'a, '.repeat(999)}a${i}]`);
    const source = `${HEAD}labels:\n${items.map((item) => `  - ${item}\n`).join('')}`;
    const [first] = parseWorkflow(source, {
      limits: { ...DEFAULT_INPUT_LIMITS, maxNodes: 20_000 },
    }).diagnostics;
    expect(first).toMatchObject({ code: 'limit-nodes', line: 23 });
  });
});
