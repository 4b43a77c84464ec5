import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { emit } from '@tauri-apps/api/event'
import type {
  RelayInfo,
  ExportTarget,
  OpenedLink,
  PickupStatus,
  OwnerStatus,
  PinCheck,
  ReceivedSummary,
  SendRequest,
  SentCopy,
  SentRow,
  Settings,
} from '../../lib/bindings'
import { forgetReceived, received } from './received.svelte'
import { ownerStatus } from './fixtures'
import { dismissToast, toasts } from '../../lib/toasts.svelte'
import ReceiveTab from './ReceiveTab.svelte'
import SendDialog from './SendDialog.svelte'
import SentTab from './SentTab.svelte'
import Shell from '../../Shell.svelte'

afterEach(() => {
  cleanup()
  clearMocks()
  forgetReceived()
  for (const toast of [...toasts]) dismissToast(toast.id)
})

const settings: Settings = { auto_lock_minutes: 10, clipboard_clear_seconds: 30, relay_url: '', sender_name: 'Ada' }
const QR = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><path d="M0 0h7v7H0z"/></svg>'

function sentCopy(overrides: Partial<SentCopy> = {}): SentCopy {
  return {
    id: 'p1',
    link: 'https://relay.example/p/AAAA#q5rLwlE0c1eX0mbh5PYvI0A8w7fXmRkVUzxMRbIb4Rk',
    qr_svg: QR,
    pin: '48213',
    recipient_email: 'ana@example.com',
    expires_at: '2030-01-08T10:00:00Z',
    emailed: true,
    delivery: 'relay_emails',
    entry_titles: ['Mail'],
    mail_subject: 'Ada sent you passwords with Keypost',
    mail_body: 'Ada sent you a password with Keypost.\n\nOpen this link in your browser:\nhttps://relay.example/p/AAAA#q5rLwlE0c1eX0mbh5PYvI0A8w7fXmRkVUzxMRbIb4Rk\n',
    ...overrides,
  }
}

/** A Rust stand-in for the send dialog's commands; records what it was asked. */
function mockSending(options: { copies?: SentCopy[]; relay?: RelayInfo } = {}) {
  const calls: Array<{ command: string; args: unknown }> = []
  mockIPC((command, args) => {
    calls.push({ command, args })
    switch (command) {
      case 'get_settings':
        return settings
      case 'propose_pin':
        return '48213'
      case 'check_email': {
        // Rust's rule stands in as: a name, an @ and a dotted domain.
        const address = (args as { address: string }).address
        if (/^[^@]+@[^@]+\.[^@]+$/.test(address)) return address
        throw { code: 'invalid_input', message: 'This does not look like an email address (name@example.com).' }
      }
      case 'check_pin': {
        const pin = (args as { pin: string }).pin
        const check: PinCheck = /^\d{5}$/.test(pin)
          ? pin === '12345'
            ? { valid: true, weak: true, message: 'A run of digits is easy to guess.' }
            : { valid: true, weak: false, message: '' }
          : { valid: false, weak: false, message: 'The PIN must be exactly 5 digits.' }
        return check
      }
      case 'send_entries':
        return options.copies ?? [sentCopy()]
      case 'relay_info':
        return options.relay ?? { url: 'https://relay.example', built_in: false, sends_email: true }
      case 'copy_text':
        return { clear_after_seconds: 30 }
      default:
        throw new Error(`unexpected ${command}`)
    }
  })
  return calls
}

const one = { selection: { kind: 'ids' as const, ids: ['e1'] }, count: 1, label: 'Mail', onclose: () => {} }

