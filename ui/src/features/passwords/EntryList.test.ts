import { cleanup, render, screen } from '@testing-library/svelte'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, it } from 'vitest'
import type { EntrySummary } from '../../lib/bindings'
import EntryList from './EntryList.svelte'

afterEach(() => {
  cleanup()
  clearMocks()
})

describe('EntryList', () => {
  it('renders only the rows in view of a 100,000-entry result and fetches one block', async () => {
    const requests: Array<{ start: number; count: number }> = []
    mockIPC((command, args) => {
      if (command !== 'entry_rows') throw new Error(`unexpected ${command}`)
      const { start, count } = args as { start: number; count: number }
      requests.push({ start, count })
      return Array.from({ length: count }, (_, i): EntrySummary => ({
        id: `id-${start + i}`,
        title: `Entry ${start + i}`,
        username: 'user',
        urls: [],
        tags: [],
        folder: '',
        favourite: false,
        modified: '2026-11-20T10:00:00Z',
      }))
    })
    render(EntryList, {
      generation: 1,
      total: 100_000,
      openId: null,
      bulkMode: false,
      isChecked: () => false,
      onopen: () => {},
      ontoggle: () => {},
    })
    await screen.findAllByTestId('entry-row')
    const rendered = screen.getAllByTestId('entry-row').length
    expect(rendered).toBeGreaterThan(0)
    expect(rendered).toBeLessThan(60)
    expect(requests).toEqual([{ start: 0, count: 100 }])
    expect(screen.getByTestId('entry-list').getAttribute('data-total')).toBe('100000')
  })
})
