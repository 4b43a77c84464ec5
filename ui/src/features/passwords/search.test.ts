import { cleanup, fireEvent, render, screen } from '@testing-library/svelte'
import { clearMocks } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { argsOf, mockCommands } from '../../lib/testing'
import { startFirstList, takeFirstList } from './firstList'
import PasswordsTab from './PasswordsTab.svelte'

afterEach(() => {
  cleanup()
  clearMocks()
  vi.useRealTimers()
})

describe('Search as you type', () => {
  it('lists the vault at once, waits for a pause in typing, and filters at once on a click', async () => {
    vi.useFakeTimers()
    const calls = mockCommands({
      search_entries: { generation: 1, total: 0 },
      list_tags: [{ tag: 'work', count: 2 }],
      entry_rows: [],
    })
    render(PasswordsTab)
    expect(argsOf(calls, 'search_entries')).toEqual([{ query: { text: '', tag: null, favourites_only: false } }])

    const search = screen.getByTestId('search')
    await fireEvent.input(search, { target: { value: 'ma' } })
    await fireEvent.input(search, { target: { value: 'mail' } })
    expect(argsOf(calls, 'search_entries')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(89)
    expect(argsOf(calls, 'search_entries')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(argsOf(calls, 'search_entries').at(-1)).toEqual({ query: { text: 'mail', tag: null, favourites_only: false } })
    expect(argsOf(calls, 'search_entries')).toHaveLength(2)

    await fireEvent.click(screen.getByTestId('favourites-only'))
    expect(argsOf(calls, 'search_entries').at(-1)).toEqual({ query: { text: 'mail', tag: null, favourites_only: true } })
    expect(argsOf(calls, 'search_entries')).toHaveLength(3)
  })

  it('shows the list started at unlock instead of asking again, once', async () => {
    const calls = mockCommands({
      search_entries: { generation: 7, total: 3 },
      list_tags: [],
      entry_rows: [],
    })
    startFirstList()
    render(PasswordsTab)
    await screen.findByText('3 entries')
    expect(argsOf(calls, 'search_entries')).toHaveLength(1)
    expect(argsOf(calls, 'entry_rows')[0]).toMatchObject({ generation: 7, start: 0 })
    expect(takeFirstList()).toBeNull()
  })
})
