// People as the person reads them: a contact's badge, why one cannot receive, how the words
// were checked, the invite's expiry choices and the shape of a pasted invite. Rust decides
// every state; these only word it.
import type { ContactCard, ContactState } from '../../lib/bindings'
import { INBOX_LIMITS } from '../../lib/bindings'

export type Tone = 'ok' | 'waiting' | 'danger' | 'ended'

export function contactBadge(card: ContactCard): { label: string; tone: Tone } {
  switch (card.state) {
    case 'connected':
      return card.verified_how === 'words'
        ? { label: 'Words compared', tone: 'ok' }
        : { label: 'Verified by invite', tone: 'ok' }
    case 'awaiting_confirmation':
      return { label: 'Awaiting confirmation', tone: 'waiting' }
    case 'key_changed':
      return { label: 'Key changed', tone: 'danger' }
    case 'removed':
      return { label: 'Removed', tone: 'ended' }
    case 'blocked':
      return { label: 'Blocked', tone: 'ended' }
  }
}

const CANNOT_RECEIVE: Record<Exclude<ContactState, 'connected'>, string> = {
  key_changed: 'Key changed: compare their new words in People first',
  awaiting_confirmation: 'Awaiting confirmation: they have not confirmed you yet',
  removed: 'Removed from your contacts',
  blocked: 'Blocked',
}

/** Why nothing can be sent to this contact now, or `null` when it can. */
export function cannotReceive(card: ContactCard): string | null {
  return card.state === 'connected' ? null : CANNOT_RECEIVE[card.state]
}

export function verifiedText(card: ContactCard): string {
  const when = new Date(card.verified_at).toLocaleDateString()
  return card.verified_how === 'words'
    ? `You compared the words with them on ${when}.`
    : `Verified by your invite on ${when}: the link you handed over binds their keys to yours.`
}

/** Invite lifetimes to choose from, within what the protocol allows (1 hour to 7 days). */
export function inviteExpiryChoices(): { hours: number; label: string }[] {
  const min = INBOX_LIMITS.min_invite_expiry_seconds / 3600
  const max = INBOX_LIMITS.max_invite_expiry_seconds / 3600
  return [
    { hours: 1, label: '1 hour' },
    { hours: 24, label: '1 day' },
    { hours: 72, label: '3 days' },
    { hours: 168, label: '7 days' },
  ].filter((choice) => choice.hours >= min && choice.hours <= max)
}

/**
 * Why pasted text cannot be an invite, or `null` when it has the shape of one: the link
 * `keypost://invite?r=…#…` or the code `<relay URL>#<secret>`. Rust parses it for real.
 */
export function inviteLinkProblem(text: string): string | null {
  const link = text.trim()
  if (link.length === 0) return 'Paste the invite link you were sent.'
  const hash = link.indexOf('#')
  const before = hash < 0 ? link : link.slice(0, hash)
  if (!before.startsWith('keypost://invite?r=') && !/^https?:\/\/[^\s#]+$/.test(before)) {
    return 'This is not a Keypost invite: it starts with keypost://invite.'
  }
  if (hash < 0 || hash === link.length - 1) {
    return 'The invite is cut short: copy all of it, including the part after #.'
  }
  return null
}

/** Why an answer to my invite cannot be confirmed (Rust's problem code), in words. */
export function answerProblemText(problem: string | null): string {
  switch (problem) {
    case 'invite_altered':
      return 'This answer was changed on the way: the relay or someone in between altered it. Reject it and invite them again.'
    case 'bad_transcript':
      return 'This answer is not signed for your invite: it cannot come from the person you invited. Reject it and invite them again.'
    default:
      return 'This answer cannot be opened, so nobody can be confirmed from it. Reject it and invite them again.'
  }
}
