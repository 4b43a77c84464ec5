// Test data shared by the Messages tests: messages as Rust's commands give them (passwords hidden).
import type { InboxMessage, InboxPage, ReceivedEntry, SentMessage } from '../../lib/bindings'

export function entry(overrides: Partial<ReceivedEntry> = {}): ReceivedEntry {
  return {
    title: 'Mail',
    username: 'ada@example.com',
    password: null,
    urls: ['https://mail.example'],
    notes: '',
    custom_fields: [
      { name: 'Recovery', value: null, hidden: true },
      { name: 'Account', value: '4711', hidden: false },
    ],
    totp: null,
    ...overrides,
  }
}

export function inboxMessage(overrides: Partial<InboxMessage> = {}): InboxMessage {
  return {
    id: 'bWVzc2FnZS0x',
    from: 'Ada',
    sender_name: 'Ada',
    from_fingerprint: 'YWRhLWZpbmdlcnByaW50',
    state: 'accepted',
    kind: 'entries',
    sequence: 1,
    missing_before: 0,
    request_text: null,
    declines: null,
    note: 'Your logins',
    sent_at: '2030-01-02T09:00:00Z',
    received_at: '2030-01-02T09:00:05Z',
    entries: [entry(), entry({ title: 'Bank', username: 'ada.l', urls: [], custom_fields: [] })],
    saved_entry_ids: [],
    read: false,
    ...overrides,
  }
}

export function sentMessage(overrides: Partial<SentMessage> = {}): SentMessage {
  return {
    id: 'c2VudC0x',
    to: 'Ada',
    to_fingerprint: 'YWRhLWZpbmdlcnByaW50',
    kind: 'entries',
    sequence: 1,
    request_text: null,
    declines: null,
    note: 'For the trip',
    entries: [entry({ title: 'Wi-Fi', custom_fields: [] })],
    sent_at: '2030-01-03T09:00:00Z',
    status: 'delivered',
    ...overrides,
  }
}

/** A contact asking for a password: no entries, the request's text. */
export function requestMessage(overrides: Partial<InboxMessage> = {}): InboxMessage {
  return inboxMessage({
    id: 'cmVxdWVzdC0x',
    kind: 'request',
    note: '',
    entries: [],
    request_text: 'The shop’s Wi-Fi password, please',
    ...overrides,
  })
}

/** A contact declining my request `declines`. */
export function declineMessage(overrides: Partial<InboxMessage> = {}): InboxMessage {
  return inboxMessage({ id: 'ZGVjbGluZS0x', kind: 'decline', note: '', entries: [], declines: 'bXktcmVxdWVzdA', ...overrides })
}

/**
 * Rust's `inbox_page` over `messages` (oldest sent first, as they arrived): newest first, only
 * the contact's when asked, the window asked for.
 */
export function inboxPages(messages: InboxMessage[] | (() => InboxMessage[])) {
  return (args: Record<string, unknown>): InboxPage => {
    const all = (typeof messages === 'function' ? messages() : messages)
      .filter((message) => args.contact === null || message.from === args.contact)
      .toReversed()
    const start = args.start as number
    return { total: all.length, messages: all.slice(start, start + (args.count as number)) }
  }
}
