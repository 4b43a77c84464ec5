import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte'
import { clearMocks } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, it } from 'vitest'
import type { InboxMessage } from '../../lib/bindings'
import { navigation, resetNavigation } from '../../lib/navigation.svelte'
import { argsOf, mockCommands, type Answers } from '../../lib/testing'
import { dismissToast, toasts } from '../../lib/toasts.svelte'
import { ADA_WORDS, contact, EVERY_STATE } from '../people/fixtures'
import { forgetReceived, received } from '../pickups/received.svelte'
import { declineMessage, entry, inboxMessage, inboxPages, requestMessage, sentMessage } from './fixtures'
import { gapText, includedText, kindText, newMessageText, noteCounter, sentStatusChip } from './messages'
import { openedMessages } from './opened.svelte'
import AttachDialog from './AttachDialog.svelte'
import MessagesTab from './MessagesTab.svelte'

afterEach(() => {
  cleanup()
  clearMocks()
  resetNavigation()
  forgetReceived()
  openedMessages.clear()
  for (const toast of [...toasts]) dismissToast(toast.id)
})

describe('messages wording', () => {
  it('counts the note against the protocol limit of 500 characters', () => {
    expect(noteCounter('').label).toBe('0 / 500')
    expect(noteCounter('x'.repeat(500)).over).toBe(false)
    expect(noteCounter('x'.repeat(501)).label).toBe('1 character too many')
  })

  it('says what a send includes, notes only when asked and tags never', () => {
    expect(includedText(1, false)).toBe(
      '1 entry: title, username, password, websites, one-time password and custom fields (not the notes). Tags are never included.',
    )
    expect(includedText(2, true)).toMatch(/^2 entries: .*custom fields and notes\. Tags are never included\.$/)
  })

  it('words every sent status and the notification without content', () => {
    expect((['pending', 'queued', 'delivered', 'expired', 'refused'] as const).map((status) => sentStatusChip(status).label)).toEqual([
      'Sending…',
      'Waiting',
      'Delivered',
      'Expired',
      'Refused',
    ])
    expect(newMessageText({ from: 'Ada', kind: 'entries', entries: 1 })).toBe('New message from Ada (1 entry)')
    expect(newMessageText({ from: 'Ada', kind: 'entries', entries: 3 })).toBe('New message from Ada (3 entries)')
    // A request or a decline carries no entries: its words say what it is, not "0 entries".
    expect(newMessageText({ from: 'Ada', kind: 'request', entries: 0 })).toBe('Ada asks you for a password')
    expect(newMessageText({ from: 'Ada', kind: 'decline', entries: 0 })).toBe('Ada declined your request')
  })

  it('says what a message holds and how many earlier ones never arrived', () => {
    expect(kindText(inboxMessage())).toBe('2 entries')
    expect(kindText(requestMessage())).toBe('Asks for a password')
    expect(kindText(declineMessage())).toBe('Declined your request')
    expect(gapText(1, 'Ada')).toBe('1 earlier message from Ada never arrived')
    expect(gapText(1200, 'Ada')).toBe('1,200 earlier messages from Ada never arrived')
  })
})

