// Messages as the person reads them: the note counter, what a send includes, what a message
// holds and the gap warning, the Sent status chips and the words of the new-message
// notification. Rust decides; these only word it.
import type { InboxMessage, InboxNews, SentStatus } from '../../lib/bindings'
import { INBOX_LIMITS } from '../../lib/bindings'
import { characterCounter, type Counter } from '../../lib/text'
import { entriesText } from '../pickups/sending'

export const NOTE_LIMIT = INBOX_LIMITS.max_note_chars

export function noteCounter(text: string): Counter {
  return characterCounter(text, NOTE_LIMIT)
}

/** What the confirm step says travels with the entries. */
export function includedText(count: number, includeNotes: boolean): string {
  const fields = includeNotes
    ? 'title, username, password, websites, one-time password, custom fields and notes'
    : 'title, username, password, websites, one-time password and custom fields (not the notes)'
  return `${entriesText(count)}: ${fields}. Tags are never included.`
}

const SENT_STATUS: Record<SentStatus, { label: string; tone: 'waiting' | 'ok' | 'ended' | 'danger'; hint: string }> = {
  pending: { label: 'Sending…', tone: 'waiting', hint: 'The relay has not confirmed it yet.' },
  queued: { label: 'Waiting', tone: 'waiting', hint: 'On the relay until their Keypost fetches it.' },
  delivered: { label: 'Delivered', tone: 'ok', hint: 'Their Keypost has it.' },
  expired: { label: 'Expired', tone: 'ended', hint: 'Not fetched within 30 days: the relay deleted it.' },
  refused: { label: 'Refused', tone: 'danger', hint: 'The relay refused it: they removed or blocked you, or their mailbox is full.' },
}

export function sentStatusChip(status: SentStatus): { label: string; tone: string; hint: string } {
  return SENT_STATUS[status]
}

/** The system notification for a new message: who and what kind (how many entries), never
 * content. */
export function newMessageText(news: Pick<InboxNews, 'from' | 'kind' | 'entries'>): string {
  if (news.kind === 'request') return `${news.from} asks you for a password`
  if (news.kind === 'decline') return `${news.from} declined your request`
  return `New message from ${news.from} (${entriesText(news.entries)})`
}

/** What a message holds, for its Inbox row and header: entries, a request or a decline. */
export function kindText(message: Pick<InboxMessage, 'kind' | 'entries'>): string {
  if (message.kind === 'request') return 'Asks for a password'
  if (message.kind === 'decline') return 'Declined your request'
  return entriesText(message.entries.length)
}

/** The warning on a message when the sender's earlier numbers never reached this inbox. */
export function gapText(missing: number, from: string): string {
  return missing === 1
    ? `1 earlier message from ${from} never arrived`
    : `${missing.toLocaleString()} earlier messages from ${from} never arrived`
}
