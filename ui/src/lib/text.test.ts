import { describe, expect, it } from 'vitest'
import { characterCounter, stripBidi } from './text'

describe('characterCounter', () => {
  it('counts characters as Rust does and says how many are too many', () => {
    expect(characterCounter('', 500)).toEqual({ used: 0, left: 500, over: false, label: '0 / 500' })
    expect(characterCounter('🔑'.repeat(3), 3)).toEqual({ used: 3, left: 0, over: false, label: '3 / 3' })
    expect(characterCounter('abcd', 3).label).toBe('1 character too many')
    expect(characterCounter('abcde', 3)).toEqual({ used: 5, left: -2, over: true, label: '2 characters too many' })
  })
})

describe('stripBidi', () => {
  it('removes every bidirectional control and keeps the rest, also right-to-left letters', () => {
    const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C']
    expect(stripBidi(`a${controls.join('')}b`)).toBe('ab')
    expect(stripBidi('invoice\u202Egpj.exe')).toBe('invoicegpj.exe')
    expect(stripBidi('שלום, Ada\nline two')).toBe('שלום, Ada\nline two')
  })
})
