import { fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { clearMocks } from '@tauri-apps/api/mocks'
import { emit } from '@tauri-apps/api/event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { navigation, resetNavigation } from './lib/navigation.svelte'
import { argsOf, mockCommands, unmountShell, type Answers } from './lib/testing'
import { dismissToast, toasts } from './lib/toasts.svelte'
import { contact, inviteCard, myId, SHARED_RELAY } from './features/people/fixtures'
import { openedInvite } from './features/people/opened.svelte'
import { inboxMessage, inboxPages } from './features/messages/fixtures'
import Shell from './Shell.svelte'

afterEach(async () => {
  await unmountShell()
  clearMocks()
  vi.unstubAllGlobals()
  resetNavigation()
  openedInvite.link = null
  for (const toast of [...toasts]) dismissToast(toast.id)
})

/** Rust behind the shell: an empty vault, one contact, `invites` handed out one per take. */
function mockShell(overrides: Answers = {}, invites: string[] = []) {
  return mockCommands(
    {
      search_entries: { generation: 1, total: 0, complete: true, rows: [] },
      list_tags: [],
      take_opened_link: null,
      take_opened_invite: () => invites.shift() ?? null,
      inbox_page: inboxPages([]),
      inbox_dropped: { quarantined: 0, rejected: 0 },
      list_people: [contact()],
      my_id: myId(),
      relay_info: SHARED_RELAY,
      open_invites: [],
      needs_you: [],
      ...overrides,
    },
    { events: true },
  )
}

function stubNotifications(): string[] {
  const bodies: string[] = []
  vi.stubGlobal(
    'Notification',
    vi.fn(function (_title: string, options?: NotificationOptions) {
      bodies.push(options?.body ?? '')
    }),
  )
  return bodies
}

describe('Shell: live messages', () => {
  it('raises "New message from NAME (N entries)" and reloads the Inbox, never with content', async () => {
    const bodies = stubNotifications()
    let inbox = [] as ReturnType<typeof inboxMessage>[]
    const calls = mockShell({ inbox_page: inboxPages(() => inbox) })
    render(Shell)
    await fireEvent.click(screen.getByTestId('tab-messages'))
    await screen.findByTestId('inbox-empty')
    inbox = [inboxMessage({ note: 'secret note' })]
    await emit('inbox-event', { message_id: 'bWVzc2FnZS0x', from: 'Ada', kind: 'entries', entries: 2, held: false })
    await screen.findByTestId('inbox-row')
    expect(bodies).toEqual(['New message from Ada (2 entries)'])
    expect(toasts.map((toast) => toast.text)).toContain('New message from Ada (2 entries).')
    expect(argsOf(calls, 'inbox_page')).toHaveLength(2)
  })

  it('offers to show the Inbox when a message arrives elsewhere', async () => {
    stubNotifications()
    mockShell()
    render(Shell)
    await emit('inbox-event', { message_id: 'bWVzc2FnZS0x', from: 'Ada', kind: 'entries', entries: 1, held: false })
    await waitFor(() => expect(toasts.map((toast) => toast.text)).toContain('New message from Ada (1 entry).'))
    toasts.find((toast) => toast.action)?.action?.run()
    expect(navigation.tab).toBe('messages')
    expect(navigation.messages).toBe('inbox')
  })

  it('says when a contact confirmed you', async () => {
    const bodies = stubNotifications()
    mockShell()
    render(Shell)
    await emit('contact-connected', contact({ name: 'Cy' }))
    await waitFor(() => expect(bodies).toEqual(['Cy confirmed you: you are connected and can send each other entries.']))
  })
})

describe('Shell: invite links', () => {
  const opened = {
    token: 1,
    invite: {
      invite_id: 'aW52aXRlLTE',
      inviter_name: 'Ada',
      note: '',
      fingerprint: 'YWRhLWZpbmdlcnByaW50',
      words: contact().words,
      expires_at: '2030-01-08T10:00:00Z',
      target_email_required: false,
    },
  }

  it('opens "Accept an invite…" in People with the link the app was started with', async () => {
    mockShell({ preview_invite: opened }, [inviteCard().link])
    render(Shell)
    const field = (await screen.findByTestId('accept-link')) as HTMLTextAreaElement
    expect(field.value).toBe(inviteCard().link)
    expect(navigation.tab).toBe('people')
    await screen.findByTestId('accept-preview')
  })

  it('takes an invite link handed over later', async () => {
    const invites: string[] = []
    mockShell({ preview_invite: opened }, invites)
    render(Shell)
    await screen.findByTestId('tab-people')
    expect(screen.queryByTestId('accept-dialog')).toBeNull()
    invites.push(inviteCard().link)
    await emit('invite-link-opened')
    expect(((await screen.findByTestId('accept-link')) as HTMLTextAreaElement).value).toBe(inviteCard().link)
  })
})
