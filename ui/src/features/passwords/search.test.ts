import { cleanup, fireEvent, render, screen } from '@testing-library/svelte'
import { clearMocks } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EntrySummary } from '../../lib/bindings'
import { argsOf, mockCommands } from '../../lib/testing'
import { startFirstList, takeFirstList } from './firstList'
import PasswordsTab from './PasswordsTab.svelte'

/** The first rows a common search answers with. */
const rows = Array.from({ length: 100 }, (_, i): EntrySummary => ({
  id: `id-${i}`,
  title: `Site ${i}`,
  username: 'user',
  urls: [],
  tags: [],
  folder: '',
  favourite: false,
  modified: '2026-12-01T10:00:00Z',
}))

afterEach(() => {
  cleanup()
  clearMocks()
  vi.useRealTimers()
})

describe('Search as you type', () => {
  it('lists the vault at once, waits for a pause in typing, and filters at once on a click', async () => {
    vi.useFakeTimers()
    const calls = mockCommands({
      search_entries: { generation: 1, total: 0, complete: true, rows: [] },
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
      search_entries: { generation: 7, total: 3, complete: true, rows: [] },
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

  it('shows the first rows of a common search at once and the count when Rust has read the rest', async () => {
    const finishes: Array<(total: number) => void> = []
    const calls = mockCommands({
      search_entries: (args: Record<string, unknown>) => ({
        generation: (args.query as { text: string }).text === 'site' ? 4 : 5,
        total: 100,
        complete: false,
        rows,
      }),
      finish_search: () => new Promise<number>((resolve) => finishes.push(resolve)),
      list_tags: [],
      entry_rows: [],
    })
    render(PasswordsTab)
    await screen.findByText('100+ entries, counting…')
    expect(argsOf(calls, 'finish_search')).toEqual([{ generation: 5 }])

    const search = screen.getByTestId('search')
    await fireEvent.input(search, { target: { value: 'site' } })
    await vi.waitFor(() => expect(argsOf(calls, 'finish_search')).toHaveLength(2))
    expect(argsOf(calls, 'finish_search').at(-1)).toEqual({ generation: 4 })
    screen.getByText('Site 0')
    expect(argsOf(calls, 'entry_rows')).toEqual([])
    await fireEvent.click(screen.getByTestId('bulk-mode'))
    const selectAll = screen.getByTestId('select-all-results') as HTMLInputElement
    expect(selectAll.disabled).toBe(true)

    finishes[1](222_200)
    await screen.findByText('222,200 entries')
    // The count of the first search answers late: it must not replace the newer one.
    finishes[0](1_000_000)
    await new Promise((resolve) => setTimeout(resolve, 10))
    screen.getByText('222,200 entries')
    expect(selectAll.disabled).toBe(false)
    screen.getByText('Select all 222,200 results')
  })

  it('keeps the list and its count through a refresh after a change until the whole result is read', async () => {
    let searches = 0
    let finish: (total: number) => void = () => {}
    const calls = mockCommands({
      search_entries: () => {
        searches += 1
        return searches === 1
          ? { generation: 1, total: 5_000, complete: true, rows }
          : { generation: 2, total: 100, complete: false, rows }
      },
      finish_search: () => new Promise<number>((resolve) => (finish = resolve)),
      list_tags: [],
      entry_rows: [],
      undo: null,
    })
    render(PasswordsTab)
    await screen.findByText('5,000 entries')
    await fireEvent.click(screen.getByTestId('bulk-mode'))
    await fireEvent.click(screen.getByTestId('undo'))
    await vi.waitFor(() => expect(argsOf(calls, 'finish_search')).toEqual([{ generation: 2 }]))
    screen.getByText('5,000 entries')
    finish(4_999)
    await screen.findByText('4,999 entries')
  })
})
