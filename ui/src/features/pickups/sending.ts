// Send to any email: the send form and its checks, the Sent tab's status chips, the texts of
// pickup notifications and the shape of a pasted pickup link. Rust checks everything again.
import type {
  LinkDelivery,
  PickupEventKind,
  PickupEvent,
  PickupNews,
  OwnerStatus,
  RelayInfo,
  Selection,
  SendRequest,
} from '../../lib/bindings'
import { PICKUP_LIMITS } from '../../lib/bindings'
import { api, errorMessage } from '../../lib/api'
import { characterCounter, type Counter } from '../../lib/text'

// The limits come from keypost-protocol (generated), so the dialog and the relay agree.
export const MESSAGE_LIMIT = PICKUP_LIMITS.max_message_chars
export const MIN_EXPIRY_HOURS = PICKUP_LIMITS.min_expiry_seconds / 3600
/** 90 days. */
export const MAX_EXPIRY_HOURS = PICKUP_LIMITS.max_expiry_seconds / 3600
export const MAX_VIEWS = PICKUP_LIMITS.max_views
export const PIN_LENGTH = 5

export type ExpiryUnit = 'hours' | 'days'

/** What separates the addresses of someone who typed several. */
const ADDRESS_SEPARATORS = [',', ';', ' ']

/**
 * The recipient address as the send will use it, or why `text` cannot be one. Whether it is
 * an address is Rust's rule (`check_email`: keypost-protocol's EmailAddress, the one the relay
 * applies); the UI only words the empty field and several addresses.
 */
export async function checkRecipient(text: string): Promise<{ email: string } | { problem: string }> {
  const email = text.trim()
  if (email.length === 0) return { problem: 'Type the email address of the recipient.' }
  if (ADDRESS_SEPARATORS.some((separator) => email.includes(separator))) {
    return { problem: 'Type one email address (one recipient per pickup).' }
  }
  try {
    return { email: await api.checkEmail(email) }
  } catch (failure) {
    return { problem: errorMessage(failure) }
  }
}

export function messageCounter(text: string): Counter {
  return characterCounter(text, MESSAGE_LIMIT)
}

/** The expiry in hours, or why it cannot be used (1 hour to 90 days). */
export function expiryHours(amount: number | null, unit: ExpiryUnit): number | string {
  if (amount === null || !Number.isInteger(amount) || amount < 1) {
    return 'Type a whole number of hours or days for the expiry.'
  }
  const hours = unit === 'days' ? amount * 24 : amount
  if (hours < MIN_EXPIRY_HOURS || hours > MAX_EXPIRY_HOURS) {
    return 'The link can last from 1 hour to 90 days.'
  }
  return hours
}

/** `null` for no limit, the number of views, or why the number cannot be used. */
export function viewLimit(limit: boolean, views: number | null): number | null | string {
  if (!limit) return null
  if (views === null || !Number.isInteger(views) || views < 1 || views > MAX_VIEWS) {
    return `Views can be limited to 1 to ${MAX_VIEWS}.`
  }
  return views
}

export function isPinShaped(pin: string): boolean {
  return new RegExp(`^\\d{${PIN_LENGTH}}$`).test(pin)
}

/** What a send dialog is opened with, to any email (SendDialog) or to a contact (AttachDialog). */
export type SendDialogProps = {
  selection: Selection
  /** How many entries the selection holds. */
  count: number
  /** The entry's title when one entry is sent. */
  label?: string
  onclose: () => void
}

export type SendForm = {
  /** Who takes the link to the recipient: the relay by email, or the sender. */
  delivery: LinkDelivery
  email: string
  name: string
  message: string
  pin: string
  onePerEntry: boolean
  expiryAmount: number | null
  expiryUnit: ExpiryUnit
  limitViews: boolean
  views: number | null
  retrievalStep: boolean
  recipientDelete: boolean
  usePassphrase: boolean
  passphrase: string
  includeNotes: boolean
}