describe('SendDialog', () => {
  it('checks the email as it is typed and sends nothing while it is wrong', async () => {
    const calls = mockSending()
    render(SendDialog, one)
    await waitFor(() => expect((screen.getByTestId('send-pin') as HTMLInputElement).value).toBe('48213'))
    expect((screen.getByTestId('send-name') as HTMLInputElement).value).toBe('Ada')

    const email = screen.getByTestId('send-email')
    await fireEvent.input(email, { target: { value: 'ana@' } })
    await waitFor(() => expect(screen.getByTestId('send-email-error').textContent).toMatch(/does not look like an email/))
    await fireEvent.input(email, { target: { value: 'ana@example.com' } })
    await waitFor(() => expect(screen.queryByTestId('send-email-error')).toBeNull())
    expect(calls.filter((call) => call.command === 'check_email').map((call) => call.args)).toContainEqual({
      address: 'ana@example.com',
    })

    await fireEvent.input(screen.getByTestId('send-message'), { target: { value: 'x'.repeat(501) } })
    expect(screen.getByTestId('send-message-count').textContent).toBe('1 character too many')
    await fireEvent.click(screen.getByTestId('send-submit'))
    await waitFor(() => expect(screen.getByTestId('send-error').textContent).toMatch(/500 characters/))
    expect(calls.some((call) => call.command === 'send_entries')).toBe(false)

    await fireEvent.input(screen.getByTestId('send-message'), { target: { value: 'Your mail login' } })
    expect(screen.getByTestId('send-message-count').textContent).toBe('15 / 500')
  })

  it('warns about a weak PIN and a PIN that is not 5 digits', async () => {
    mockSending()
    render(SendDialog, one)
    const pin = screen.getByTestId('send-pin') as HTMLInputElement
    await waitFor(() => expect(pin.value).toBe('48213'))
    expect(screen.queryByTestId('send-pin-warning')).toBeNull()
    await fireEvent.input(pin, { target: { value: '12345' } })
    await waitFor(() => expect(screen.getByTestId('send-pin-warning').textContent).toMatch(/easy to guess/))
    await fireEvent.input(pin, { target: { value: '123' } })
    await waitFor(() => expect(screen.getByTestId('send-pin-warning').textContent).toMatch(/exactly 5 digits/))
    await fireEvent.click(screen.getByTestId('send-new-pin'))
    await waitFor(() => expect(pin.value).toBe('48213'))
    await waitFor(() => expect(screen.queryByTestId('send-pin-warning')).toBeNull())
  })

  it('with a relay that sends no email, the sender delivers the link: address optional, a ready message to copy or mail', async () => {
    const copy = sentCopy({ delivery: 'sender_delivers', emailed: false, recipient_email: null })
    const calls = mockSending({ copies: [copy], relay: { url: 'http://127.0.0.1:47810', built_in: true, sends_email: false } })
    render(SendDialog, one)
    await waitFor(() => expect((screen.getByTestId('send-deliver-relay') as HTMLInputElement).disabled).toBe(true))
    expect((screen.getByTestId('send-deliver-myself') as HTMLInputElement).checked).toBe(true)
    expect(screen.getByTestId('send-delivery-hint').textContent).toContain('This relay sends no email.')
    expect(screen.getByTestId('send-delivery-hint').textContent).toContain('The relay never sees the link')
    await waitFor(() => expect((screen.getByTestId('send-pin') as HTMLInputElement).value).toBe('48213'))
    await fireEvent.click(screen.getByTestId('send-submit'))

    await screen.findByTestId('send-result')
    const sent = calls.find((call) => call.command === 'send_entries')?.args as { request: SendRequest }
    expect(sent.request.delivery).toBe('sender_delivers')
    expect(sent.request.recipient_email).toBe('')
    expect(screen.getByTestId('send-result-recipient').textContent).toBe('the recipient')
    expect(screen.getByTestId('send-result-emailed').textContent).toContain('Send the recipient the link yourself: the relay never saw it.')
    const mail = new URL(screen.getByTestId('send-result-mailto').getAttribute('href') ?? '')
    expect(mail.protocol).toBe('mailto:')
    expect(mail.searchParams.get('subject')).toBe(copy.mail_subject)
    expect(mail.searchParams.get('body')).toBe(copy.mail_body)
    expect(mail.searchParams.get('body')).not.toContain(copy.pin)
    expect(screen.getByTestId('send-result-copy-message').textContent).toBe('Copy message with link')
  })

  it('the sender may deliver the link even when the relay sends email; a typed address must then still be one', async () => {
    const calls = mockSending({ copies: [sentCopy({ delivery: 'sender_delivers', emailed: false })] })
    render(SendDialog, one)
    await waitFor(() => expect((screen.getByTestId('send-deliver-relay') as HTMLInputElement).checked).toBe(true))
    await fireEvent.click(screen.getByTestId('send-deliver-myself'))
    await fireEvent.input(screen.getByTestId('send-name'), { target: { value: 'Ada' } })
    await fireEvent.input(screen.getByTestId('send-email'), { target: { value: 'not an address' } })
    await fireEvent.click(screen.getByTestId('send-submit'))
    expect(await screen.findByTestId('send-error')).not.toBeNull()
    expect(calls.some((call) => call.command === 'send_entries')).toBe(false)
    await fireEvent.input(screen.getByTestId('send-email'), { target: { value: 'ana@example.com' } })
    await fireEvent.click(screen.getByTestId('send-submit'))
    await screen.findByTestId('send-result')
    const sent = calls.find((call) => call.command === 'send_entries')?.args as { request: SendRequest }
    expect(sent.request.delivery).toBe('sender_delivers')
    expect(sent.request.recipient_email).toBe('ana@example.com')
    expect(screen.getByTestId('send-result-mailto').getAttribute('href')).toMatch(/^mailto:ana%40example.com\?/)
  })

  it('sends the request and shows link, PIN and QR code with the advice', async () => {
    const calls = mockSending()
    render(SendDialog, one)
    await waitFor(() => expect((screen.getByTestId('send-pin') as HTMLInputElement).value).toBe('48213'))
    // This relay sends email, so it emails the link unless the sender chooses otherwise.
    await waitFor(() => expect((screen.getByTestId('send-deliver-relay') as HTMLInputElement).checked).toBe(true))
    await fireEvent.input(screen.getByTestId('send-email'), { target: { value: 'ana@example.com' } })
    await fireEvent.input(screen.getByTestId('send-name'), { target: { value: 'Ada L.' } })
    await fireEvent.input(screen.getByTestId('send-expiry'), { target: { value: '2' } })
    await fireEvent.change(screen.getByTestId('send-expiry-unit'), { target: { value: 'hours' } })
    expect((screen.getByTestId('send-include-notes') as HTMLInputElement).checked).toBe(false)
    expect((screen.getByTestId('send-retrieval-step') as HTMLInputElement).checked).toBe(true)
    expect((screen.getByTestId('send-recipient-delete') as HTMLInputElement).checked).toBe(true)
    expect(screen.queryByTestId('send-one-per-entry')).toBeNull()
    await fireEvent.click(screen.getByTestId('send-submit'))

    await screen.findByTestId('send-result')
    const sent = calls.find((call) => call.command === 'send_entries')?.args as { request: SendRequest }
    expect(sent.request).toEqual({
      selection: { kind: 'ids', ids: ['e1'] },
      recipient_email: 'ana@example.com',
      delivery: 'relay_emails',
      sender_name: 'Ada L.',
      message: '',
      pin: '48213',
      one_per_entry: false,
      expires_in_hours: 2,
      max_views: null,
      retrieval_step: true,
      recipient_delete: true,
      passphrase: null,
      include_notes: false,
    })
    expect(screen.getAllByTestId('send-result-item')).toHaveLength(1)
    expect((screen.getByTestId('send-result-link') as HTMLInputElement).value).toBe(sentCopy().link)
    expect(screen.getByTestId('send-result-pin').textContent).toBe('48213')
    const qr = screen.getByTestId('send-result-qr') as HTMLImageElement
    expect(qr.alt).toBe('QR code of the link')
    expect(qr.getAttribute('src')).toBe('data:image/svg+xml;charset=utf-8,' + encodeURIComponent(QR))
    expect(screen.getByTestId('send-result-advice').textContent).toMatch(
      /Tell ana@example.com the PIN by phone or text message — never in the same message as the link./,
    )
    expect(screen.getByTestId('send-result-emailed').textContent).toMatch(/emailed to ana@example.com/)

    // The send itself remembers the changed name for the next send; the dialog does not
    // rewrite the settings.
    expect(calls.some((call) => call.command === 'save_settings')).toBe(false)

    await fireEvent.click(screen.getByTestId('send-result-copy-pin'))
    await waitFor(() => expect(calls.some((call) => call.command === 'copy_text')).toBe(true))
    expect(calls.find((call) => call.command === 'copy_text')?.args).toEqual({ text: '48213' })
  })

  it('offers one pickup per entry for several entries and shows every pickup', async () => {
    const calls = mockSending({
      copies: [
        sentCopy({ id: 'p1', pin: '11111', entry_titles: ['Mail'] }),
        sentCopy({ id: 'p2', pin: '22222', entry_titles: ['Bank'] }),
      ],
    })
    render(SendDialog, {
      selection: { kind: 'results', generation: 4, except: [] },
      count: 2,
      onclose: () => {},
    })
    expect(screen.getByTestId('send-dialog').getAttribute('aria-label')).toBe('Send 2 entries to any email')
    await fireEvent.input(screen.getByTestId('send-email'), { target: { value: 'ana@example.com' } })
    await fireEvent.click(screen.getByTestId('send-one-per-entry'))
    expect(screen.queryByTestId('send-pin')).toBeNull()
    await fireEvent.click(screen.getByTestId('send-submit'))
    await screen.findByTestId('send-result')
    const sent = calls.find((call) => call.command === 'send_entries')?.args as { request: SendRequest }
    expect(sent.request.one_per_entry).toBe(true)
    expect(screen.getAllByTestId('send-result-pin').map((pin) => pin.textContent)).toEqual(['11111', '22222'])
  })

  it('shows the error Rust gives', async () => {
    mockIPC((command) => {
      if (command === 'get_settings') return settings
      if (command === 'propose_pin') return '48213'
      if (command === 'check_pin') return { valid: true, weak: false, message: '' }
      if (command === 'check_email') return 'ana@example.com'
      if (command === 'send_entries') throw { code: 'relay_unreachable', message: 'The relay cannot be reached.' }
      throw new Error(`unexpected ${command}`)
    })
    render(SendDialog, one)
    await waitFor(() => expect((screen.getByTestId('send-pin') as HTMLInputElement).value).toBe('48213'))
    await fireEvent.input(screen.getByTestId('send-email'), { target: { value: 'ana@example.com' } })
    await fireEvent.click(screen.getByTestId('send-submit'))
    await waitFor(() => expect(screen.getByTestId('send-error').textContent).toBe('The relay cannot be reached.'))
    expect(screen.queryByTestId('send-result')).toBeNull()
  })
})

