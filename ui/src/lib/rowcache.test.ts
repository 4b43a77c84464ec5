import { describe, expect, it } from 'vitest'
import { BLOCK_SIZE, blocksFor, MAX_SCROLL_HEIGHT, scrollSpace, visibleRange } from './rowcache'

describe('visibleRange', () => {
  it('covers the viewport plus overscan and stays inside the result', () => {
    expect(visibleRange(0, 520, 52, 100_000, 8)).toEqual({ first: 0, last: 18 })
    expect(visibleRange(52 * 5000, 520, 52, 100_000, 8)).toEqual({ first: 4992, last: 5018 })
    expect(visibleRange(52 * 99_995, 520, 52, 100_000, 8).last).toBe(99_999)
  })

  it('is empty for an empty result', () => {
    const range = visibleRange(0, 520, 52, 0)
    expect(range.last).toBeLessThan(range.first)
    expect(blocksFor(range.first, range.last, 0)).toEqual([])
  })
})

describe('blocksFor', () => {
  it('names each block touched by the range once', () => {
    expect(blocksFor(0, 18, 100_000)).toEqual([0])
    expect(blocksFor(95, 130, 100_000)).toEqual([0, BLOCK_SIZE])
    expect(blocksFor(99_990, 100_020, 100_000)).toEqual([99_900])
  })
})

describe('scrollSpace', () => {
  it('is the rows themselves while they fit under the cap', () => {
    expect(scrollSpace(100_000, 52, 600)).toEqual({ height: 5_200_000, ratio: 1 })
    expect(scrollSpace(0, 52, 600)).toEqual({ height: 0, ratio: 1 })
  })

  it('caps a million rows and still spans them all, first to last', () => {
    const viewport = 600
    const space = scrollSpace(1_000_000, 52, viewport)
    expect(space.height).toBe(MAX_SCROLL_HEIGHT)
    const bottom = (space.height - viewport) * space.ratio
    expect(visibleRange(bottom, viewport, 52, 1_000_000, 0).last).toBe(999_999)
    expect(visibleRange(0, viewport, 52, 1_000_000, 0).first).toBe(0)
    const middle = ((space.height - viewport) / 2) * space.ratio
    const range = visibleRange(middle, viewport, 52, 1_000_000, 0)
    expect(range.first).toBeLessThanOrEqual(500_000)
    expect(range.last).toBeGreaterThanOrEqual(500_000)
  })
})
