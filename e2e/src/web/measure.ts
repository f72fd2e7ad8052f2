/**
 * What the browser tests measure on a rendered page: text contrast, the smallest text size as
 * drawn (zoom included), box overlap. The page code is passed as strings: this package is
 * type-checked without the DOM library.
 */
import type { Page } from 'playwright-core';

/** A rectangle in CSS pixels of the viewport. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Whether two boxes share any area (touching edges do not count). */
export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * WCAG contrast ratio (1–21) between the text colour of the first element matching `selector`
 * and the background it is drawn on (the nearest ancestor-or-self background that is not
 * transparent).
 */
export async function textContrast(page: Page, selector: string): Promise<number> {
  return (await page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (!el) throw new Error('no element ' + ${JSON.stringify(selector)});
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    let bgEl = el;
    let bg = [255, 255, 255, 0];
    while (bgEl) {
      const c = rgb(getComputedStyle(bgEl).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0)) { bg = c; break; }
      bgEl = bgEl.parentElement;
    }
    const fg = rgb(getComputedStyle(el).color);
    const lum = (c) => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  })()`)) as number;
}

/**
 * The smallest font size (px) of any visible text under `rootSelector` as it appears on screen:
 * the CSS size times the zoom of an enclosing `.graph-layer` (the read-only graph's scale).
 */
export async function smallestTextPx(
  page: Page,
  rootSelector: string,
): Promise<{ px: number; text: string }> {
  return (await page.evaluate(`(() => {
    const root = document.querySelector(${JSON.stringify(rootSelector)});
    if (!root) throw new Error('no element ' + ${JSON.stringify(rootSelector)});
    let best = { px: Infinity, text: '' };
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent.trim();
      const el = n.parentElement;
      if (!text || !el || el.getClientRects().length === 0) continue;
      const layer = el.closest('.graph-layer');
      const scale = layer ? layer.getBoundingClientRect().width / layer.offsetWidth : 1;
      const px = parseFloat(getComputedStyle(el).fontSize) * scale;
      if (px < best.px) best = { px, text };
    }
    return best;
  })()`)) as { px: number; text: string };
}

/** Bounding boxes of every element matching `selector` (those displayed), named by `data-path` else `data-node-id`. */
export async function boxesOf(page: Page, selector: string): Promise<(Box & { id: string })[]> {
  return (await page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})]
    .filter((el) => el.getClientRects().length > 0)
    .map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.dataset.path || el.dataset.nodeId || '', x: r.x, y: r.y, width: r.width, height: r.height };
    })`)) as (Box & { id: string })[];
}