describe('SentTab', () => {
  const rows: SentRow[] = [
    {
      id: 'p2',
      recipient_email: 'bo@example.com',
      entry_titles: ['Bank', 'Mail', 'VPN', 'Wiki'],
      sent_at: '2029-12-19T09:00:00Z',
      expires_at: '2030-01-08T10:00:00Z',
      state: 'sent',
      last_progress: null,
    },
    {
      id: 'p1',
      recipient_email: 'ana@example.com',
      entry_titles: ['Mail'],
      sent_at: null,
      expires_at: '2030-01-01T10:00:00Z',
      state: 'sent',
      last_progress: null,
    },
  ]

  /** p1 as the relay tells of it while nobody has opened it yet (the dates these rows show). */
  function activeStatus(overrides: Partial<OwnerStatus> = {}): OwnerStatus {
    return ownerStatus({ created_at: '2029-12-19T10:00:00Z', expires_at: '2030-01-01T10:00:00Z', ...overrides })
  }


  function mockSent(states: Record<string, OwnerStatus>, listed: SentRow[] = rows) {
    const calls: Array<{ command: string; args: unknown }> = []
    mockIPC((command, args) => {
      calls.push({ command, args })
      const id = (args as { id?: string }).id ?? ''
      switch (command) {
        case 'sent_list':
          return listed
        case 'sent_progress':
          if (!states[id]) throw { code: 'relay_unreachable', message: 'The relay cannot be reached.' }
          return states[id]
        case 'sent_copy':
          return sentCopy({ id, recipient_email: 'ana@example.com', pin: '55555' })
        case 'relay_info':
          return { url: 'http://127.0.0.1:47810', built_in: true, sends_email: false }
        case 'revoke_sent':
          states[id] = { ...states[id], state: 'revoked', events: [...states[id].events, { kind: 'revoked', at: '2029-12-20T10:00:00Z' }] }
          return undefined
        default:
          throw new Error(`unexpected ${command}`)
      }
    })
    return calls
  }

  it('lists pickups newest first with their live status', async () => {
    mockSent({
      p2: { id: 'p2', recipient_email: 'ana@example.com', created_at: '2029-12-19T10:00:00Z', expires_at: '2030-01-01T10:00:00Z', state: 'destroyed', attempts_left: 0, views_left: null, events: [{ kind: 'destroyed', at: '2029-12-20T10:00:00Z' }] },
      p1: {
        id: 'p1',
        recipient_email: 'ana@example.com',
        created_at: '2029-12-19T10:00:00Z',
        expires_at: '2030-01-01T10:00:00Z',
        state: 'active',
        attempts_left: 2,
        views_left: 1,
        events: [
          { kind: 'created', at: '2029-12-19T10:00:00Z' },
          { kind: 'wrong_pin', at: '2029-12-19T11:00:00Z' },
          { kind: 'opened', at: '2029-12-19T12:00:00Z' },
        ],
      },
    })
    render(SentTab)
    await waitFor(() => expect(screen.getAllByTestId('sent-status').map((chip) => chip.textContent)).toEqual(['Destroyed (3 wrong PINs)', 'Opened']))
    const [first, second] = screen.getAllByTestId('sent-row')
    expect(first.textContent).toContain('bo@example.com')
    expect(first.textContent).toContain('Bank, Mail, VPN and 1 more')
    expect(second.textContent).toContain('2 tries left, 1 view left')
    expect(second.textContent).toMatch(/Opened · /)
    const revoke = screen.getAllByTestId('sent-revoke') as HTMLButtonElement[]
    expect(revoke.map((button) => button.disabled)).toEqual([true, false])
    const dates = screen.getAllByTestId('sent-dates').map((line) => line.textContent ?? '')
    expect(dates[0]).toMatch(/^\s*Sent .* · Expires /)
    expect(dates[1]).not.toMatch(/Sent/)
    expect(screen.queryByTestId('sent-cached')).toBeNull()
  })

  it('shows the last known status until the relay answers, and keeps it when the relay is down', async () => {
    const known = activeStatus({ views_left: 1, events: [{ kind: 'opened', at: '2029-12-19T12:00:00Z' }] })
    mockSent({}, [{ ...rows[1], last_progress: known }])
    render(SentTab)
    await waitFor(() => expect(screen.getByTestId('sent-cached').textContent).toBe('Last known (relay unreachable)'))
    expect(screen.getByTestId('sent-status').textContent).toBe('Opened')

    mockSent({ p1: { ...known, state: 'used_up' } }, [{ ...rows[1], last_progress: known }])
    await fireEvent.click(screen.getByTestId('sent-refresh'))
    await waitFor(() => expect(screen.getByTestId('sent-status').textContent).toBe('Used up'))
    expect(screen.queryByTestId('sent-cached')).toBeNull()
  })

  it('says when the status cannot be fetched, and explains how to send when empty', async () => {
    mockSent({})
    render(SentTab)
    await waitFor(() => expect(screen.getAllByTestId('sent-status')[0].textContent).toBe('Status unavailable'))
    expect((screen.getAllByTestId('sent-revoke')[0] as HTMLButtonElement).disabled).toBe(true)
    cleanup()
    mockIPC((command) => {
      if (command === 'sent_list') return []
      throw new Error(`unexpected ${command}`)
    })
    render(SentTab)
    expect((await screen.findByTestId('sent-empty')).textContent).toMatch(/Send to email…/)
  })

  describe('a send that did not finish', () => {
    const waiting = activeStatus()

    /** Rust's stand-in: `progress` answers sent_progress for p1 (a status, or an error). */
    function mockUnfinished(state: SentRow['state'], progress: () => OwnerStatus) {
      const calls: Array<{ command: string; args: unknown }> = []
      mockIPC((command, args) => {
        calls.push({ command, args })
        switch (command) {
          case 'sent_list':
            return [{ ...rows[1], state }]
          case 'sent_progress':
            return progress()
          case 'forget_sent':
            return undefined
          default:
            throw new Error(`unexpected ${command}`)
        }
      })
      return calls
    }

    it('shows a pending pickup as Sending… with revoke, while the relay cannot be asked', async () => {
      mockUnfinished('pending', () => {
        throw { code: 'relay_unreachable', message: 'The relay cannot be reached.' }
      })
      render(SentTab)
      await waitFor(() => expect(screen.getByTestId('sent-pending').textContent).toMatch(/cannot be reached/))
      expect(screen.getByTestId('sent-status').textContent).toBe('Sending…')
      expect((screen.getByTestId('sent-revoke') as HTMLButtonElement).disabled).toBe(false)
      expect(screen.queryByTestId('sent-forget')).toBeNull()
    })

    it('shows the live status once the relay knows a pending pickup', async () => {
      mockUnfinished('pending', () => waiting)
      render(SentTab)
      await waitFor(() => expect(screen.getByTestId('sent-status').textContent).toBe('Waiting'))
      expect(screen.queryByTestId('sent-pending')).toBeNull()
    })

    it('shows a pickup the relay never received as not sent, not gone, and forgets it', async () => {
      const calls = mockUnfinished('not_sent', () => waiting)
      render(SentTab)
      await waitFor(() =>
        expect(screen.getByTestId('sent-status').textContent).toBe('Not sent — the relay never received it'),
      )
      expect(calls.some((call) => call.command === 'sent_progress')).toBe(false)
      expect(screen.queryByTestId('sent-revoke')).toBeNull()
      expect(screen.queryByTestId('sent-show')).toBeNull()
      await fireEvent.click(screen.getByTestId('sent-forget'))
      await waitFor(() => expect(screen.queryByTestId('sent-row')).toBeNull())
      expect(calls.find((call) => call.command === 'forget_sent')?.args).toEqual({ id: 'p1' })
    })

    it('turns a pending pickup into not sent when the relay says it never received it', async () => {
      mockUnfinished('pending', () => {
        throw { code: 'not_sent', message: 'This pickup was not sent: the relay never received it.' }
      })
      render(SentTab)
      await waitFor(() =>
        expect(screen.getByTestId('sent-status').textContent).toBe('Not sent — the relay never received it'),
      )
      expect(screen.getByTestId('sent-forget')).not.toBeNull()
    })
  })

  it('shows link and PIN again and revokes after a confirm step', async () => {
    const calls = mockSent({
      p2: { id: 'p2', recipient_email: 'bo@example.com', created_at: '2029-12-19T10:00:00Z', expires_at: '2030-01-01T10:00:00Z', state: 'active', attempts_left: 3, views_left: null, events: [] },
      p1: { id: 'p1', recipient_email: 'ana@example.com', created_at: '2029-12-19T10:00:00Z', expires_at: '2030-01-01T10:00:00Z', state: 'active', attempts_left: 3, views_left: null, events: [] },
    })
    render(SentTab)
    await waitFor(() => expect(screen.getAllByTestId('sent-status').map((chip) => chip.textContent)).toEqual(['Waiting', 'Waiting']))

    await fireEvent.click(screen.getAllByTestId('sent-show')[1])
    await screen.findByTestId('sent-copy-dialog')
    expect(screen.getByTestId('send-result-pin').textContent).toBe('55555')
    expect(screen.getByTestId('send-result-built-in').textContent).toContain('work on this computer only')

    await fireEvent.click(screen.getAllByTestId('sent-revoke')[1])
    expect(calls.some((call) => call.command === 'revoke_sent')).toBe(false)
    await fireEvent.click(await screen.findByTestId('sent-revoke-confirm'))
    await waitFor(() => expect(screen.getAllByTestId('sent-status')[1].textContent).toBe('Revoked'))
    expect(calls.find((call) => call.command === 'revoke_sent')?.args).toEqual({ id: 'p1' })
    expect((screen.getAllByTestId('sent-revoke')[1] as HTMLButtonElement).disabled).toBe(true)
  })
})