export function defaultSendForm(name = ''): SendForm {
  return {
    delivery: 'sender_delivers',
    email: '',
    name,
    message: '',
    pin: '',
    onePerEntry: false,
    expiryAmount: 7,
    expiryUnit: 'days',
    limitViews: false,
    views: 1,
    retrievalStep: true,
    recipientDelete: true,
    usePassphrase: false,
    passphrase: '',
    includeNotes: false,
  }
}

/** The command payload, or the first thing the person still has to fix. */
export async function sendRequest(form: SendForm, selection: Selection): Promise<SendRequest | string> {
  // Sending the link yourself, the address is optional (for your Sent list and your mail
  // program); the relay never receives it.
  const optional = form.delivery === 'sender_delivers' && form.email.trim() === ''
  const recipient = optional ? { email: '' } : await checkRecipient(form.email)
  if ('problem' in recipient) return recipient.problem
  if (form.name.trim().length === 0) return 'Type your name as the recipient should see it.'
  if (messageCounter(form.message).over) return `The message can be at most ${MESSAGE_LIMIT} characters.`
  if (!form.onePerEntry && !isPinShaped(form.pin)) return `The PIN must be exactly ${PIN_LENGTH} digits.`
  const hours = expiryHours(form.expiryAmount, form.expiryUnit)
  if (typeof hours === 'string') return hours
  const views = viewLimit(form.limitViews, form.views)
  if (typeof views === 'string') return views
  if (form.usePassphrase && form.passphrase.length === 0) return 'Type the passphrase, or untick it.'
  return {
    selection,
    recipient_email: recipient.email,
    delivery: form.delivery,
    sender_name: form.name.trim(),
    message: form.message,
    // Ignored by Rust when every entry gets its own PIN.
    pin: form.pin,
    one_per_entry: form.onePerEntry,
    expires_in_hours: hours,
    max_views: views,
    retrieval_step: form.retrievalStep,
    recipient_delete: form.recipientDelete,
    passphrase: form.usePassphrase ? form.passphrase : null,
    include_notes: form.includeNotes,
  }
}

export function entriesText(count: number): string {
  return `${count.toLocaleString()} ${count === 1 ? 'entry' : 'entries'}`
}

export function triesText(count: number): string {
  return `${count} ${count === 1 ? 'try' : 'tries'} left`
}

export function viewsText(count: number): string {
  return `${count} ${count === 1 ? 'view' : 'views'} left`
}

