import { flushSync } from 'svelte'
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { clearMocks } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EntryDetail } from '../../lib/bindings'
import { argsOf, mockCommands } from '../../lib/testing'
import { toasts } from '../../lib/toasts.svelte'
import EntryEditor from './EntryEditor.svelte'

afterEach(() => {
  cleanup()
  clearMocks()
  toasts.splice(0)
})

/** The entry as the window opens it, and as a bulk edit (add tag "shared") left it. */
const mail: EntryDetail = {
  id: 'e1',
  has_password: true,
  has_totp: false,
  created: '2030-01-01T10:00:00Z',
  modified: '2030-01-01T10:00:00.123456789Z',
  password_history_count: 0,
  title: 'Mail',
  username: 'ada',
  urls: ['https://mail.example'],
  notes: '',
  tags: [],
  folder: '',
  custom_fields: [],
  favourite: false,
}
const tagged: EntryDetail = { ...mail, tags: ['shared'], modified: '2030-01-02T09:00:00.5Z' }

const ENTRY_CHANGED = {
  code: 'entry_changed',
  message: 'This entry was changed since you opened it (by a bulk edit or undo), so your edits were not saved.',
}

/** Rust's answers: `stored` is the entry as the vault has it at the time of each call. */
function vault(stored: { entry: EntryDetail | null }) {
  return mockCommands({
    get_entry: () => {
      if (stored.entry === null) throw { code: 'not_found', message: 'Entry e1 not found' }
      return stored.entry
    },
    update_entry: (args: Record<string, unknown>) => {
      if (stored.entry === null || args.modified !== stored.entry.modified) throw ENTRY_CHANGED
      return { ...stored.entry, ...(args.entry as object), modified: '2030-01-03T00:00:00Z' }
    },
  })
}

/**
 * Opens the window on the entry. Its props are state, as a parent's are: `changed()` counts a
 * change made elsewhere in the tab, and only the `changes` prop changes.
 */
async function open(onclose = () => {}) {
  const props = $state({ entryId: 'e1', changes: 0, onsaved: () => {}, onclose })
  render(EntryEditor, props)
  await screen.findByDisplayValue('Mail')
  return {
    changed() {
      props.changes += 1
      flushSync()
    },
  }
}

const tagsField = () => screen.getByTestId('field-tags') as HTMLInputElement
const usernameField = () => screen.getByTestId('field-username') as HTMLInputElement
const saveButton = () => screen.getByTestId('save-entry') as HTMLButtonElement

describe('the entry window after a change made elsewhere (bulk edit, undo)', () => {
  it('saves with the modified time of the entry as it read it', async () => {
    const calls = vault({ entry: mail })
    await open()
    await fireEvent.input(usernameField(), { target: { value: 'grace' } })
    await fireEvent.click(saveButton())
    await waitFor(() => expect(argsOf(calls, 'update_entry')).toHaveLength(1))
    expect(argsOf(calls, 'update_entry')[0]!.modified).toBe(mail.modified)
  })

  it('shows the entry anew when the form has no edits', async () => {
    const stored = { entry: mail }
    vault(stored)
    const view = await open()
    stored.entry = tagged
    view.changed()
    await waitFor(() => expect(tagsField().value).toBe('shared'))
    expect(screen.queryByTestId('entry-changed')).toBeNull()
    expect(saveButton().disabled).toBe(true)
  })

  it('keeps the edits, refuses to save them over the change, and reloads on request', async () => {
    const stored = { entry: mail }
    const calls = vault(stored)
    const view = await open()
    await fireEvent.input(usernameField(), { target: { value: 'grace' } })
    stored.entry = tagged
    view.changed()

    expect((await screen.findByTestId('entry-changed')).textContent).toContain('changed since you opened it')
    expect(usernameField().value).toBe('grace')
    expect(tagsField().value).toBe('')
    expect(saveButton().disabled).toBe(true)
    await fireEvent.submit(screen.getByTestId('entry-editor'))
    expect(argsOf(calls, 'update_entry')).toHaveLength(0)

    await fireEvent.click(screen.getByTestId('entry-reload'))
    await waitFor(() => expect(tagsField().value).toBe('shared'))
    expect(usernameField().value).toBe('ada')
    expect(screen.queryByTestId('entry-changed')).toBeNull()
    await fireEvent.input(usernameField(), { target: { value: 'grace' } })
    await fireEvent.click(saveButton())
    await waitFor(() => expect(argsOf(calls, 'update_entry')).toHaveLength(1))
    expect(argsOf(calls, 'update_entry')[0]!.modified).toBe(tagged.modified)
    expect(screen.queryByTestId('editor-error')).toBeNull()
  })

  it('shows Rust refusing a save over a change it was not told about', async () => {
    const stored = { entry: mail }
    vault(stored)
    await open()
    stored.entry = tagged
    await fireEvent.input(usernameField(), { target: { value: 'grace' } })
    await fireEvent.click(saveButton())
    await screen.findByTestId('entry-changed')
    expect(usernameField().value).toBe('grace')
    expect(screen.queryByTestId('editor-error')).toBeNull()
    expect(toasts).toHaveLength(0)
  })

  it('closes when the entry was deleted, unless the form has edits to copy from', async () => {
    const stored: { entry: EntryDetail | null } = { entry: mail }
    vault(stored)
    const onclose = vi.fn()
    const view = await open(onclose)
    stored.entry = null
    view.changed()
    await waitFor(() => expect(onclose).toHaveBeenCalledOnce())

    cleanup()
    stored.entry = mail
    const kept = vi.fn()
    const edited = await open(kept)
    await fireEvent.input(usernameField(), { target: { value: 'grace' } })
    stored.entry = null
    edited.changed()
    expect((await screen.findByTestId('editor-error')).textContent).toContain('was deleted')
    expect(usernameField().value).toBe('grace')
    expect(kept).not.toHaveBeenCalled()
  })
})
