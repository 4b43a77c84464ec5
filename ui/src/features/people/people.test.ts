import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte'
import { clearMocks } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, it } from 'vitest'
import type { ContactCard, MyId } from '../../lib/bindings'
import { navigation, resetNavigation } from '../../lib/navigation.svelte'
import { argsOf, mockCommands, type Answers } from '../../lib/testing'
import { dismissToast, toasts } from '../../lib/toasts.svelte'
import {
  acceptance,
  ADA_WORDS,
  BUILT_IN_RELAY,
  contact,
  EVERY_STATE,
  inviteCard,
  MY_WORDS,
  myId,
  NEW_WORDS,
  QR,
  SHARED_RELAY,
} from './fixtures'
import { openedInvite } from './opened.svelte'
import { answerProblemText, cannotReceive, contactBadge, inviteExpiryChoices, inviteLinkProblem } from './people'
import PeopleTab from './PeopleTab.svelte'

afterEach(() => {
  cleanup()
  clearMocks()
  resetNavigation()
  openedInvite.link = null
  for (const toast of [...toasts]) dismissToast(toast.id)
})

const INVITE_LINK = inviteCard().link

/** Rust behind a set-up People tab: `overrides` replace single answers. */
function mockPeople(overrides: Answers = {}) {
  return mockCommands({
    my_id: myId(),
    relay_info: SHARED_RELAY,
    list_people: [contact()],
    open_invites: [],
    needs_you: [],
    copy_text: { clear_after_seconds: 30 },
    ...overrides,
  })
}

function words(testid: string): string[] {
  return within(screen.getByTestId(testid))
    .getAllByRole('listitem')
    .map((item) => item.textContent ?? '')
}

