// The app UI in a plain browser, with Rust's commands answered by a table (mockIPC) instead of
// Tauri: the browser tests (screens.e2e.test.ts) open it to check layout and accessibility.
// `?vault=new|locked|open` picks the first screen; `?entries=N` lists N entries (40 unless
// said; rows are made as the list asks for them). `window.keypostHarness.toast(text)` raises a
// toast the way Rust's events do, to check that toasts leave dialogs usable.
import { mount } from 'svelte'
import { mockIPC } from '@tauri-apps/api/mocks'
import '../src/app.css'
import App from '../src/App.svelte'
import type { EntryDetail, EntrySummary, SentCopy, SentRow } from '../src/lib/bindings'
import { showToast } from '../src/lib/toasts.svelte'
import { declineMessage, inboxMessage, inboxPages, requestMessage, sentMessage } from '../src/features/messages/fixtures'
import { acceptance, contact, EVERY_STATE, inviteCard, myId, SHARED_RELAY } from '../src/features/people/fixtures'
import { ownerStatus } from '../src/features/pickups/fixtures'

const params = new URLSearchParams(location.search)
const vault = params.get('vault') ?? 'open'
const TOTAL = Number(params.get('entries') ?? 40)

const FOLDER = 'Clients/Northwind Traders/Infrastructure and networking'
function summary(index: number): EntrySummary {
  return {
    id: `entry-${index}`,
    title: index === 0 ? 'Office router' : `Service account ${index}`,
    username: `admin${index}@example.com`,
    urls: [`https://service${index}.example.com/login`],
    tags: index % 3 === 0 ? ['work'] : [],
    folder: index % 2 === 0 ? FOLDER : '',
    favourite: index % 5 === 0,
    modified: '2030-01-02T21:45:00Z',
  }
}
const ENTRIES: EntrySummary[] = Array.from({ length: Math.min(TOTAL, 40) }, (_, index) => summary(index))

function detail(id: string): EntryDetail {
  const summary = ENTRIES.find((entry) => entry.id === id) ?? ENTRIES[0]!
  return {
    ...summary,
    has_password: true,
    has_totp: true,
    created: '2029-12-28T21:45:00Z',
    password_history_count: 2,
    notes: 'Reset via the vendor portal.',
    custom_fields: [{ name: 'Recovery code', value: null, hidden: true, stored: 0 }],
  }
}

const SENT_COPY: SentCopy = {
  id: 'p1',
  link: 'https://relay.example/p/cDE#c2VjcmV0LXNlY3JldC1zZWNyZXQ',
  qr_svg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><path d="M0 0h7v7H0z"/></svg>',
  pin: '24680',
  recipient_email: 'ana@example.com',
  expires_at: '2030-01-09T10:00:00Z',
  emailed: true,
  delivery: 'relay_emails',
  entry_titles: ['Office router'],
  mail_subject: 'Ada sent you passwords with Keypost',
  mail_body: 'Ada sent you a password with Keypost.\n\nOpen this link in your browser:\nhttps://relay.example/p/cDE#c2VjcmV0LXNlY3JldC1zZWNyZXQ\n',
}
const SENT_ROW: SentRow = {
  id: 'p1',
  recipient_email: 'ana@example.com',
  entry_titles: ['Office router'],
  sent_at: '2030-01-02T10:00:00Z',
  expires_at: '2030-01-09T10:00:00Z',
  state: 'sent',
  last_progress: ownerStatus({ events: [{ kind: 'emailed', at: '2030-01-02T10:00:01Z' }] }),
}

type Args = Record<string, unknown>
type Answer = unknown | ((args: Args) => unknown)

/** A request after a gap in Ada's numbers, and a decline of one of mine. */
const REQUEST = requestMessage({ missing_before: 1 })
const DECLINE = declineMessage({ from: 'Di' })

const ANSWERS: Record<string, Answer> = {
  vault_status: () => ({ exists: vault !== 'new', unlocked: vault === 'open', path: '/home/ana/.local/share/keypost/vault.keypost' }),
  create_vault: null,
  unlock: null,
  lock: null,
  touch: null,
  estimate_strength: { bits: 72, label: 'strong' },
  get_settings: { auto_lock_minutes: 5, clipboard_clear_seconds: 30, relay_url: SHARED_RELAY.url, sender_name: 'Bo' },
  save_settings: null,
  // As Rust answers: the first 100 rows, and the rest of a larger list from finish_search.
  search_entries: () => {
    const rows = Array.from({ length: Math.min(TOTAL, 100) }, (_, index) => summary(index))
    return { generation: 1, total: rows.length, complete: TOTAL <= 100, rows }
  },
  finish_search: TOTAL,
  entry_rows: (args: Args) => {
    const start = args.start as number
    const count = Math.max(0, Math.min(args.count as number, TOTAL - start))
    return Array.from({ length: count }, (_, offset) => summary(start + offset))
  },
  list_tags: [{ tag: 'work', count: 14 }],
  get_entry: (args: Args) => detail(args.id as string),
  reveal_entry_secret: 'correct horse battery staple',
  password_history: [{ replaced_at: '2029-12-30T08:00:00Z' }],
  copy_entry_secret: { clear_after_seconds: 30 },
  change_master_password: null,
  copy_text: { clear_after_seconds: 30 },
  generate_password: 'vT7#qL2!xR9@mK4$',
  generate_passphrase: 'river-33-gorgeous-lamp',
  undo: null,
  propose_pin: '24680',
  check_pin: { valid: true, weak: false, message: '' },
  check_email: (args: Args) => args.address,
  send_entries: [SENT_COPY],
  sent_list: [SENT_ROW],
  sent_copy: SENT_COPY,
  sent_progress: SENT_ROW.last_progress,
  relay_info: SHARED_RELAY,
  take_opened_link: null,
  take_opened_invite: null,
  my_id: myId(),
  open_invites: [inviteCard()],
  needs_you: [acceptance()],
  invite_contact: inviteCard(),
  list_people: EVERY_STATE,
  send_to_contact: sentMessage(),
  inbox_page: inboxPages([REQUEST, DECLINE, inboxMessage(), inboxMessage({ id: 'bWVzc2FnZS0y', from: 'Cy', state: 'held', note: '' })]),
  inbox_dropped: { quarantined: 0, rejected: 0 },
  show_message: (args: Args) => [REQUEST, DECLINE].find((message) => message.id === args.id) ?? inboxMessage(),
  decline_request: sentMessage({ kind: 'decline', entries: [], declines: REQUEST.id }),
  request_from_contact: sentMessage({ kind: 'request', entries: [] }),
  sent_messages: [sentMessage(), sentMessage({ id: 'c2VudC0y', status: 'pending', to: contact({ name: 'Di' }).name })],
  refresh_sent_messages: [sentMessage()],
}

mockIPC(
  (command, payload) => {
    if (command.startsWith('plugin:event|')) return undefined
    if (!(command in ANSWERS)) throw { code: 'internal', message: `the browser harness has no answer for ${command}` }
    const answer = ANSWERS[command]
    return typeof answer === 'function' ? (answer as (args: Args) => unknown)((payload ?? {}) as Args) : answer
  },
  { shouldMockEvents: true },
)

window.keypostHarness = { toast: (text) => showToast(text, { seconds: 600 }) }

const target = document.getElementById('app')
if (target) mount(App, { target })