describe('AttachDialog', () => {
  const one = { selection: { kind: 'ids' as const, ids: ['e1'] }, count: 1, label: 'Mail', onclose: () => {} }

  function mockAttach(overrides: Answers = {}) {
    return mockCommands({ list_people: EVERY_STATE, send_to_contact: sentMessage(), ...overrides })
  }

  it('lists contacts who cannot receive as disabled, each with the reason', async () => {
    mockAttach()
    render(AttachDialog, one)
    await screen.findAllByTestId('attach-contact-option')
    const options = screen.getAllByTestId('attach-contact-option')
    expect(options.map((option) => option.dataset.name)).toEqual(['Ada', 'Cy', 'Di', 'Ed', 'Flo'])
    expect(options.map((option) => (option.querySelector('input') as HTMLInputElement).disabled)).toEqual([false, true, true, true, true])
    expect(options.map((option) => within(option).queryByTestId('attach-contact-reason')?.textContent ?? null)).toEqual([
      null,
      'Key changed: compare their new words in People first',
      'Awaiting confirmation: they have not confirmed you yet',
      'Removed from your contacts',
      'Blocked',
    ])
    expect((screen.getByTestId('attach-next') as HTMLButtonElement).disabled).toBe(true)
  })

  it('counts the note, keeps notes out by default, and never sends tags', async () => {
    const calls = mockAttach()
    render(AttachDialog, one)
    expect(screen.getByTestId('attach-dialog').getAttribute('aria-label')).toBe('Send “Mail” to a contact')
    await fireEvent.click(within((await screen.findAllByTestId('attach-contact-option'))[0]).getByRole('radio'))
    expect((screen.getByTestId('attach-include-notes') as HTMLInputElement).checked).toBe(false)
    expect(screen.getByTestId('attach-tags-hint').textContent).toBe('Tags are never included.')
    await fireEvent.input(screen.getByTestId('attach-note'), { target: { value: 'x'.repeat(502) } })
    expect(screen.getByTestId('attach-note-count').textContent).toBe('2 characters too many')
    await fireEvent.click(screen.getByTestId('attach-next'))
    expect(screen.getByTestId('attach-error').textContent).toBe('The note can be at most 500 characters.')
    expect(screen.queryByTestId('attach-confirm')).toBeNull()
    await fireEvent.input(screen.getByTestId('attach-note'), { target: { value: 'For the trip' } })
    expect(screen.getByTestId('attach-note-count').textContent).toBe('12 / 500')
    expect(calls.some((call) => call.command === 'send_to_contact')).toBe(false)
  })

  it('confirms with the contact’s words and what is included, then sends the fingerprint shown', async () => {
    let closed = false
    const calls = mockAttach()
    render(AttachDialog, { selection: { kind: 'results', generation: 3, except: ['e9'] }, count: 2, onclose: () => (closed = true) })
    await fireEvent.click(within((await screen.findAllByTestId('attach-contact-option'))[0]).getByRole('radio'))
    await fireEvent.input(screen.getByTestId('attach-note'), { target: { value: 'For the trip' } })
    await fireEvent.click(screen.getByTestId('attach-include-notes'))
    await fireEvent.click(screen.getByTestId('attach-next'))
    await screen.findByTestId('attach-confirm')
    expect(screen.getByTestId('attach-confirm-name').textContent).toBe('Ada')
    expect(screen.getAllByTestId('attach-confirm-word').map((word) => word.textContent)).toEqual(ADA_WORDS)
    expect(screen.getByTestId('attach-confirm-included').textContent).toMatch(/^2 entries: .* and notes\. Tags are never included\.$/)
    expect(screen.getByTestId('attach-confirm-final').textContent).toMatch(/cannot be taken back/)
    expect(calls.some((call) => call.command === 'send_to_contact')).toBe(false)

    await fireEvent.click(screen.getByTestId('attach-send'))
    await waitFor(() => expect(closed).toBe(true))
    expect(argsOf(calls, 'send_to_contact')).toEqual([
      {
        request: {
          contact: 'Ada',
          fingerprint: 'YWRhLWZpbmdlcnByaW50',
          selection: { kind: 'results', generation: 3, except: ['e9'] },
          note: 'For the trip',
          include_notes: true,
        },
      },
    ])
    expect(toasts.map((toast) => toast.text)).toContain('Sent 2 entries to Ada.')
  })

  it('goes back to the picker when the key changed meanwhile, which now says so', async () => {
    let people = [contact()]
    mockAttach({
      list_people: () => people,
      send_to_contact: () => {
        people = [contact({ state: 'key_changed' })]
        throw { code: 'key_changed', message: 'Ada’s key changed: compare the new words before sending.' }
      },
    })
    render(AttachDialog, one)
    await fireEvent.click(within((await screen.findAllByTestId('attach-contact-option'))[0]).getByRole('radio'))
    await fireEvent.click(screen.getByTestId('attach-next'))
    await fireEvent.click(await screen.findByTestId('attach-send'))
    await waitFor(() => expect(screen.getByTestId('attach-error').textContent).toMatch(/key changed/))
    expect(screen.queryByTestId('attach-confirm')).toBeNull()
    expect(screen.getByTestId('attach-contact-reason').textContent).toMatch(/Key changed/)
    expect((screen.getByTestId('attach-next') as HTMLButtonElement).disabled).toBe(true)
  })

  it('says how to get contacts when there are none', async () => {
    mockAttach({ list_people: [] })
    let closed = false
    render(AttachDialog, { ...one, onclose: () => (closed = true) })
    expect((await screen.findByTestId('attach-no-contacts')).textContent).toMatch(/Invite someone in People/)
    await fireEvent.click(screen.getByRole('button', { name: 'Go to People' }))
    expect(closed).toBe(true)
    expect(navigation.tab).toBe('people')
  })
})

