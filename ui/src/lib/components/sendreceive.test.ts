import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, it } from 'vitest'
import type { PinCheck, SendRequest, SentCopy, Settings } from '../bindings'
import SendDialog from './SendDialog.svelte'

afterEach(() => {
  cleanup()
  clearMocks()
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
    entry_titles: ['Mail'],
    ...overrides,
  }
}

/** A Rust stand-in for the send dialog's commands; records what it was asked. */
function mockSending(options: { copies?: SentCopy[] } = {}) {
  const calls: Array<{ command: string; args: unknown }> = []
  mockIPC((command, args) => {
    calls.push({ command, args })
    switch (command) {
      case 'get_settings':
        return settings
      case 'save_settings':
        return undefined
      case 'propose_pin':
        return '48213'
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
        return { url: 'https://relay.example', built_in: false, outbox: null }
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
    expect(screen.getByTestId('send-email-error').textContent).toMatch(/does not look like an email/)
    await fireEvent.input(email, { target: { value: 'ana@example.com' } })
    expect(screen.queryByTestId('send-email-error')).toBeNull()

    await fireEvent.input(screen.getByTestId('send-message'), { target: { value: 'x'.repeat(501) } })
    expect(screen.getByTestId('send-message-count').textContent).toBe('1 character too many')
    await fireEvent.click(screen.getByTestId('send-submit'))
    expect(screen.getByTestId('send-error').textContent).toMatch(/500 characters/)
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

  it('sends the request and shows link, PIN and QR code with the advice', async () => {
    const calls = mockSending()
    render(SendDialog, one)
    await waitFor(() => expect((screen.getByTestId('send-pin') as HTMLInputElement).value).toBe('48213'))
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
      /Tell ana@example.com the PIN by phone or text message — never in the same email./,
    )
    expect(screen.getByTestId('send-result-emailed').textContent).toMatch(/emailed to ana@example.com/)

    // The changed name is remembered for the next send.
    await waitFor(() => {
      const saved = calls.find((call) => call.command === 'save_settings')?.args as { settings: Settings }
      expect(saved.settings).toEqual({ ...settings, sender_name: 'Ada L.' })
    })

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
