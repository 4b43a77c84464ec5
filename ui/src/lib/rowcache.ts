// Which blocks of a result set the virtualised list still has to fetch, which rows it shows,
// and how its scroll space maps onto the rows.
export const BLOCK_SIZE = 100

/** Block start indexes covering rows [first, last] of a result of `total` rows. */
export function blocksFor(first: number, last: number, total: number): number[] {
  if (total <= 0 || last < first) return []
  const from = Math.max(0, Math.floor(first / BLOCK_SIZE) * BLOCK_SIZE)
  const to = Math.min(total - 1, last)
  const blocks: number[] = []
  for (let start = from; start <= to; start += BLOCK_SIZE) blocks.push(start)
  return blocks
}

/** The rows to render for a viewport: visible ones plus some overscan, clamped to the result. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan)
  const last = Math.min(total - 1, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan)
  return { first, last }
}

/**
 * The tallest scroll space the list makes. Browsers cap an element's height (WebKit and Chromium
 * near 33.5 million CSS pixels, Firefox near 17.9 million): a spacer of a million 52-pixel rows
 * would be cut short and the last third of the list could never be scrolled to.
 */
export const MAX_SCROLL_HEIGHT = 15_000_000

/**
 * The list's scroll space: `height` for the spacer, and `ratio`, the pixels of rows one pixel of
 * scrolling moves past (1 unless the rows are taller than the cap; then the scroll bar's whole
 * range still spans every row, first to last).
 */
export function scrollSpace(
  total: number,
  rowHeight: number,
  viewportHeight: number,
  cap = MAX_SCROLL_HEIGHT,
): { height: number; ratio: number } {
  const rows = total * rowHeight
  if (rows <= cap || cap <= viewportHeight) return { height: rows, ratio: 1 }
  return { height: cap, ratio: (rows - viewportHeight) / (cap - viewportHeight) }
}
