/**
 * ANSI SGR (colour/style) escape codes → styled segments, for the log viewer. Other escape
 * sequences (cursor movement, titles) are dropped: a log is not a terminal.
 */

export interface AnsiStyle {
  fg?: string;
  bg?: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
}

export interface AnsiSegment extends AnsiStyle {
  text: string;
}

const BASE = [
  '#1e1e1e',
  '#e5534b',
  '#57ab5a',
  '#c69026',
  '#539bf5',
  '#b083f0',
  '#39c5cf',
  '#d1d7e0',
];
const BRIGHT = [
  '#768390',
  '#ff938a',
  '#6bc46d',
  '#daaa3f',
  '#6cb6ff',
  '#dcbdfb',
  '#56d4dd',
  '#ffffff',
];

function color256(n: number): string | undefined {
  if (n < 0 || n > 255) return undefined;
  if (n < 8) return BASE[n];
  if (n < 16) return BRIGHT[n - 8];
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const i = n - 16;
  const level = (c: number): number => (c === 0 ? 0 : 55 + c * 40);
  return `rgb(${level(Math.floor(i / 36))},${level(Math.floor(i / 6) % 6)},${level(i % 6)})`;
}

/** Applies one SGR parameter list to a style; returns the new style. */
function applySgr(style: AnsiStyle, params: number[]): AnsiStyle {
  const next: AnsiStyle = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i] ?? 0;
    if (p === 0) {
      delete next.fg;
      delete next.bg;
      delete next.bold;
      delete next.italic;
      delete next.underline;
    } else if (p === 1) next.bold = true;
    else if (p === 22) delete next.bold;
    else if (p === 3) next.italic = true;
    else if (p === 23) delete next.italic;
    else if (p === 4) next.underline = true;
    else if (p === 24) delete next.underline;
    else if (p >= 30 && p <= 37) next.fg = BASE[p - 30];
    else if (p >= 90 && p <= 97) next.fg = BRIGHT[p - 90];
    else if (p === 39) delete next.fg;
    else if (p >= 40 && p <= 47) next.bg = BASE[p - 40];
    else if (p >= 100 && p <= 107) next.bg = BRIGHT[p - 100];
    else if (p === 49) delete next.bg;
    else if (p === 38 || p === 48) {
      const key = p === 38 ? 'fg' : 'bg';
      let value: string | undefined;
      if (params[i + 1] === 5) {
        value = color256(params[i + 2] ?? -1);
        i += 2;
      } else if (params[i + 1] === 2) {
        value = `rgb(${params[i + 2] ?? 0},${params[i + 3] ?? 0},${params[i + 4] ?? 0})`;
        i += 4;
      }
      if (value !== undefined) next[key] = value;
    }
  }
  return next;
}

// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b(?:\[([0-9;?]*)([A-Za-z])|\][^\u0007]*\u0007)/g;

/** Splits a line into styled segments. Segments with no text are not returned. */
export function parseAnsi(line: string): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let style: AnsiStyle = {};
  let last = 0;
  const push = (text: string): void => {
    if (text !== '') segments.push({ ...style, text });
  };
  for (const match of line.matchAll(ESCAPE)) {
    push(line.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] === 'm') {
      const params = (match[1] ?? '').split(';').map((s) => (s === '' ? 0 : Number(s)));
      style = applySgr(style, params);
    }
  }
  push(line.slice(last));
  return segments;
}