/** Rust behind the Messages tab. */
function mockMessages(overrides: Answers = {}) {
  return mockCommands({
    inbox_page: inboxPages([inboxMessage()]),
    inbox_dropped: { quarantined: 0, rejected: 0 },
    list_people: [contact()],
    show_message: (args: Record<string, unknown>) => inboxMessage({ id: String(args.id) }),
    sent_messages: [],
    refresh_sent_messages: [],
    sent_list: [],
    ...overrides,
  })
}

describe('Inbox', () => {
  it('lists messages with sender, badge, count, note without bidi controls, time and new marker', async () => {
    mockMessages({
      inbox_page: inboxPages([
        inboxMessage({ id: 'older', note: 'opened before a restart', read: true }),
        inboxMessage({ id: 'old', note: 'first' }),
        inboxMessage({ id: 'new', note: 'pay \u202Eexe.pdf', saved_entry_ids: [] }),
        inboxMessage({ id: 'saved', saved_entry_ids: ['e1', 'e2'] }),
      ]),
    })
    render(MessagesTab)
    await screen.findAllByTestId('inbox-row')
    const rows = screen.getAllByTestId('inbox-row')
    expect(rows.map((row) => row.dataset.id)).toEqual(['saved', 'new', 'old', 'older'])
    expect(rows[1].textContent).toContain('Ada')
    expect(rows[1].textContent).toContain('2 entries')
    expect(rows[1].textContent).toContain('pay exe.pdf')
    expect(rows[1].textContent).not.toContain('\u202E')
    expect(within(rows[1]).getByTestId('inbox-badge').textContent).toBe('Verified by invite')
    // Saved, or opened at any time before (the vault keeps it): not new.
    expect(rows.map((row) => within(row).queryByTestId('inbox-unread') !== null)).toEqual([false, true, true, false])
    await fireEvent.click(rows[1])
    await screen.findByTestId('message-view')
    expect(within(rows[1]).queryByTestId('inbox-unread')).toBeNull()
    expect(screen.getByTestId('messages-inbox-tab').getAttribute('aria-selected')).toBe('true')
  })

  it('counts quarantined and dropped messages, and marks an email pickup as an email link', async () => {
    mockMessages({ inbox_page: inboxPages([]), inbox_dropped: { quarantined: 3, rejected: 1 } })
    received.summary = { token: 7, sender_name: 'Eve', message: '', total: 2, rows: [] }
    render(MessagesTab)
    const said = (testid: string) => screen.getByTestId(testid).textContent?.replace(/\s+/g, ' ')
    await screen.findByTestId('inbox-quarantined')
    expect(said('inbox-quarantined')).toMatch(/3 messages from people who are not your contacts were set aside/)
    expect(said('inbox-rejected')).toMatch(/1 message could not be opened .* and was dropped/)
    const email = screen.getByTestId('inbox-email-row')
    expect(email.textContent).toContain('Email link')
    expect(email.textContent).toContain('Eve')
    await fireEvent.click(email)
    expect(await screen.findByTestId('receive-summary')).not.toBeNull()
    await fireEvent.click(screen.getByTestId('messages-back'))
    expect(screen.getByTestId('inbox-list')).not.toBeNull()
  })

  it('opens an email link from the toolbar and says how to get messages when empty', async () => {
    mockMessages({ inbox_page: inboxPages([]) })
    render(MessagesTab)
    expect((await screen.findByTestId('inbox-empty')).textContent).toMatch(/Send to contact…/)
    await fireEvent.click(screen.getByTestId('messages-open-link'))
    expect(screen.getByTestId('receive-link')).not.toBeNull()
    expect(navigation.messages).toBe('link')
  })

  it('shows only the messages with one contact when People asked for it', async () => {
    mockMessages({ inbox_page: inboxPages([inboxMessage({ id: 'a' }), inboxMessage({ id: 'b', from: 'Cy' })]) })
    navigation.contact = 'Cy'
    render(MessagesTab)
    await waitFor(() => expect(screen.getAllByTestId('inbox-row').map((row) => row.dataset.id)).toEqual(['b']))
    await fireEvent.click(within(screen.getByTestId('messages-contact-filter')).getByRole('button'))
    await waitFor(() => expect(screen.getAllByTestId('inbox-row')).toHaveLength(2))
  })
})

