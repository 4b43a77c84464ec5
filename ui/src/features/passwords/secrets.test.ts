import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { clearMocks } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, it } from 'vitest'
import type { EntryDetail, EntrySecret } from '../../lib/bindings'
import { argsOf, mockCommands } from '../../lib/testing'
import { toasts } from '../../lib/toasts.svelte'
import EntryEditor from './EntryEditor.svelte'

afterEach(() => {
  cleanup()
  clearMocks()
  toasts.splice(0)
})

/** What Rust sends when the entry opens: no secret value, only that there is one. */
const bank: EntryDetail = {
  id: 'e1',
  has_password: true,
  has_totp: true,
  created: '2030-01-01T10:00:00Z',
  modified: '2030-01-01T10:00:00Z',
  password_history_count: 1,
  title: 'Bank',
  username: 'ada',
  urls: [],
  notes: '',
  tags: [],
  folder: '',
  custom_fields: [
    { name: 'Branch', value: 'Main street', hidden: false, stored: 0 },
    { name: 'PIN', value: null, hidden: true, stored: 1 },
  ],
  favourite: false,
}

const SECRETS: Record<string, string> = {
  password: 'pw-current',
  custom_field: '1234',
  totp: 'JBSWY3DPEHPK3PXP',
  history: 'pw-before',
}

function answers() {
  return mockCommands({
    get_entry: bank,
    reveal_entry_secret: (args: Record<string, unknown>) => SECRETS[(args.secret as EntrySecret).kind],
    copy_entry_secret: { clear_after_seconds: 30 },
    password_history: [{ replaced_at: '2029-12-30T08:00:00Z' }],
    update_entry: bank,
  })
}

async function open() {
  render(EntryEditor, { entryId: 'e1', onsaved: () => {}, onclose: () => {} })
  await screen.findByDisplayValue('Bank')
}

describe('secret values in the entry window', () => {
  it('asks Rust for nothing secret when the entry opens', async () => {
    const calls = answers()
    await open()
    expect(calls.map((call) => call.command)).toEqual(['get_entry'])
    expect((screen.getByTestId('field-totp') as HTMLInputElement).value).toBe('')
    const values = screen.getAllByTestId('custom-field-value') as HTMLInputElement[]
    expect(values.map((input) => input.value)).toEqual(['Main street', ''])
  })

  it('reveals and copies each value on its own', async () => {
    const calls = answers()
    await open()

    await fireEvent.click(screen.getByTestId('reveal-custom-field'))
    await waitFor(() =>
      expect((screen.getAllByTestId('custom-field-value')[1] as HTMLInputElement).value).toBe('1234'),
    )
    expect((screen.getAllByTestId('custom-field-value')[1] as HTMLInputElement).type).toBe('text')

    await fireEvent.click(screen.getByTestId('reveal-totp'))
    await waitFor(() => expect((screen.getByTestId('field-totp') as HTMLInputElement).value).toBe(SECRETS.totp))

    await fireEvent.click(screen.getByTestId('show-history'))
    await fireEvent.click(await screen.findByTestId('reveal-history'))
    await waitFor(() => expect(screen.getByTestId('history-password').textContent).toBe('pw-before'))

    await fireEvent.click(screen.getByTestId('copy-totp'))
    await fireEvent.click(screen.getByTestId('copy-custom-field'))
    await fireEvent.click(screen.getByTestId('copy-history'))

    expect(argsOf(calls, 'reveal_entry_secret')).toEqual([
      { id: 'e1', secret: { kind: 'custom_field', index: 1 } },
      { id: 'e1', secret: { kind: 'totp' } },
      { id: 'e1', secret: { kind: 'history', index: 0 } },
    ])
    await waitFor(() => expect(argsOf(calls, 'copy_entry_secret')).toHaveLength(3))
    expect(argsOf(calls, 'copy_entry_secret')).toEqual([
      { id: 'e1', secret: { kind: 'totp' } },
      { id: 'e1', secret: { kind: 'custom_field', index: 1 } },
      { id: 'e1', secret: { kind: 'history', index: 0 } },
    ])
    await waitFor(() => expect(toasts.length).toBe(3))
    expect(toasts[0]!.text).toBe('TOTP secret copied. The clipboard is cleared in 30 s.')
  })

  it('a revealed value does not count as a change, and an edit saves only what the window knows', async () => {
    const calls = answers()
    await open()
    await fireEvent.click(screen.getByTestId('reveal-totp'))
    await waitFor(() => expect((screen.getByTestId('field-totp') as HTMLInputElement).value).toBe(SECRETS.totp))
    const save = screen.getByTestId('save-entry') as HTMLButtonElement
    expect(save.disabled).toBe(true)

    await fireEvent.input(screen.getByTestId('field-username'), { target: { value: 'grace' } })
    await fireEvent.click(save)
    await waitFor(() => expect(argsOf(calls, 'update_entry')).toHaveLength(1))
    const entry = argsOf(calls, 'update_entry')[0]!.entry as Record<string, unknown>
    expect(entry.password).toBeNull()
    expect(entry.totp).toBe(SECRETS.totp)
    expect(entry.custom_fields).toEqual([
      { name: 'Branch', value: 'Main street', hidden: false, stored: 0 },
      { name: 'PIN', value: null, hidden: true, stored: 1 },
    ])
  })

  it('shows why a value cannot be revealed', async () => {
    mockCommands({
      get_entry: bank,
      reveal_entry_secret: () => {
        throw { code: 'not_found', message: 'Entry e1 has no such value any more; open it again' }
      },
    })
    await open()
    await fireEvent.click(screen.getByTestId('reveal-custom-field'))
    expect((await screen.findByTestId('editor-error')).textContent).toContain('no such value')
    expect((screen.getAllByTestId('custom-field-value')[1] as HTMLInputElement).value).toBe('')
  })
})