describe('people wording', () => {
  it('gives every contact state a badge and every state but connected a reason it cannot receive', () => {
    expect(EVERY_STATE.map((card) => contactBadge(card).label)).toEqual([
      'Verified by invite',
      'Key changed',
      'Awaiting confirmation',
      'Removed',
      'Blocked',
    ])
    expect(contactBadge(contact({ verified_how: 'words' })).label).toBe('Words compared')
    expect(EVERY_STATE.map((card) => cannotReceive(card))).toEqual([
      null,
      'Key changed: compare their new words in People first',
      'Awaiting confirmation: they have not confirmed you yet',
      'Removed from your contacts',
      'Blocked',
    ])
  })

  it('tells a pasted invite from other text, and words the problems of an answer', () => {
    expect(inviteLinkProblem(INVITE_LINK)).toBeNull()
    expect(inviteLinkProblem('https://relay.example#c2VjcmV0')).toBeNull()
    expect(inviteLinkProblem('keypost://invite?r=https%3A%2F%2Frelay.example')).toMatch(/after #/)
    expect(inviteLinkProblem('hello')).toMatch(/not a Keypost invite/)
    expect(answerProblemText('invite_altered')).toMatch(/changed on the way/)
    expect(answerProblemText('bad_transcript')).toMatch(/not signed/)
    expect(answerProblemText(null)).toMatch(/cannot be opened/)
  })

  it('offers invite lifetimes from 1 hour to 7 days', () => {
    expect(inviteExpiryChoices().map((choice) => choice.hours)).toEqual([1, 24, 72, 168])
  })
})

describe('PeopleTab: first visit', () => {
  it('sets up with a name and an email, then confirms the emailed code', async () => {
    let registered: MyId | null = null
    const calls = mockPeople({
      my_id: () => registered,
      set_up_identity: (args: Record<string, unknown>) => {
        registered = myId({ card: { name: String(args.name), fingerprint: 'x', words: MY_WORDS } })
        registered.account!.email = String(args.email)
        return registered.account
      },
      verify_email_code: (args: Record<string, unknown>) => {
        if (args.code !== '12345678') throw { code: 'invalid_input', message: 'Wrong code: 4 tries left.' }
        registered!.account!.email_verified = true
        return registered!.account
      },
      request_email_code: null,
    })
    render(PeopleTab)
    await screen.findByTestId('people-setup')
    expect(screen.queryByTestId('id-card')).toBeNull()
    expect((screen.getByTestId('people-invite') as HTMLButtonElement).disabled).toBe(true)
    await fireEvent.click(screen.getByTestId('setup-submit'))
    expect(screen.getByTestId('setup-error').textContent).toMatch(/Type the name/)
    expect(argsOf(calls, 'set_up_identity')).toEqual([])

    await fireEvent.input(screen.getByTestId('setup-name'), { target: { value: ' Bo ' } })
    await fireEvent.input(screen.getByTestId('setup-email'), { target: { value: 'bo@example.org' } })
    await fireEvent.click(screen.getByTestId('setup-submit'))
    await screen.findByTestId('id-card')
    expect(argsOf(calls, 'set_up_identity')).toEqual([{ name: 'Bo', email: 'bo@example.org' }])
    expect(screen.getByTestId('id-card-name').textContent).toBe('Bo')

    const code = screen.getByTestId('setup-code')
    await fireEvent.input(code, { target: { value: '123' } })
    await fireEvent.click(screen.getByTestId('setup-code-submit'))
    expect((await screen.findByTestId('setup-code-error')).textContent).toBe('The code has 8 digits.')
    await fireEvent.input(code, { target: { value: '11111111' } })
    await fireEvent.click(screen.getByTestId('setup-code-submit'))
    await waitFor(() => expect(screen.getByTestId('setup-code-error').textContent).toBe('Wrong code: 4 tries left.'))
    await fireEvent.click(screen.getByTestId('setup-code-resend'))
    await waitFor(() => expect(argsOf(calls, 'request_email_code')).toEqual([{ email: 'bo@example.org' }]))
    await fireEvent.input(code, { target: { value: '12345678' } })
    await fireEvent.click(screen.getByTestId('setup-code-submit'))
    await waitFor(() => expect(screen.queryByTestId('people-email-status')).toBeNull())
    expect(toasts.map((toast) => toast.text)).toContain('bo@example.org is confirmed.')
  })

  it('sets up without an email', async () => {
    let registered: MyId | null = null
    const calls = mockPeople({
      my_id: () => registered,
      set_up_identity: () => {
        registered = myId()
        return registered.account
      },
    })
    render(PeopleTab)
    await fireEvent.input(await screen.findByTestId('setup-name'), { target: { value: 'Bo' } })
    await fireEvent.click(screen.getByTestId('setup-submit'))
    await screen.findByTestId('id-card')
    expect(argsOf(calls, 'set_up_identity')).toEqual([{ name: 'Bo', email: null }])
    expect(screen.queryByTestId('people-email-status')).toBeNull()
  })

  it('says plainly that the built-in relay cannot connect people, and how to set one', async () => {
    mockPeople({ my_id: null, relay_info: BUILT_IN_RELAY })
    render(PeopleTab)
    const warning = await screen.findByTestId('people-relay-warning')
    expect(warning.textContent).toMatch(/Contacts need a shared relay/)
    expect(warning.textContent).toContain('http://127.0.0.1:47810')
    expect(warning.textContent).toMatch(/Settings → Relay address/)
    await fireEvent.click(screen.getByTestId('people-open-settings'))
    expect(navigation.tab).toBe('settings')
  })
})

describe('PeopleTab: another relay', () => {
  it('says when Settings name another relay than the one registered at, and sets up there again', async () => {
    const calls = mockPeople({ relay_info: { url: 'https://other.example', built_in: false, sends_email: true }, set_up_identity: myId().account })
    render(PeopleTab)
    const moved = await screen.findByTestId('people-relay-moved')
    expect(moved.textContent).toContain('https://relay.example')
    expect(moved.textContent).toContain('https://other.example')
    expect((within(moved).getByTestId('setup-name') as HTMLInputElement).value).toBe('Bo')
    await fireEvent.click(within(moved).getByTestId('setup-submit'))
    await waitFor(() => expect(argsOf(calls, 'set_up_identity')).toEqual([{ name: 'Bo', email: null }]))
  })
})

describe('PeopleTab: ID card', () => {
  it('shows name, relay, the 7 words and the QR code, and copies them', async () => {
    const calls = mockPeople()
    render(PeopleTab)
    await screen.findByTestId('id-card')
    expect(screen.queryByTestId('people-relay-warning')).toBeNull()
    expect(screen.getByTestId('id-card-relay').textContent).toBe('https://relay.example')
    expect(screen.getAllByTestId('id-card-word').map((word) => word.textContent)).toEqual(MY_WORDS)
    expect(screen.getByTestId('id-card-qr').getAttribute('src')).toBe('data:image/svg+xml;charset=utf-8,' + encodeURIComponent(QR))
    await fireEvent.click(screen.getByTestId('id-card-copy'))
    await waitFor(() => expect(argsOf(calls, 'copy_text')).toHaveLength(1))
    const copied = String(argsOf(calls, 'copy_text')[0].text)
    expect(copied).toContain(MY_WORDS.join(' '))
    expect(copied).toContain('https://relay.example')
  })
})

describe('PeopleTab: your name', () => {
  it('changes the name contacts see, and asks the relay again on Refresh', async () => {
    let me = myId()
    const calls = mockPeople({
      my_id: () => me,
      rename_me: (args: Record<string, unknown>) => {
        me = myId({ card: { ...me.card, name: String(args.name) } })
        return me.card
      },
    })
    render(PeopleTab)
    await fireEvent.click(await screen.findByTestId('id-card-rename'))
    await fireEvent.input(screen.getByTestId('id-card-name-input'), { target: { value: ' Bo B. ' } })
    await fireEvent.click(screen.getByTestId('id-card-name-save'))
    await waitFor(() => expect(screen.getByTestId('id-card-name').textContent).toBe('Bo B.'))
    expect(argsOf(calls, 'rename_me')).toEqual([{ name: 'Bo B.' }])
    expect(toasts.map((toast) => toast.text)).toContain('Contacts see “Bo B.” on what you send from now on.')
    const asked = argsOf(calls, 'needs_you').length
    await fireEvent.click(screen.getByTestId('people-refresh'))
    await waitFor(() => expect(argsOf(calls, 'needs_you').length).toBeGreaterThan(asked))
  })
})

describe('PeopleTab: invites', () => {
  it('makes an invite link to hand over, with copy, message, mail program and QR code', async () => {
    const calls = mockPeople({ invite_contact: inviteCard() })
    render(PeopleTab)
    await fireEvent.click(await screen.findByTestId('people-invite'))
    await fireEvent.click(screen.getByTestId('invite-submit'))
    expect(screen.getByTestId('invite-error').textContent).toMatch(/Type the name/)
    await fireEvent.input(screen.getByTestId('invite-name'), { target: { value: 'Cy' } })
    await fireEvent.input(screen.getByTestId('invite-email'), { target: { value: 'cy@example.org' } })
    await fireEvent.input(screen.getByTestId('invite-note'), { target: { value: 'From the office' } })
    await fireEvent.change(screen.getByTestId('invite-expiry'), { target: { value: '24' } })
    await fireEvent.click(screen.getByTestId('invite-submit'))
    await screen.findByTestId('invite-result')
    expect(argsOf(calls, 'invite_contact')).toEqual([
      { request: { name: 'Cy', email: 'cy@example.org', note: 'From the office', expires_in_hours: 24 } },
    ])
    expect((screen.getByTestId('invite-link') as HTMLInputElement).value).toBe(INVITE_LINK)
    expect(screen.getByTestId('invite-warning').textContent).toMatch(/Send this link to Cy yourself/)
    expect(screen.getByTestId('invite-warning').textContent).toMatch(/comparing their 7 words/)
    expect(screen.getByTestId('invite-qr')).not.toBeNull()
    await fireEvent.click(screen.getByTestId('invite-copy-link'))
    await fireEvent.click(screen.getByTestId('invite-copy-message'))
    await waitFor(() => expect(argsOf(calls, 'copy_text').map((args) => args.text)).toEqual([INVITE_LINK, inviteCard().message]))
    const mail = new URL(screen.getByTestId('invite-mailto').getAttribute('href') ?? '')
    expect(mail.protocol).toBe('mailto:')
    expect(decodeURIComponent(mail.pathname)).toBe('cy@example.org')
    expect(mail.searchParams.get('subject')).toBe('Bo invites you to Keypost')
    expect(mail.searchParams.get('body')).toBe(inviteCard().message)
  })

  it('lists invites not accepted yet: copy the link again, or revoke after a confirm step', async () => {
    let open = [inviteCard()]
    const calls = mockPeople({
      open_invites: () => open,
      reject_invite: () => {
        open = []
        return null
      },
    })
    render(PeopleTab)
    const row = await screen.findByTestId('pending-invite-row')
    expect(row.textContent).toContain('Cy')
    await fireEvent.click(screen.getByTestId('pending-invite-copy'))
    await waitFor(() => expect(argsOf(calls, 'copy_text')).toEqual([{ text: INVITE_LINK }]))
    await fireEvent.click(screen.getByTestId('pending-invite-revoke'))
    expect(argsOf(calls, 'reject_invite')).toEqual([])
    await fireEvent.click(await screen.findByTestId('pending-invite-revoke-confirm'))
    await waitFor(() => expect(screen.queryByTestId('pending-invites')).toBeNull())
    expect(argsOf(calls, 'reject_invite')).toEqual([{ inviteId: 'aW52aXRlLTE' }])
  })
})

describe('PeopleTab: accept an invite', () => {
  const opened = {
    token: 4,
    invite: {
      invite_id: 'aW52aXRlLTE',
      inviter_name: 'Ada\u202E',
      note: 'Hi Bo',
      fingerprint: 'YWRhLWZpbmdlcnByaW50',
      words: ADA_WORDS,
      expires_at: '2030-01-08T10:00:00Z',
      target_email_required: false,
    },
  }

  it('previews who invites with their words, then accepts under the name chosen', async () => {
    const calls = mockPeople({
      list_people: [],
      preview_invite: opened,
      accept_invite: contact({ name: 'Ada L.', state: 'awaiting_confirmation' }),
    })
    render(PeopleTab)
    await fireEvent.click(await screen.findByTestId('people-accept'))
    const accept = screen.getByTestId('accept-submit') as HTMLButtonElement
    expect(accept.disabled).toBe(true)
    await fireEvent.input(screen.getByTestId('accept-link'), { target: { value: 'keypost://invite?r=x' } })
    expect(screen.getByTestId('accept-link-error').textContent).toMatch(/after #/)
    await fireEvent.input(screen.getByTestId('accept-link'), { target: { value: ` ${INVITE_LINK} ` } })
    await screen.findByTestId('accept-preview')
    expect(argsOf(calls, 'preview_invite')).toEqual([{ link: INVITE_LINK }])
    expect(screen.getByTestId('accept-inviter').textContent).toBe('Ada')
    expect(screen.getAllByTestId('accept-word').map((word) => word.textContent)).toEqual(ADA_WORDS)
    expect((screen.getByTestId('accept-name') as HTMLInputElement).value).toBe('Ada')
    await fireEvent.input(screen.getByTestId('accept-name'), { target: { value: 'Ada L.' } })
    await fireEvent.click(accept)
    await waitFor(() => expect(screen.queryByTestId('accept-dialog')).toBeNull())
    expect(argsOf(calls, 'accept_invite')).toEqual([{ token: 4, name: 'Ada L.' }])
    expect(toasts.map((toast) => toast.text).join()).toMatch(/Ada L. now confirms your words/)
  })

  it('shows why an invite cannot be opened', async () => {
    mockPeople({
      preview_invite: () => {
        throw { code: 'invite_altered', message: 'This invite was changed on the way.' }
      },
    })
    render(PeopleTab)
    await fireEvent.click(await screen.findByTestId('people-accept'))
    await fireEvent.input(screen.getByTestId('accept-link'), { target: { value: INVITE_LINK } })
    await waitFor(() => expect(screen.getByTestId('accept-error').textContent).toBe('This invite was changed on the way.'))
    expect(screen.queryByTestId('accept-preview')).toBeNull()
  })

  it('opens with a link handed over by the system', async () => {
    const calls = mockPeople({ preview_invite: opened })
    openedInvite.link = INVITE_LINK
    render(PeopleTab)
    const field = (await screen.findByTestId('accept-link')) as HTMLTextAreaElement
    expect(field.value).toBe(INVITE_LINK)
    await screen.findByTestId('accept-preview')
    expect(argsOf(calls, 'preview_invite')).toEqual([{ link: INVITE_LINK }])
    await fireEvent.keyDown(screen.getByTestId('accept-dialog'), { key: 'Escape' })
    await waitFor(() => expect(screen.queryByTestId('accept-dialog')).toBeNull())
    expect(openedInvite.link).toBeNull()
  })
})

describe('PeopleTab: needs you', () => {
  it('connects only after the words are ticked as matching, with the fingerprint shown', async () => {
    let pending = [acceptance()]
    const calls = mockPeople({
      needs_you: () => pending,
      confirm_contact: () => {
        pending = []
        return contact({ name: 'Cy' })
      },
    })
    render(PeopleTab)
    const row = await screen.findByTestId('needs-you-row')
    expect(row.textContent).toMatch(/Accepted by “Cyrus”/)
    await fireEvent.click(screen.getByTestId('needs-you-confirm'))
    const dialog = await screen.findByTestId('confirm-dialog')
    expect(within(dialog).getAllByTestId('confirm-word').map((word) => word.textContent)).toEqual(NEW_WORDS)
    expect(words('confirm-my-words')).toEqual(MY_WORDS)
    const connect = screen.getByTestId('confirm-accept') as HTMLButtonElement
    expect(connect.disabled).toBe(true)
    await fireEvent.click(screen.getByTestId('confirm-match'))
    expect(connect.disabled).toBe(false)
    await fireEvent.click(connect)
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull())
    expect(argsOf(calls, 'confirm_contact')).toEqual([{ inviteId: 'aW52aXRlLTE', fingerprint: 'Y3ktZmluZ2VycHJpbnQ' }])
    await waitFor(() => expect(screen.queryByTestId('needs-you')).toBeNull())
    expect(toasts.map((toast) => toast.text)).toContain('Cy is connected. You can send them entries now.')
  })

  it('shows an altered answer as such, with reject and no way to connect', async () => {
    const calls = mockPeople({
      needs_you: [acceptance({ acceptor_name: null, fingerprint: null, words: null, problem: 'invite_altered' })],
      reject_invite: null,
    })
    render(PeopleTab)
    expect((await screen.findByTestId('needs-you-row')).textContent).toMatch(/cannot be trusted/)
    await fireEvent.click(screen.getByTestId('needs-you-confirm'))
    expect((await screen.findByTestId('confirm-problem')).textContent).toMatch(/changed on the way/)
    expect(screen.queryByTestId('confirm-accept')).toBeNull()
    await fireEvent.click(screen.getByTestId('confirm-reject'))
    await waitFor(() => expect(argsOf(calls, 'reject_invite')).toEqual([{ inviteId: 'aW52aXRlLTE' }]))
  })

  it('says when answers cannot be fetched, and still shows the rest', async () => {
    mockPeople({
      needs_you: () => {
        throw { code: 'relay_unreachable', message: 'The relay cannot be reached.' }
      },
    })
    render(PeopleTab)
    expect((await screen.findByTestId('needs-you-error')).textContent).toMatch(/cannot be reached/)
    expect(screen.getAllByTestId('contact-row')).toHaveLength(1)
  })
})

describe('PeopleTab: contacts and the drawer', () => {
  it('lists contacts with their badge and opens one beside the list', async () => {
    const calls = mockPeople({ list_people: EVERY_STATE })
    render(PeopleTab)
    await screen.findAllByTestId('contact-row')
    expect(screen.getAllByTestId('contact-row').map((row) => row.dataset.state)).toEqual([
      'connected',
      'key_changed',
      'awaiting_confirmation',
      'removed',
      'blocked',
    ])
    expect(screen.getAllByTestId('contact-badge').map((badge) => badge.textContent)).toEqual([
      'Verified by invite',
      'Key changed',
      'Awaiting confirmation',
      'Removed',
      'Blocked',
    ])
    await fireEvent.click(screen.getAllByTestId('contact-row')[0])
    const drawer = await screen.findByTestId('contact-drawer')
    expect(words('contact-their-words')).toEqual(ADA_WORDS)
    expect(words('contact-my-words')).toEqual(MY_WORDS)
    expect(screen.getByTestId('contact-verified').textContent).toMatch(/Verified by your invite on/)
    expect(screen.queryByTestId('contact-key-changed')).toBeNull()
    expect(document.activeElement).toBe(screen.getByTestId('contact-close'))
    await fireEvent.keyDown(drawer, { key: 'Escape' })
    expect(screen.queryByTestId('contact-drawer')).toBeNull()
    expect(calls.length).toBeGreaterThan(0)
  })

  it('records compared words, renames, and shows the messages with them', async () => {
    let ada = contact()
    const calls = mockPeople({
      list_people: () => [ada],
      verify_contact: () => (ada = contact({ verified_how: 'words' })),
      rename_contact: (args: Record<string, unknown>) => (ada = { ...ada, name: String(args.newName) }),
    })
    render(PeopleTab)
    await fireEvent.click(await screen.findByTestId('contact-row'))
    await fireEvent.click(screen.getByTestId('contact-compared'))
    await waitFor(() => expect(screen.getByTestId('contact-verified').textContent).toMatch(/You compared the words/))
    expect(argsOf(calls, 'verify_contact')).toEqual([{ name: 'Ada', fingerprint: 'YWRhLWZpbmdlcnByaW50' }])
    expect(screen.getByTestId('contact-drawer-badge').textContent).toBe('Words compared')

    const petname = screen.getByTestId('contact-petname') as HTMLInputElement
    expect(petname.value).toBe('Ada')
    await fireEvent.input(petname, { target: { value: 'Ada Lovelace' } })
    await fireEvent.click(screen.getByTestId('contact-rename'))
    await waitFor(() => expect(argsOf(calls, 'rename_contact')).toEqual([{ name: 'Ada', newName: 'Ada Lovelace' }]))
    await waitFor(() => expect(screen.getByTestId('contact-row').dataset.name).toBe('Ada Lovelace'))
    expect(screen.getByTestId('contact-drawer')).not.toBeNull()

    await fireEvent.click(screen.getByTestId('contact-messages'))
    expect(navigation.tab).toBe('messages')
    expect(navigation.contact).toBe('Ada Lovelace')
  })

  it.each([
    ['contact-remove', 'remove_contact', 'removed', 'Ada is removed.'],
    ['contact-block', 'block_contact', 'blocked', 'Ada is blocked.'],
  ] as const)('%s ends the contact after a confirm step', async (button, command, state, said) => {
    let ada: ContactCard = contact()
    const calls = mockPeople({ list_people: () => [ada], [command]: () => (ada = contact({ state })) })
    render(PeopleTab)
    await fireEvent.click(await screen.findByTestId('contact-row'))
    await fireEvent.click(screen.getByTestId(button))
    expect(argsOf(calls, command)).toEqual([])
    await fireEvent.click(await screen.findByTestId('contact-end-confirm'))
    await waitFor(() => expect(argsOf(calls, command)).toEqual([{ name: 'Ada' }]))
    await waitFor(() => expect(screen.getByTestId('contact-row').dataset.state).toBe(state))
    expect(toasts.map((toast) => toast.text)).toContain(said)
    expect(screen.queryByTestId('contact-remove')).toBeNull()
  })

  it('asks a contact for a password: the text with its counter, then their words, then the request', async () => {
    const calls = mockPeople({ request_from_contact: { id: 'cmVxdWVzdC0x', kind: 'request' } })
    render(PeopleTab)
    await fireEvent.click(await screen.findByTestId('contact-row'))
    await fireEvent.click(screen.getByTestId('contact-ask'))
    await screen.findByTestId('request-dialog')
    // An empty request says what is missing; one over 500 characters says the limit.
    await fireEvent.click(screen.getByTestId('request-next'))
    expect(screen.getByTestId('request-error').textContent).toMatch(/which password you need/)
    await fireEvent.input(screen.getByTestId('request-text'), { target: { value: 'x'.repeat(501) } })
    expect(screen.getByTestId('request-count').textContent).toBe('1 character too many')
    await fireEvent.click(screen.getByTestId('request-next'))
    expect(screen.getByTestId('request-error').textContent).toMatch(/500 characters/)
    await fireEvent.input(screen.getByTestId('request-text'), { target: { value: 'The office Wi-Fi, please' } })
    await fireEvent.click(screen.getByTestId('request-next'))
    expect(words('request-confirm-words')).toEqual(ADA_WORDS)
    expect(screen.getByTestId('request-confirm-text').textContent).toBe('The office Wi-Fi, please')
    expect(argsOf(calls, 'request_from_contact')).toEqual([])
    await fireEvent.click(screen.getByTestId('request-send'))
    await waitFor(() =>
      expect(argsOf(calls, 'request_from_contact')).toEqual([
        { contact: 'Ada', fingerprint: 'YWRhLWZpbmdlcnByaW50', text: 'The office Wi-Fi, please' },
      ]),
    )
    await waitFor(() => expect(screen.queryByTestId('request-dialog')).toBeNull())
    expect(toasts.map((toast) => toast.text)).toContain('Asked Ada for a password. Their answer arrives in Messages.')
  })

  it('cannot ask a contact whose key changed, and says why', async () => {
    mockPeople({ list_people: [EVERY_STATE[1]] })
    render(PeopleTab)
    await fireEvent.click(await screen.findByTestId('contact-row'))
    expect((screen.getByTestId('contact-ask') as HTMLButtonElement).disabled).toBe(true)
    expect(screen.getByTestId('contact-ask-reason').textContent).toBe('Key changed: compare their new words in People first')
  })

  it('a request refused for a changed key goes back to the text, with the reason', async () => {
    mockPeople({
      request_from_contact: () => {
        throw { code: 'key_changed', message: "Ada's key changed: compare the new words first." }
      },
    })
    render(PeopleTab)
    await fireEvent.click(await screen.findByTestId('contact-row'))
    await fireEvent.click(screen.getByTestId('contact-ask'))
    await fireEvent.input(await screen.findByTestId('request-text'), { target: { value: 'Wi-Fi' } })
    await fireEvent.click(screen.getByTestId('request-next'))
    await fireEvent.click(screen.getByTestId('request-send'))
    await waitFor(() => expect(screen.getByTestId('request-error').textContent).toMatch(/key changed/))
    expect(screen.queryByTestId('request-confirm')).toBeNull()
    expect(screen.getByTestId('request-text')).not.toBeNull()
  })

  it('explains a changed key, shows old and new words, and trusts the new key only when they match', async () => {
    let cy = EVERY_STATE[1]
    const calls = mockPeople({
      list_people: () => [cy],
      verify_contact: () => (cy = contact({ name: 'Cy', words: NEW_WORDS, verified_how: 'words' })),
    })
    render(PeopleTab)
    await fireEvent.click(await screen.findByTestId('contact-row'))
    const explained = screen.getByTestId('contact-key-changed')
    expect(explained.textContent).toMatch(/Cy's key changed. Sending to them is blocked./)
    expect(explained.textContent).toMatch(/set up Keypost again/)
    expect(explained.textContent).toMatch(/pose as them/)
    expect(words('contact-new-words')).toEqual(NEW_WORDS)
    expect(words('contact-their-words')).toEqual(ADA_WORDS)
    expect(words('contact-my-words')).toEqual(MY_WORDS)
    expect(screen.queryByTestId('contact-compared')).toBeNull()
    const trust = screen.getByTestId('contact-trust-new-key') as HTMLButtonElement
    expect(trust.disabled).toBe(true)
    await fireEvent.click(screen.getByTestId('contact-new-words-match'))
    await fireEvent.click(trust)
    await waitFor(() => expect(argsOf(calls, 'verify_contact')).toEqual([{ name: 'Cy', fingerprint: 'bmV3LWZpbmdlcnByaW50' }]))
    await waitFor(() => expect(screen.queryByTestId('contact-key-changed')).toBeNull())
    expect(words('contact-their-words')).toEqual(NEW_WORDS)
  })
})