describe('Message view', () => {
  it('shows the note as plain text, entries with hidden secrets, and reveals and copies through Rust', async () => {
    const calls = mockMessages({
      show_message: inboxMessage({ note: '<b>Hi</b> \u2066there\u2069\nline 2', entries: [entry({ notes: 'Door code in the fields' })] }),
      reveal_message_entry: entry({ password: 'hunter2', notes: 'Door code in the fields', custom_fields: [{ name: 'Recovery', value: 'r-123', hidden: true }], totp: 'JBSWY3DP' }),
      copy_message_password: { clear_after_seconds: 30 },
    })
    render(MessagesTab)
    await fireEvent.click(await screen.findByTestId('inbox-row'))
    const note = await screen.findByTestId('message-note')
    expect(note.textContent).toBe('<b>Hi</b> there\nline 2')
    expect(note.querySelector('b')).toBeNull()
    expect(screen.getByTestId('message-from').textContent).toBe('Ada')
    expect(screen.getByTestId('message-badge').textContent).toBe('Verified by invite')
    const card = screen.getByTestId('message-entry')
    expect(within(card).getByTestId('message-entry-password').textContent).toBe('••••••••••••')
    expect(within(card).getAllByTestId('message-entry-field').map((field) => field.textContent)).toEqual(['••••••••', '4711'])
    expect(within(card).getByTestId('message-entry-notes').textContent).toBe('Door code in the fields')
    expect(card.textContent).not.toContain('hunter2')

    await fireEvent.click(within(card).getByTestId('message-entry-reveal'))
    await waitFor(() => expect(within(card).getByTestId('message-entry-password').textContent).toBe('hunter2'))
    expect(argsOf(calls, 'reveal_message_entry')).toEqual([{ id: 'bWVzc2FnZS0x', index: 0 }])
    expect(card.textContent).toContain('JBSWY3DP')
    expect(within(card).getAllByTestId('message-entry-field')[0].textContent).toBe('r-123')
    await fireEvent.click(within(card).getByTestId('message-entry-reveal'))
    expect(within(card).getByTestId('message-entry-password').textContent).toBe('••••••••••••')

    await fireEvent.click(within(card).getByTestId('message-entry-copy'))
    await waitFor(() => expect(argsOf(calls, 'copy_message_password')).toEqual([{ id: 'bWVzc2FnZS0x', index: 0 }]))
    expect(toasts.map((toast) => toast.text)).toContain('Password copied. The clipboard is cleared in 30 s.')
  })

  it('saves all to the vault with Undo, then shows the first saved entry in the vault', async () => {
    let saved: string[] = []
    const calls = mockMessages({
      show_message: () => inboxMessage({ saved_entry_ids: saved }),
      save_message: () => (saved = ['e1', 'e2']),
      undo: () => {
        saved = []
        return { id: 9, description: 'Saved 2 entries from Ada', time: '2030-01-02T10:00:00Z', entry_count: 2 }
      },
    })
    render(MessagesTab)
    await fireEvent.click(await screen.findByTestId('inbox-row'))
    await fireEvent.click(await screen.findByTestId('message-save-all'))
    await waitFor(() => expect(screen.getByTestId('message-save-all').textContent?.trim()).toBe('Saved 2 entries'))
    expect(argsOf(calls, 'save_message')).toEqual([{ id: 'bWVzc2FnZS0x' }])
    const toast = toasts.find((candidate) => candidate.text === 'Saved 2 entries from Ada to your vault.')
    expect(toast?.action?.label).toBe('Undo')

    toast?.action?.run()
    await waitFor(() => expect(screen.getByTestId('message-save-all').textContent?.trim()).toBe('Save all to vault'))
    expect(argsOf(calls, 'undo')).toHaveLength(1)
    expect(screen.queryByTestId('message-show-in-vault')).toBeNull()

    await fireEvent.click(screen.getByTestId('message-save-all'))
    await fireEvent.click(await screen.findByTestId('message-show-in-vault'))
    expect(navigation.tab).toBe('passwords')
    expect(navigation.entry).toBe('e1')
  })

  it('saves one entry', async () => {
    const calls = mockMessages({ save_message_entry: ['e7'] })
    render(MessagesTab)
    await fireEvent.click(await screen.findByTestId('inbox-row'))
    await fireEvent.click((await screen.findAllByTestId('message-entry-save'))[1])
    await waitFor(() => expect(argsOf(calls, 'save_message_entry')).toEqual([{ id: 'bWVzc2FnZS0x', index: 1 }]))
    const toast = toasts.find((candidate) => candidate.text === 'Saved “Bank” to your vault.')
    toast?.action?.run()
    expect(navigation.entry).toBe('e7')
  })

  it('exports the open message or the ticked ones to any CSV format or PDF', async () => {
    const calls = mockMessages({
      inbox_page: inboxPages([inboxMessage({ id: 'a' }), inboxMessage({ id: 'b' }), inboxMessage({ id: 'h', state: 'held' })]),
      choose_export_file: { path: '/tmp/messages.csv' },
      export_csv: 4,
      export_pdf: 2,
    })
    render(MessagesTab)
    await screen.findAllByTestId('inbox-row')
    expect((screen.getByTestId('inbox-export') as HTMLButtonElement).disabled).toBe(true)
    for (const tick of screen.getAllByTestId('inbox-select')) await fireEvent.click(tick)
    await fireEvent.click(screen.getByTestId('inbox-export'))
    const dialog = await screen.findByTestId('export-dialog')
    expect(dialog.textContent).toContain('2 messages (4 entries)')
    await fireEvent.change(screen.getByTestId('export-format'), { target: { value: 'keepassxc' } })
    await fireEvent.click(screen.getByTestId('export-run'))
    await waitFor(() => expect(screen.queryByTestId('export-dialog')).toBeNull())
    expect(argsOf(calls, 'export_csv')).toEqual([
      { target: { source: { kind: 'messages', ids: ['b', 'a'] }, path: '/tmp/messages.csv' }, format: 'keepassxc' },
    ])

    for (const tick of screen.getAllByTestId('inbox-select')) await fireEvent.click(tick)
    await fireEvent.click(screen.getAllByTestId('inbox-row')[2])
    await fireEvent.click(await screen.findByTestId('message-export'))
    await fireEvent.change(screen.getByTestId('export-format'), { target: { value: 'pdf' } })
    await fireEvent.click(screen.getByTestId('export-run'))
    await waitFor(() =>
      expect(argsOf(calls, 'export_pdf')).toEqual([{ target: { source: { kind: 'messages', ids: ['a'] }, path: '/tmp/messages.csv' } }]),
    )
  })

  it('deletes after a confirm step', async () => {
    let messages: InboxMessage[] = [inboxMessage()]
    const calls = mockMessages({
      inbox_page: inboxPages(() => messages),
      delete_message: () => {
        messages = []
        return null
      },
    })
    render(MessagesTab)
    await fireEvent.click(await screen.findByTestId('inbox-row'))
    await fireEvent.click(await screen.findByTestId('message-delete'))
    expect(argsOf(calls, 'delete_message')).toEqual([])
    await fireEvent.click(await screen.findByTestId('message-delete-confirm'))
    await waitFor(() => expect(screen.queryByTestId('message-view')).toBeNull())
    expect(argsOf(calls, 'delete_message')).toEqual([{ id: 'bWVzc2FnZS0x' }])
    await screen.findByTestId('inbox-empty')
  })

  it('holds a message from a changed key: explained, content only on request, never saved', async () => {
    mockMessages({
      inbox_page: inboxPages([inboxMessage({ state: 'held', note: 'secret note' })]),
      list_people: [EVERY_STATE[1]],
      show_message: inboxMessage({ from: 'Cy', state: 'held', note: 'secret note' }),
    })
    navigation.messages = 'inbox'
    render(MessagesTab)
    const row = await screen.findByTestId('inbox-row')
    expect(within(row).getByTestId('inbox-held').textContent).toBe('Held')
    expect(row.textContent).not.toContain('secret note')
    await fireEvent.click(row)
    const held = await screen.findByTestId('message-held')
    expect(held.textContent).toMatch(/not the one you pinned for Cy/)
    expect(held.textContent).toMatch(/cannot be saved/)
    expect(screen.getByTestId('message-badge').textContent).toBe('Key changed')
    expect(screen.queryByTestId('message-note')).toBeNull()
    expect(screen.queryByTestId('message-entry')).toBeNull()
    await fireEvent.click(screen.getByTestId('message-show-anyway'))
    expect(screen.getByTestId('message-note').textContent).toBe('secret note')
    expect(screen.getAllByTestId('message-entry')).toHaveLength(2)
    expect(screen.queryByTestId('message-save-all')).toBeNull()
    expect(screen.queryByTestId('message-entry-save')).toBeNull()
    expect(screen.queryByTestId('message-export')).toBeNull()
  })
})