describe('ReceiveTab', () => {
  const LINK = 'https://relay.example/p/AAAA#q5rLwlE0c1eX0mbh5PYvI0A8w7fXmRkVUzxMRbIb4Rk'
  const summary: ReceivedSummary = {
    token: 7,
    sender_name: 'Ada',
    message: 'Your logins',
    total: 2,
    rows: [
      { line: 1, title: 'Mail', username: 'ana', url: 'https://mail.example' },
      { line: 2, title: 'Bank', username: 'ana.m', url: 'https://bank.example' },
    ],
  }

  function mockReceive(options: { passphrase?: boolean } = {}) {
    const calls: Array<{ command: string; args: unknown }> = []
    let attempts = 3
    const info = (): PickupStatus => ({
      id: 'p1',
      sender_name: 'Ada',
      message: 'Your logins',
      expires_at: '2030-01-01T10:00:00Z',
      attempts_left: attempts,
      views_left: 1,
      passphrase_required: options.passphrase ?? false,
      retrieval_step: false,
      recipient_delete: true,
    })
    mockIPC((command, args) => {
      calls.push({ command, args })
      switch (command) {
        case 'pickup_info':
          if (attempts === 0) throw { code: 'gone', message: 'gone' }
          return info()
        case 'receive_pickup': {
          const { pin } = args as { pin: string }
          if (pin !== '48213') {
            attempts -= 1
            if (attempts === 0) throw { code: 'gone', message: 'gone' }
            throw { code: 'wrong_pin', message: `Wrong PIN: ${attempts} ${attempts === 1 ? 'try' : 'tries'} left.` }
          }
          return summary
        }
        case 'save_received':
          return 2
        case 'choose_export_file':
          return { path: '/tmp/received.csv' }
        case 'export_csv':
        case 'export_pdf':
          return 2
        default:
          throw new Error(`unexpected ${command}`)
      }
    })
    return calls
  }

  it('shows who sent the link, says the tries left after a wrong PIN, then previews the entries', async () => {
    const calls = mockReceive()
    render(ReceiveTab)
    const link = screen.getByTestId('receive-link')
    await fireEvent.input(link, { target: { value: 'https://relay.example/p/AAAA' } })
    expect(screen.getByTestId('receive-link-error').textContent).toMatch(/after #/)
    await fireEvent.input(link, { target: { value: `  ${LINK} ` } })
    expect(screen.queryByTestId('receive-link-error')).toBeNull()
    const info = await screen.findByTestId('receive-info')
    expect(info.textContent).toContain('Ada')
    expect(info.textContent).toContain('Your logins')
    expect(screen.getByTestId('receive-tries').textContent).toBe('3 tries left')
    expect(screen.queryByTestId('receive-passphrase')).toBeNull()

    const open = screen.getByTestId('receive-open') as HTMLButtonElement
    expect(open.disabled).toBe(true)
    await fireEvent.input(screen.getByTestId('receive-pin'), { target: { value: '11111' } })
    expect(open.disabled).toBe(false)
    await fireEvent.click(open)
    await waitFor(() => expect(screen.getByTestId('receive-error').textContent).toBe('Wrong PIN: 2 tries left.'))
    await waitFor(() => expect(screen.getByTestId('receive-tries').textContent).toBe('2 tries left'))

    await fireEvent.input(screen.getByTestId('receive-pin'), { target: { value: '48213' } })
    await fireEvent.click(screen.getByTestId('receive-open'))
    await screen.findByTestId('receive-summary')
    expect(calls.filter((call) => call.command === 'receive_pickup').map((call) => call.args)).toEqual([
      { link: LINK, pin: '11111', passphrase: null },
      { link: LINK, pin: '48213', passphrase: null },
    ])
    const previews = screen.getAllByTestId('receive-row')
    expect(previews.map((row) => row.textContent)).toEqual(['Mailanahttps://mail.example', 'Bankana.mhttps://bank.example'])
    expect(screen.queryByTestId('receive-error')).toBeNull()
    expect(screen.getByTestId('receive-note').textContent).toMatch(/used up or deleted/)

    await fireEvent.change(screen.getByTestId('receive-export-format'), { target: { value: 'bitwarden' } })
    await fireEvent.click(screen.getByTestId('receive-export-csv'))
    await waitFor(() => expect(toasts.map((toast) => toast.text)).toContain('Exported 2 entries to /tmp/received.csv'))
    const target: ExportTarget = { source: { kind: 'received', token: 7 }, path: '/tmp/received.csv' }
    expect(calls.find((call) => call.command === 'export_csv')?.args).toEqual({ target, format: 'bitwarden' })
    await waitFor(() => expect((screen.getByTestId('receive-export-pdf') as HTMLButtonElement).disabled).toBe(false))
    await fireEvent.click(screen.getByTestId('receive-export-pdf'))
    await waitFor(() => expect(calls.find((call) => call.command === 'export_pdf')?.args).toEqual({ target }))
    await waitFor(() => expect((screen.getByTestId('receive-import') as HTMLButtonElement).disabled).toBe(false))

    await fireEvent.click(screen.getByTestId('receive-import'))
    await waitFor(() => expect(screen.getByTestId('receive-import').textContent?.trim()).toBe('Saved 2 entries'))
    expect(calls.find((call) => call.command === 'save_received')?.args).toEqual({ token: 7 })
    expect(toasts.map((toast) => toast.text)).toContain('Saved 2 entries to your vault.')
    expect(screen.getByTestId('receive-saved-hint')).not.toBeNull()
    // Saved entries can still be exported from here (Rust keeps them until the next pickup or lock).
    const exports = calls.filter((call) => call.command === 'export_csv').length
    await fireEvent.click(screen.getByTestId('receive-export-csv'))
    await waitFor(() => expect(calls.filter((call) => call.command === 'export_csv').length).toBe(exports + 1))
  })

  it('starts over when Rust no longer holds the opened entries', async () => {
    mockIPC((command) => {
      if (command === 'save_received') {
        throw { code: 'not_found', message: 'That preview is no longer open.' }
      }
      if (command === 'pickup_info') {
        return { sender_name: 'Ada', message: '', expires_at: '2030-01-01T10:00:00Z', attempts_left: 3, views_left: null, passphrase_required: false, recipient_delete: true }
      }
      throw new Error(`unexpected ${command}`)
    })
    received.link = LINK
    received.summary = summary
    render(ReceiveTab)
    await fireEvent.click(screen.getByTestId('receive-import'))
    await waitFor(() => expect(screen.getByTestId('receive-error').textContent).toMatch(/no longer holds these entries/))
    expect(received.summary).toBeNull()
    expect((screen.getByTestId('receive-link') as HTMLInputElement).value).toBe(LINK)
    await screen.findByTestId('receive-info')
    expect(screen.getByTestId('receive-error').textContent).toMatch(/no longer holds/)
  })

  it('says the pickup is gone after the last wrong PIN', async () => {
    mockReceive()
    render(ReceiveTab)
    await fireEvent.input(screen.getByTestId('receive-link'), { target: { value: LINK } })
    await screen.findByTestId('receive-info')
    for (const tries of ['2 tries left', '1 try left']) {
      await fireEvent.input(screen.getByTestId('receive-pin'), { target: { value: '00000' } })
      await fireEvent.click(screen.getByTestId('receive-open'))
      await waitFor(() => expect(screen.getByTestId('receive-error').textContent).toContain(tries))
    }
    await fireEvent.input(screen.getByTestId('receive-pin'), { target: { value: '00000' } })
    await fireEvent.click(screen.getByTestId('receive-open'))
    await waitFor(() => expect(screen.getByTestId('receive-error').textContent).toMatch(/This pickup is gone/))
    expect(screen.queryByTestId('receive-info')).toBeNull()
    expect(screen.queryByTestId('receive-pin')).toBeNull()
  })

  it('asks for the passphrase when the sender set one', async () => {
    const calls = mockReceive({ passphrase: true })
    render(ReceiveTab)
    await fireEvent.input(screen.getByTestId('receive-link'), { target: { value: LINK } })
    await screen.findByTestId('receive-info')
    await fireEvent.input(screen.getByTestId('receive-pin'), { target: { value: '48213' } })
    expect((screen.getByTestId('receive-open') as HTMLButtonElement).disabled).toBe(true)
    await fireEvent.input(screen.getByTestId('receive-passphrase'), { target: { value: 'river otter' } })
    await fireEvent.click(screen.getByTestId('receive-open'))
    await screen.findByTestId('receive-summary')
    expect(calls.find((call) => call.command === 'receive_pickup')?.args).toEqual({ link: LINK, pin: '48213', passphrase: 'river otter' })
  })

  it('keeps opened entries when the tab is left and shown again', async () => {
    mockReceive()
    received.link = LINK
    received.summary = summary
    render(ReceiveTab)
    expect(screen.getAllByTestId('receive-row')).toHaveLength(2)
    await fireEvent.click(screen.getByTestId('receive-reset'))
    expect(received.summary).toBeNull()
    expect((screen.getByTestId('receive-link') as HTMLInputElement).value).toBe('')
  })
})

describe('Shell', () => {
  /**
   * A stand-in for Rust behind the shell: an empty vault, Inbox and Sent list, and `links`
   * handed out one per `take_opened_link`. Counts the Sent list loads and the relay asked
   * about a link.
   */
  function mockShell(links: OpenedLink[] = []) {
    const counts = { sentLists: 0, pickupInfos: 0 }
    mockIPC(
      (command) => {
        switch (command) {
          case 'search_entries':
            return { generation: 1, total: 0, complete: true, rows: [] }
          case 'list_tags':
            return []
          case 'sent_list':
            counts.sentLists += 1
            return []
          case 'take_opened_link':
            return links.shift() ?? null
          case 'take_opened_invite':
            return null
          case 'inbox_page':
            return { total: 0, messages: [] }
          case 'list_people':
          case 'sent_messages':
          case 'refresh_sent_messages':
            return []
          case 'inbox_dropped':
            return { quarantined: 0, rejected: 0 }
          case 'pickup_info':
            counts.pickupInfos += 1
            return {
              id: 'p1',
              sender_name: 'Ada',
              message: 'Your logins',
              expires_at: '2030-01-01T10:00:00Z',
              attempts_left: 3,
              views_left: 1,
              passphrase_required: false,
              retrieval_step: false,
              recipient_delete: true,
            } satisfies PickupStatus
          default:
            throw new Error(`unexpected ${command}`)
        }
      },
      { shouldMockEvents: true },
    )
    return counts
  }

  it('toasts pickup news, raises the same words as a system notification, and reloads Sent', async () => {
    const notifications: Array<{ title: string; body: string | undefined }> = []
    vi.stubGlobal(
      'Notification',
      vi.fn(function (title: string, options?: NotificationOptions) {
        notifications.push({ title, body: options?.body })
      }),
    )
    const counts = mockShell()
    render(Shell)
    await fireEvent.click(screen.getByTestId('tab-messages'))
    await fireEvent.click(screen.getByTestId('messages-sent-tab'))
    await screen.findByTestId('sent-empty')
    expect(counts.sentLists).toBe(1)
    await emit('pickup-event', { id: 'p1', recipient_email: 'ana@example.com', kind: 'opened', at: '2030-01-01T10:00:00Z' })
    await waitFor(() => expect(toasts.map((toast) => toast.text)).toContain('ana@example.com opened your pickup.'))
    expect(notifications).toEqual([{ title: 'Keypost', body: 'ana@example.com opened your pickup.' }])
    vi.unstubAllGlobals()
    await waitFor(() => expect(counts.sentLists).toBe(2))
    expect(screen.getAllByRole('button').map((button) => button.dataset.testid).filter((id) => id?.startsWith('tab-'))).toEqual([
      'tab-passwords',
      'tab-messages',
      'tab-people',
      'tab-settings',
    ])
    // Unmount while the mocked event plugin is still there: the listener is removed async.
    cleanup()
    await new Promise((resolve) => setTimeout(resolve, 0))
  })

  it('opens "Open a link…" in Messages with the link the app was started with', async () => {
    mockShell([opened(OPENED_LINK)])
    render(Shell)
    const link = (await screen.findByTestId('receive-link')) as HTMLInputElement
    expect(link.value).toBe(OPENED_LINK)
    expect(await screen.findByTestId('receive-info')).not.toBeNull()
    cleanup()
    await new Promise((resolve) => setTimeout(resolve, 0))
  })

  it('takes a link opened later when told, but never over unsaved received entries', async () => {
    const links: OpenedLink[] = []
    mockShell(links)
    render(Shell)
    await screen.findByTestId('tab-messages')
    expect(screen.queryByTestId('receive-link')).toBeNull()

    links.push(opened(OPENED_LINK))
    await emit('pickup-link-opened')
    const link = (await screen.findByTestId('receive-link')) as HTMLInputElement
    expect(link.value).toBe(OPENED_LINK)

    // Entries received and not saved yet stay until the person chooses the new link.
    received.summary = { token: 7, sender_name: 'Ada', message: '', total: 1, rows: [] }
    const newer = OPENED_LINK.replace('AAAA', 'BBBB')
    links.push(opened(newer))
    await emit('pickup-link-opened')
    await waitFor(() => expect(toasts.map((toast) => toast.text).join()).toMatch(/pickup link was opened/))
    expect(received.link).toBe(OPENED_LINK)
    toasts.find((toast) => toast.action)?.action?.run()
    expect(received.link).toBe(newer)
    expect(received.summary).toBeNull()
    cleanup()
    await new Promise((resolve) => setTimeout(resolve, 0))
  })

  it('asks with the host before a link to a relay the vault never used reaches that relay', async () => {
    const counts = mockShell([opened(STRANGER_LINK, false)])
    render(Shell)
    const dialog = await screen.findByTestId('unknown-relay-dialog')
    expect(screen.getByTestId('unknown-relay-host').textContent).toBe('relay.stranger.example')
    expect(dialog.textContent).toMatch(/never used/)
    expect(screen.queryByTestId('receive-link')).toBeNull()
    expect(received.link).toBe('')
    expect(counts.pickupInfos).toBe(0)

    await fireEvent.click(screen.getByTestId('unknown-relay-open'))
    const link = (await screen.findByTestId('receive-link')) as HTMLInputElement
    expect(link.value).toBe(STRANGER_LINK)
    await waitFor(() => expect(counts.pickupInfos).toBe(1))
    expect(screen.queryByTestId('unknown-relay-dialog')).toBeNull()
    cleanup()
    await new Promise((resolve) => setTimeout(resolve, 0))
  })

  it('drops a link to an unknown relay when the person says no, without contacting it', async () => {
    const counts = mockShell([opened(STRANGER_LINK, false)])
    render(Shell)
    await fireEvent.click(await screen.findByTestId('unknown-relay-ignore'))
    expect(screen.queryByTestId('unknown-relay-dialog')).toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(received.link).toBe('')
    expect(counts.pickupInfos).toBe(0)
    cleanup()
    await new Promise((resolve) => setTimeout(resolve, 0))
  })
})

/** What `take_opened_link` answers for `link`; `known`: the vault used its relay before. */
function opened(link: string, known = true): OpenedLink {
  return { link, relay_host: new URL(link).host, known_relay: known }
}

const STRANGER_LINK = 'https://relay.stranger.example/p/AAAAAAAAAAAAAAAAAAAAAA#q5rLwlE0c1eX0mbh5PYvI0A8w7fXmRkVUzxMRbIb4Rk'

const OPENED_LINK = 'http://127.0.0.1:47810/p/AAAAAAAAAAAAAAAAAAAAAA#q5rLwlE0c1eX0mbh5PYvI0A8w7fXmRkVUzxMRbIb4Rk'