/** "in 6 days", "in 3 hours", "in 12 minutes", or "expired". */
export function timeLeft(expiresAt: string, now: Date = new Date()): string {
  const minutes = Math.floor((new Date(expiresAt).getTime() - now.getTime()) / 60_000)
  if (!(minutes > 0)) return 'expired'
  if (minutes < 60) return `in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `in ${hours} ${hours === 1 ? 'hour' : 'hours'}`
  const days = Math.floor(hours / 24)
  return `in ${days} days`
}

export function formatWhen(at: string): string {
  return new Date(at).toLocaleString()
}

const EVENT_LABELS: Record<PickupEventKind, string> = {
  created: 'Created',
  emailed: 'Email sent',
  email_failed: 'Email could not be sent',
  opened: 'Opened',
  wrong_pin: 'Wrong PIN typed',
  destroyed: 'Destroyed after 3 wrong PINs',
  expired: 'Expired',
  deleted: 'Deleted by the recipient',
  revoked: 'Revoked by you',
  used_up: 'All views used',
}

export function eventLabel(kind: PickupEventKind): string {
  return EVENT_LABELS[kind] ?? kind
}

/** The latest event (by time; the first of equal times keeps its place). */
export function lastEvent(events: PickupEvent[]): PickupEvent | null {
  let latest: PickupEvent | null = null
  for (const event of events) {
    if (latest === null || new Date(event.at).getTime() >= new Date(latest.at).getTime()) latest = event
  }
  return latest
}

export type StatusTone = 'waiting' | 'opened' | 'destroyed' | 'ended'

export type StatusChip = {
  label: string
  tone: StatusTone
  /** Tries and views left while the pickup can still be opened, else ''. */
  detail: string
  /** "Opened · 20/11/2026, 10:00:00", or '' without events. */
  last: string
}

export function statusChip(progress: OwnerStatus): StatusChip {
  const latest = lastEvent(progress.events)
  const last = latest ? `${eventLabel(latest.kind)} · ${formatWhen(latest.at)}` : ''
  switch (progress.state) {
    case 'active': {
      const opened = progress.events.some((event) => event.kind === 'opened')
      const parts = [triesText(progress.attempts_left)]
      if (progress.views_left !== null) parts.push(viewsText(progress.views_left))
      return { label: opened ? 'Opened' : 'Waiting', tone: opened ? 'opened' : 'waiting', detail: parts.join(', '), last }
    }
    case 'destroyed':
      return { label: 'Destroyed (3 wrong PINs)', tone: 'destroyed', detail: '', last }
    case 'expired':
      return { label: 'Expired', tone: 'ended', detail: '', last }
    case 'deleted':
      return { label: 'Deleted by recipient', tone: 'ended', detail: '', last }
    case 'revoked':
      return { label: 'Revoked', tone: 'ended', detail: '', last }
    case 'used_up':
      return { label: 'Used up', tone: 'ended', detail: '', last }
  }
}

/** The recipient as the sender knows them: the address, or "the recipient" for a link the
 * sender delivered without naming one. */
export function recipientText(email: string | null): string {
  return email ?? 'the recipient'
}

/** Who takes the link, by default: the relay when it is known to email, else the sender. */
export function defaultDelivery(relay: RelayInfo | null): LinkDelivery {
  return relay?.sends_email === true ? 'relay_emails' : 'sender_delivers'
}

/** The toast (and notification) text for news about a sent pickup. */
export function newsText(news: PickupNews): { text: string; tone: 'info' | 'error' } {
  const who = recipientText(news.recipient_email)
  switch (news.kind) {
    case 'created':
      return { text: `Pickup for ${who} created.`, tone: 'info' }
    case 'emailed':
      return { text: `The pickup link was emailed to ${who}.`, tone: 'info' }
    case 'email_failed':
      return { text: `The email to ${who} could not be sent. Send them the link yourself.`, tone: 'error' }
    case 'opened':
      return { text: `${who} opened your pickup.`, tone: 'info' }
    case 'wrong_pin':
      return { text: `A wrong PIN was typed for your pickup to ${who}.`, tone: 'error' }
    case 'destroyed':
      return { text: `Your pickup to ${who} was destroyed after 3 wrong PINs. Send it again.`, tone: 'error' }
    case 'expired':
      return { text: `Your pickup to ${who} expired.`, tone: 'info' }
    case 'deleted':
      return { text: `${who} deleted your pickup.`, tone: 'info' }
    case 'revoked':
      return { text: `Your pickup to ${who} was revoked.`, tone: 'info' }
    case 'used_up':
      return { text: `Your pickup to ${who} has used all its views.`, tone: 'info' }
  }
}

/**
 * Why pasted text cannot be a pickup link, or `null` when it has the shape of one
 * (`https://…/p/<id>#<secret>` or `keypost://pickup?u=…#<secret>`; plain `http://` is the
 * built-in relay on this machine). Rust parses it for real.
 */
export function pickupLinkProblem(text: string): string | null {
  const link = text.trim()
  if (link.length === 0) return 'Paste the link from the email.'
  const hash = link.indexOf('#')
  const before = hash < 0 ? link : link.slice(0, hash)
  const isDeep = before.startsWith('keypost://pickup?u=')
  const isWeb = /^https?:\/\/[^/\s]+\/(.+\/)?p\/[^/\s]+$/.test(before)
  if (!isDeep && !isWeb) {
    return 'This is not a pickup link: it starts with https:// (or keypost://) and has /p/ in it.'
  }
  if (hash < 0 || hash === link.length - 1) {
    return 'The link is cut short: copy the whole link, including the part after #.'
  }
  return null
}

/** Runs `work` over `items` with at most `limit` calls at a time; results keep their order. */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  async function worker() {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