describe('Sent', () => {
  it('lists messages to contacts with status, and shows the copy exactly as sent, read-only', async () => {
    const sent = [
      sentMessage({ id: 's1', status: 'queued' }),
      sentMessage({ id: 's2', to: 'Cy', status: 'queued', note: 'two \u202Ewords' }),
      sentMessage({ id: 's3', status: 'expired' }),
      sentMessage({ id: 's4', status: 'refused' }),
    ]
    mockMessages({
      sent_messages: sent,
      // The relay says s2 arrived meanwhile.
      refresh_sent_messages: sent.map((message) => (message.id === 's2' ? { ...message, status: 'delivered' } : message)),
    })
    navigation.messages = 'sent'
    render(MessagesTab)
    await screen.findAllByTestId('sent-message-row')
    await waitFor(() =>
      expect(screen.getAllByTestId('sent-message-status').map((chip) => chip.textContent)).toEqual(['Waiting', 'Delivered', 'Expired', 'Refused']),
    )
    const second = screen.getAllByTestId('sent-message-row')[1]
    expect(second.textContent).toContain('Cy')
    expect(second.textContent).toContain('1 entry')
    await fireEvent.click(within(second).getByRole('button'))
    const copy = within(second).getByTestId('sent-message-view')
    expect(copy.textContent).toMatch(/cannot be taken back/)
    expect(copy.textContent).toContain('two words')
    expect(within(copy).getByTestId('message-entry-title').textContent).toBe('Wi-Fi')
    expect(within(copy).queryByTestId('message-entry-reveal')).toBeNull()
    expect(within(copy).queryByTestId('message-entry-save')).toBeNull()
    expect(screen.getByTestId('sent-empty')).not.toBeNull()
  })

  it('keeps the last known statuses when the relay cannot be asked', async () => {
    mockMessages({
      sent_messages: [sentMessage({ status: 'queued' })],
      refresh_sent_messages: () => {
        throw { code: 'relay_unreachable', message: 'The relay cannot be reached.' }
      },
    })
    navigation.messages = 'sent'
    render(MessagesTab)
    expect((await screen.findByTestId('sent-messages-stale')).textContent).toMatch(/cannot be reached/)
    expect(screen.getByTestId('sent-message-status').textContent).toBe('Waiting')
  })

  it('switches between Inbox and Sent with the arrow keys', async () => {
    mockMessages()
    render(MessagesTab)
    await fireEvent.keyDown(screen.getByRole('tablist', { name: 'Messages' }), { key: 'ArrowRight' })
    expect(navigation.messages).toBe('sent')
    expect(screen.getByTestId('messages-sent-tab').getAttribute('aria-selected')).toBe('true')
    await screen.findByTestId('sent-messages-empty')
    await fireEvent.keyDown(screen.getByRole('tablist', { name: 'Messages' }), { key: 'ArrowLeft' })
    expect(navigation.messages).toBe('inbox')
  })

  it('says how to send when nothing went to contacts yet', async () => {
    mockMessages()
    navigation.messages = 'sent'
    render(MessagesTab)
    expect((await screen.findByTestId('sent-messages-empty')).textContent).toMatch(/Send to contact…/)
  })
})

