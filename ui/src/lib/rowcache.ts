// Which blocks of a result set the virtualised list still has to fetch.
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
