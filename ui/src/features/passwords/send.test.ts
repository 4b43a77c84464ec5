import { cleanup, fireEvent, render, screen } from '@testing-library/svelte'
import { clearMocks } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, it } from 'vitest'
import type { EntryDetail } from '../../lib/bindings'
import { argsOf, mockCommands } from '../../lib/testing'
import { contact } from '../people/fixtures'
import { navigation, resetNavigation, showEntry } from '../../lib/navigation.svelte'
import BulkBar from './BulkBar.svelte'
import EntryEditor from './EntryEditor.svelte'
import PasswordsTab from './PasswordsTab.svelte'

afterEach(() => {
  cleanup()
  clearMocks()
  resetNavigation()
})

const mail: EntryDetail = {
  id: 'e1',
  has_password: true,
  has_totp: false,
  created: '2030-01-01T10:00:00Z',
  modified: '2030-01-01T10:00:00Z',
  password_history_count: 0,
  title: 'Mail',
  username: 'ada',
  urls: [],
  notes: '',
  tags: [],
  folder: '',
  custom_fields: [],
  favourite: false,
}

describe('Send to contact… beside Send to email…', () => {
  it('opens the attach dialog for the entry in the entry window, once its changes are saved', async () => {
    const calls = mockCommands({ get_entry: mail, list_people: [contact()] })
    render(EntryEditor, { entryId: 'e1', onsaved: () => {}, onclose: () => {} })
    const button = (await screen.findByTestId('entry-send-contact')) as HTMLButtonElement
    await screen.findByDisplayValue('Mail')
    expect(screen.getByTestId('entry-send').textContent).toBe('Send to email…')
    expect(button.textContent).toBe('Send to contact…')
    await fireEvent.input(screen.getByTestId('field-username'), { target: { value: 'ada2' } })
    expect(button.disabled).toBe(true)
    await fireEvent.input(screen.getByTestId('field-username'), { target: { value: 'ada' } })
    expect(button.disabled).toBe(false)
    await fireEvent.click(button)
    expect(screen.getByTestId('attach-dialog').getAttribute('aria-label')).toBe('Send “Mail” to a contact')
    await screen.findAllByTestId('attach-contact-option')
    expect(argsOf(calls, 'list_people')).toHaveLength(1)
  })

  it('opens the attach dialog for the selection in bulk edit', async () => {
    mockCommands({ list_people: [contact()] })
    const props = {
      count: 0,
      total: 5,
      allResults: false,
      selection: () => ({ kind: 'results' as const, generation: 2, except: [] }),
      onselectall: () => {},
      onclear: () => {},
      onchanged: () => {},
      onundo: () => {},
    }
    const { rerender } = render(BulkBar, props)
    expect((screen.getByTestId('bulk-send-contact') as HTMLButtonElement).disabled).toBe(true)
    await rerender({ ...props, count: 5, allResults: true })
    await fireEvent.click(screen.getByTestId('bulk-send-contact'))
    expect(screen.getByTestId('attach-dialog').getAttribute('aria-label')).toBe('Send 5 entries to a contact')
  })
})

describe('Show in vault', () => {
  it('opens the entry Messages asked for in the entry window', async () => {
    const calls = mockCommands({ search_entries: { generation: 1, total: 0, complete: true, rows: [] }, list_tags: [], get_entry: mail })
    showEntry('e1')
    expect(navigation.tab).toBe('passwords')
    render(PasswordsTab)
    await screen.findByDisplayValue('Mail')
    expect(argsOf(calls, 'get_entry')).toEqual([{ id: 'e1' }])
    expect(navigation.entry).toBeNull()
  })
})
