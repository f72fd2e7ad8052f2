import { describe, expect, it } from 'vitest';
import type { ListFanOut, MatrixFanOut } from '../definition/model.js';
import { FanOutListError, listCursor, matrixCursor } from './fan-out-cursor.js';
import type { FanOutCursor, FanOutItem } from './fan-out-cursor.js';

const drain = (cursor: FanOutCursor): FanOutItem[] => {
  const out: FanOutItem[] = [];
  for (let item = cursor.next(); item !== undefined; item = cursor.next()) out.push(item);
  return out;
};

const control = { maxParallel: 10, failFast: true };

describe('matrixCursor', () => {
  const m = (extra: Partial<MatrixFanOut> = {}): MatrixFanOut => ({
    kind: 'matrix',
    axes: [
      { name: 'shard', values: ['1', '2'] },
      { name: 'db', values: ['mysql8', 'tidb'] },
    ],
    include: [],
    exclude: [],
    ...control,
    ...extra,
  });

  it('walks the product, first axis slowest, names in declared axis order', () => {
    const cursor = matrixCursor('t', m());
    expect(cursor.total).toBe(4);
    expect(drain(cursor)).toEqual([
      { name: 't[shard=1,db=mysql8]', inputs: { shard: '1', db: 'mysql8' } },
      { name: 't[shard=1,db=tidb]', inputs: { shard: '1', db: 'tidb' } },
      { name: 't[shard=2,db=mysql8]', inputs: { shard: '2', db: 'mysql8' } },
      { name: 't[shard=2,db=tidb]', inputs: { shard: '2', db: 'tidb' } },
    ]);
  });

  it('drops excluded combinations, adds includes once (not those already produced)', () => {
    const cursor = matrixCursor(
      't',
      m({
        exclude: [{ db: 'tidb' }],
        include: [
          { shard: '1', db: 'mysql8' }, // produced already
          { shard: '3', db: 'tidb' },
          { shard: '3', db: 'tidb' }, // twice
          { shard: '2', db: 'tidb' }, // excluded from the product: added back
        ],
      }),
    );
    expect(cursor.total).toBe(4);
    expect(drain(cursor).map((i) => i.name)).toEqual([
      't[shard=1,db=mysql8]',
      't[shard=2,db=mysql8]',
      't[shard=3,db=tidb]',
      't[shard=2,db=tidb]',
    ]);
  });
});

describe('listCursor', () => {
  const f: ListFanOut = {
    kind: 'list',
    over: { stage: 's', action: 'a', job: 'j', output: 'L' },
    as: 'item',
    ...control,
  };

  it('gives strings as they are and other items as JSON, named by index', () => {
    expect(drain(listCursor('t', f, '["a b", 2, {"k": [1]}, null]'))).toEqual([
      { name: 't[0]', inputs: { item: 'a b' } },
      { name: 't[1]', inputs: { item: '2' } },
      { name: 't[2]', inputs: { item: '{"k":[1]}' } },
      { name: 't[3]', inputs: { item: 'null' } },
    ]);
    expect(listCursor('t', f, '[]').total).toBe(0);
  });

  it('refuses text that is not JSON, not an array, or over the cap', () => {
    expect(() => listCursor('t', f, 'a,b')).toThrow(FanOutListError);
    expect(() => listCursor('t', f, 'a,b')).toThrow(/is not JSON/);
    expect(() => listCursor('t', f, '{"a": 1}')).toThrow('is JSON but not an array (object)');
    expect(() => listCursor('t', f, '[1, 2, 3]', 2)).toThrow(
      'has 3 items; a fan-out may have at most 2',
    );
  });
});
