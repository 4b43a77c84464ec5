import { describe, expect, it } from 'vitest'
import { BULK_CHOICES, bulkAction } from './bulk'

describe('bulk actions', () => {
  it('turns each choice into the command payload', () => {
    expect(bulkAction('add_tags', 'a, b')).toEqual({ action: 'add_tags', tags: ['a', 'b'] })
    expect(bulkAction('remove_tags', 'a')).toEqual({ action: 'remove_tags', tags: ['a'] })
    expect(bulkAction('set_username', 'ada')).toEqual({ action: 'set_username', username: 'ada' })
    expect(bulkAction('set_url', ' https://x ')).toEqual({ action: 'set_url', url: 'https://x' })
    expect(bulkAction('set_folder', 'Work')).toEqual({ action: 'set_folder', folder: 'Work' })
    expect(bulkAction('append_notes', 'hi')).toEqual({ action: 'append_notes', text: 'hi' })
    expect(bulkAction('favourite', '')).toEqual({ action: 'set_favourite', favourite: true })
    expect(bulkAction('unfavourite', '')).toEqual({ action: 'set_favourite', favourite: false })
    expect(bulkAction('delete', '')).toEqual({ action: 'delete' })
  })

  it('asks for a value where one is needed', () => {
    expect(typeof bulkAction('add_tags', ' , ')).toBe('string')
    expect(typeof bulkAction('append_notes', '  ')).toBe('string')
  })

  it('offers every choice once', () => {
    const values = BULK_CHOICES.map((choice) => choice.value)
    expect(new Set(values).size).toBe(values.length)
  })
})
