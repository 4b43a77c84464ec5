import { describe, expect, it } from 'vitest'
import { BLOCK_SIZE, blocksFor, visibleRange } from './rowcache'

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