describe('Inbox with 10,000 messages', () => {
  it('fetches and draws only the rows in view, and the block scrolled to', async () => {
    const many = Array.from({ length: 10_000 }, (_, index) => inboxMessage({ id: `m${index}`, from: index % 2 ? 'Ada' : 'Cy' }))
    const calls = mockMessages({ inbox_page: inboxPages(many) })
    render(MessagesTab)
    await waitFor(() => expect(screen.getByTestId('inbox-count').textContent).toBe('10,000 messages'))
    expect(argsOf(calls, 'inbox_page')).toEqual([{ contact: null, start: 0, count: 100 }])
    const drawn = screen.getAllByTestId('inbox-row')
    expect(drawn.length).toBeLessThan(30)
    expect(drawn[0].dataset.id).toBe('m9999')

    const list = screen.getByTestId('inbox-list')
    list.scrollTop = 78 * 5_000
    await fireEvent.scroll(list)
    await waitFor(() => expect(screen.getAllByTestId('inbox-row')[0]?.dataset.id).toBe(`m${9_999 - 4_992}`))
    expect(screen.getAllByTestId('inbox-row').length).toBeLessThan(30)
    expect(argsOf(calls, 'inbox_page').map((args) => args.start)).toEqual([0, 4_900, 5_000])
  })

  it('asks Rust for one contact’s messages when People asked for them', async () => {
    const many = Array.from({ length: 300 }, (_, index) => inboxMessage({ id: `m${index}`, from: index % 3 ? 'Ada' : 'Cy' }))
    const calls = mockMessages({ inbox_page: inboxPages(many) })
    navigation.contact = 'Cy'
    render(MessagesTab)
    await waitFor(() => expect(screen.getByTestId('inbox-count').textContent).toBe('100 messages'))
    expect(argsOf(calls, 'inbox_page')).toEqual([{ contact: 'Cy', start: 0, count: 100 }])
    expect(screen.getAllByTestId('inbox-row').every((row) => row.textContent?.includes('Cy'))).toBe(true)
  })
})

