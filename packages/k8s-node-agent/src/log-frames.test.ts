import { describe, expect, it } from 'vitest';
import { LogFrameReader, readLogFrames } from './log-frames.js';

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const T1 = '2026-12-07T13:00:00.000000001Z';
const T2 = '2026-12-07T13:00:00.000000002Z';
const T3 = '2026-12-07T13:00:00.000000003Z';

describe('readLogFrames', () => {
  it('stamps a line split into fragments once, at its start, as the kubelet does', () => {
    const log = Buffer.concat([
      frame(1, `${T1} aaaa`),
      frame(1, `${T2} bbbb`),
      frame(1, `${T3} cc\n`),
      frame(1, `${T3} next\n`),
    ]);
    expect(readLogFrames(log, true).toString()).toBe(`${T1} aaaabbbbcc\n${T3} next\n`);
  });

  it('keeps each stream’s unfinished line apart', () => {
    const log = Buffer.concat([
      frame(1, `${T1} out-part-`),
      frame(2, `${T2} err line\n`),
      frame(1, `${T3} rest\n`),
    ]);
    expect(readLogFrames(log, true).toString()).toBe(`${T1} out-part-${T2} err line\nrest\n`);
  });

  it('leaves text alone without timestamps', () => {
    const log = Buffer.concat([frame(1, 'a b'), frame(1, 'c d\n')]);
    expect(readLogFrames(log, false).toString()).toBe('a bc d\n');
  });
});

describe('LogFrameReader', () => {
  it('reads frames cut anywhere across chunks', async () => {
    const log = Buffer.concat([
      frame(1, `${T1} one\n`),
      frame(2, `${T2} two-`),
      frame(2, `${T3} end\n`),
    ]);
    const reader = new LogFrameReader(true);
    const parts: Buffer[] = [];
    reader.on('data', (part: Buffer) => parts.push(part));
    const done = new Promise((resolve) => reader.on('end', resolve));
    for (let i = 0; i < log.length; i += 3) reader.write(log.subarray(i, i + 3));
    reader.end();
    await done;
    expect(Buffer.concat(parts).toString()).toBe(`${T1} one\n${T2} two-end\n`);
  });
});
