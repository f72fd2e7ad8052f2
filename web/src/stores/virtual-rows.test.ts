import { describe, expect, it } from 'vitest';
import { rowWindow, scrollToRow } from './virtual-rows.js';

describe('rowWindow', () => {
  it('draws the rows in view plus the overscan, whatever the list length', () => {
    expect(rowWindow(0, 300, 30, 100_000, 5)).toEqual({ first: 0, end: 15 });
    expect(rowWindow(30_000, 300, 30, 100_000, 5)).toEqual({ first: 995, end: 1015 });
    const w = rowWindow(2_999_700, 300, 30, 100_000, 5);
    expect(w).toEqual({ first: 99_985, end: 100_000 });
  });

  it('copes with an empty list and a short one', () => {
    expect(rowWindow(0, 300, 30, 0)).toEqual({ first: 0, end: 0 });
    expect(rowWindow(0, 300, 30, 3)).toEqual({ first: 0, end: 3 });
    // Scrolled past the end of a list that shrank (a filter): still draws its last row.
    expect(rowWindow(9_000, 300, 30, 3, 0)).toEqual({ first: 2, end: 3 });
  });
});

describe('scrollToRow', () => {
  it('scrolls only as far as needed to show the row', () => {
    expect(scrollToRow(5, 0, 300, 30)).toBe(0);
    expect(scrollToRow(10, 0, 300, 30)).toBe(30);
    expect(scrollToRow(2, 300, 300, 30)).toBe(60);
  });
});