describe('Requests, declines and gaps', () => {
  const ENTRIES = [
    { id: 'e1', title: 'Shop Wi-Fi', username: 'guest', urls: [], tags: [], folder: '', favourite: false, modified: '2030-01-01T10:00:00Z' },
    { id: 'e2', title: 'Router', username: 'admin', urls: [], tags: [], folder: '', favourite: false, modified: '2030-01-01T10:00:00Z' },
  ]

  it('lists a request with its text, a decline as such and a gap, and exports none of the first two', async () => {
    mockMessages({
      inbox_page: inboxPages([
        requestMessage({ id: 'req', request_text: 'Wi-Fi \u202Eplease' }),
        declineMessage({ id: 'dec' }),
        inboxMessage({ id: 'gap', missing_before: 2 }),
      ]),
    })
    render(MessagesTab)
    await screen.findAllByTestId('inbox-row')
    const [gap, decline, request] = screen.getAllByTestId('inbox-row')
    expect(within(request).getByTestId('inbox-request').textContent).toBe('Request')
    expect(request.textContent).toContain('Asks for a password')
    expect(request.textContent).toContain('Wi-Fi please')
    expect(request.textContent).not.toContain('0 entries')
    expect(within(decline).getByTestId('inbox-decline').textContent).toBe('Declined')
    expect(decline.textContent).toContain('Declined your request')
    expect(within(gap).getByTestId('inbox-gap').textContent).toBe('2 earlier messages from Ada never arrived')
    expect(within(request).queryByTestId('inbox-gap')).toBeNull()

    for (const tick of screen.getAllByTestId('inbox-select').slice(1)) await fireEvent.click(tick)
    expect((screen.getByTestId('inbox-export') as HTMLButtonElement).disabled).toBe(true)
  })

  it('shows a request with “Send entries…”, which picks entries and sends them to that contact', async () => {
    const calls = mockMessages({
      inbox_page: inboxPages([requestMessage()]),
      show_message: requestMessage(),
      search_entries: (args: Record<string, unknown>) => {
        const rows = (args.query as { text: string }).text ? ENTRIES.slice(0, 1) : ENTRIES
        return { generation: 4, total: rows.length, complete: true, rows }
      },
      send_to_contact: sentMessage(),
    })
    render(MessagesTab)
    await fireEvent.click(await screen.findByTestId('inbox-row'))
    expect((await screen.findByTestId('message-request-text')).textContent).toBe('The shop’s Wi-Fi password, please')
    expect(screen.queryByTestId('message-save-all')).toBeNull()
    expect(screen.queryByTestId('message-export')).toBeNull()
    expect(screen.getByTestId('message-view').textContent).toContain('Asks for a password')

    await fireEvent.click(screen.getByTestId('message-send-entries'))
    const dialog = await screen.findByTestId('attach-dialog')
    expect(within(dialog).getByTestId('attach-request').textContent).toBe('Ada asked for: The shop’s Wi-Fi password, please')
    const ada = within(dialog).getAllByTestId('attach-contact-option').find((option) => option.dataset.name === 'Ada')!
    expect((within(ada).getByRole('radio') as HTMLInputElement).checked).toBe(true)
    await fireEvent.click(within(dialog).getByTestId('attach-next'))
    expect(within(dialog).getByTestId('attach-error').textContent).toBe('Tick at least one entry to send.')

    const options = await within(dialog).findAllByTestId('attach-entry-option')
    expect(options.map((option) => option.dataset.id)).toEqual(['e1', 'e2'])
    await fireEvent.click(options[0])
    expect(within(dialog).getByTestId('attach-entry-count').textContent).toBe('1 ticked: Shop Wi-Fi.')
    await fireEvent.click(within(dialog).getByTestId('attach-next'))
    expect(within(dialog).getByTestId('attach-confirm-included').textContent).toMatch(/^1 entry: /)
    await fireEvent.click(within(dialog).getByTestId('attach-send'))
    await waitFor(() => expect(screen.queryByTestId('attach-dialog')).toBeNull())
    expect(argsOf(calls, 'send_to_contact')).toEqual([
      {
        request: {
          contact: 'Ada',
          fingerprint: 'YWRhLWZpbmdlcnByaW50',
          selection: { kind: 'ids', ids: ['e1'] },
          note: '',
          include_notes: false,
        },
      },
    ])
    expect(toasts.map((toast) => toast.text)).toContain('Sent 1 entry to Ada.')
  })

  it('declines a request after showing the contact’s words, with the fingerprint shown', async () => {
    const calls = mockMessages({
      inbox_page: inboxPages([requestMessage()]),
      show_message: requestMessage(),
      decline_request: sentMessage({ kind: 'decline', entries: [], declines: 'cmVxdWVzdC0x' }),
    })
    render(MessagesTab)
    await fireEvent.click(await screen.findByTestId('inbox-row'))
    await fireEvent.click(await screen.findByTestId('message-decline-open'))
    const dialog = await screen.findByTestId('message-decline-dialog')
    expect(within(dialog).getAllByTestId('message-decline-word').map((word) => word.textContent)).toEqual(ADA_WORDS)
    expect(calls.some((call) => call.command === 'decline_request')).toBe(false)
    await fireEvent.click(within(dialog).getByTestId('message-decline-confirm'))
    await waitFor(() => expect(screen.queryByTestId('message-decline-dialog')).toBeNull())
    expect(argsOf(calls, 'decline_request')).toEqual([{ id: 'cmVxdWVzdC0x', fingerprint: 'YWRhLWZpbmdlcnByaW50' }])
    expect(toasts.map((toast) => toast.text)).toContain("Declined Ada's request. They see that you said no.")
  })

  it('cannot answer a request from a contact whose key changed, and says why', async () => {
    mockMessages({
      inbox_page: inboxPages([requestMessage()]),
      show_message: requestMessage(),
      list_people: [contact({ state: 'key_changed' })],
    })
    render(MessagesTab)
    await fireEvent.click(await screen.findByTestId('inbox-row'))
    await screen.findByTestId('message-request')
    await waitFor(() => expect((screen.getByTestId('message-send-entries') as HTMLButtonElement).disabled).toBe(true))
    expect((screen.getByTestId('message-decline-open') as HTMLButtonElement).disabled).toBe(true)
    expect(screen.getByTestId('message-unanswerable').textContent).toMatch(/Key changed/)
  })

  it('shows a decline as such, with my request as I sent it', async () => {
    mockMessages({
      inbox_page: inboxPages([declineMessage()]),
      show_message: declineMessage(),
      sent_messages: [sentMessage({ id: 'bXktcmVxdWVzdA', kind: 'request', entries: [], note: '', request_text: 'The NAS login?' })],
    })
    render(MessagesTab)
    await fireEvent.click(await screen.findByTestId('inbox-row'))
    expect((await screen.findByTestId('message-decline')).textContent).toMatch(/Ada declined your request\. They sent nothing\./)
    expect((await screen.findByTestId('message-declined-request')).textContent).toMatch(/“The NAS login\?”/)
    expect(screen.queryByTestId('message-send-entries')).toBeNull()
    expect(screen.queryByTestId('message-save-all')).toBeNull()
  })

  it('warns on a message after a gap in the sender’s numbers', async () => {
    mockMessages({ show_message: inboxMessage({ missing_before: 1 }) })
    render(MessagesTab)
    await fireEvent.click(await screen.findByTestId('inbox-row'))
    expect((await screen.findByTestId('message-gap')).textContent).toMatch(/^1 earlier message from Ada never arrived\. /)
    expect(screen.getByTestId('message-save-all')).not.toBeNull()
  })
})
