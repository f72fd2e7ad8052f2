/**
 * Which rows of a long fixed-height list are drawn: those in view plus a few either side, so the
 * DOM holds a bounded number of rows whatever the list's length (the fan-out instance list).
 */

export interface RowWindow {
  /** First drawn row (inclusive). */
  readonly first: number;
  /** Last drawn row + 1. */
  readonly end: number;
}

/**
 * @param scrollTop the list's scroll offset (px)
 * @param viewport the list's visible height (px)
 * @param rowHeight every row's height (px)
 * @param count rows in the list
 * @param overscan rows drawn beyond each edge (keeps fast scrolling from showing blanks)
 */
export function rowWindow(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 5,
): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { first: 0, end: 0 };
  const top = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const bottom = Math.ceil((scrollTop + Math.max(0, viewport)) / rowHeight) + overscan;
  const first = Math.min(top, count - 1);
  return { first, end: Math.min(count, Math.max(first + 1, bottom)) };
}

/** The scroll offset that brings row `index` into view, or `scrollTop` when it is in view. */
export function scrollToRow(
  index: number,
  scrollTop: number,
  viewport: number,
  rowHeight: number,
): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
  return scrollTop;
}
