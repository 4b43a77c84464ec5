import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Selection } from '../../lib/bindings'
import {
  defaultSendForm,
  defaultDelivery,
  recipientText,
  checkRecipient,
  expiryHours,
  lastEvent,
  mapLimited,
  MAX_EXPIRY_HOURS,
  messageCounter,
  newsText,
  pickupLinkProblem,
  sendRequest,
  statusChip,
  timeLeft,
  viewLimit,
} from './sending'
import { ownerStatus } from './fixtures'

const selection: Selection = { kind: 'ids', ids: ['6f1c1c84-9d3a-4d1e-9b1c-2f7c0e0b6a11'] }


/** The addresses Rust's stand-in accepts; it answers anything else as Rust does. */
const VALID_ADDRESSES = ['ana@example.com', 'ana.maria+keys@mail.example.co.uk']
const NOT_AN_ADDRESS = 'This does not look like an email address (name@example.com).'
let checked: string[] = []

beforeEach(() => {
  checked = []
  mockIPC((command, args) => {
    if (command !== 'check_email') throw new Error(`unexpected ${command}`)
    const address = (args as { address: string }).address
    checked.push(address)
    if (VALID_ADDRESSES.includes(address)) return address
    throw { code: 'invalid_input', message: NOT_AN_ADDRESS }
  })
})

afterEach(() => clearMocks())

describe('email check', () => {
  it('takes the address Rust accepts, trimmed', async () => {
    expect(await checkRecipient('ana@example.com')).toEqual({ email: 'ana@example.com' })
    expect(await checkRecipient('  ana.maria+keys@mail.example.co.uk ')).toEqual({
      email: 'ana.maria+keys@mail.example.co.uk',
    })
    expect(checked).toEqual(['ana@example.com', 'ana.maria+keys@mail.example.co.uk'])
  })

  it('shows Rust’s answer for what is not an address', async () => {
    for (const text of ['ana', 'ana@', 'ana@example', '@example.com', 'a@b@example.com']) {
      expect(await checkRecipient(text)).toEqual({ problem: NOT_AN_ADDRESS })
    }
  })

  it('words an empty field and several addresses without asking Rust', async () => {
    expect(await checkRecipient('  ')).toEqual({ problem: 'Type the email address of the recipient.' })
    for (const text of ['ana@example.com, bo@example.com', 'ana@example.com;bo@example.com', 'ana@example.com bo@example.com']) {
      expect(await checkRecipient(text)).toEqual({ problem: 'Type one email address (one recipient per pickup).' })
    }
    expect(checked).toEqual([])
  })
})

describe('message counter', () => {
  it('counts up to 500 characters', () => {
    expect(messageCounter('')).toEqual({ used: 0, left: 500, over: false, label: '0 / 500' })
    expect(messageCounter('x'.repeat(500)).over).toBe(false)
    const over = messageCounter('x'.repeat(503))
    expect(over.over).toBe(true)
    expect(over.label).toBe('3 characters too many')
  })

  it('counts characters the way Rust does, not UTF-16 units', () => {
    expect(messageCounter('🔑'.repeat(500)).over).toBe(false)
    expect(messageCounter('🔑').used).toBe(1)
  })
})

describe('expiry', () => {
  it('turns days and hours into hours', () => {
    expect(expiryHours(7, 'days')).toBe(168)
    expect(expiryHours(1, 'hours')).toBe(1)
    expect(expiryHours(90, 'days')).toBe(MAX_EXPIRY_HOURS)
    expect(expiryHours(2160, 'hours')).toBe(2160)
  })

  it('keeps to 1 hour .. 90 days and whole numbers', () => {
    expect(typeof expiryHours(0, 'hours')).toBe('string')
    expect(typeof expiryHours(91, 'days')).toBe('string')
    expect(typeof expiryHours(2161, 'hours')).toBe('string')
    expect(typeof expiryHours(1.5, 'days')).toBe('string')
    expect(typeof expiryHours(null, 'days')).toBe('string')
    expect(typeof expiryHours(-3, 'days')).toBe('string')
  })
})

describe('view limit', () => {
  it('is null when off and 1..100 when on', () => {
    expect(viewLimit(false, null)).toBeNull()
    expect(viewLimit(true, 1)).toBe(1)
    expect(viewLimit(true, 100)).toBe(100)
    expect(typeof viewLimit(true, 0)).toBe('string')
    expect(typeof viewLimit(true, 101)).toBe('string')
    expect(typeof viewLimit(true, null)).toBe('string')
  })
})

describe('send request', () => {
  function valid() {
    const form = defaultSendForm('Ada')
    form.email = ' ana@example.com '
    form.pin = '48213'
    return form
  }

  it('starts with the safe defaults', () => {
    const form = defaultSendForm('Ada')
    expect(form).toMatchObject({
      name: 'Ada',
      expiryAmount: 7,
      expiryUnit: 'days',
      retrievalStep: true,
      recipientDelete: true,
      includeNotes: false,
      usePassphrase: false,
      limitViews: false,
    })
  })

  it('builds the command payload', async () => {
    const form = valid()
    form.limitViews = true
    form.views = 2
    form.usePassphrase = true
    form.passphrase = 'river otter'
    expect(await sendRequest(form, selection)).toEqual({
      selection,
      recipient_email: 'ana@example.com',
      delivery: 'sender_delivers',
      sender_name: 'Ada',
      message: '',
      pin: '48213',
      one_per_entry: false,
      expires_in_hours: 168,
      max_views: 2,
      retrieval_step: true,
      recipient_delete: true,
      passphrase: 'river otter',
      include_notes: false,
    })
  })

  it('needs the address only when the relay emails the link', async () => {
    expect(await sendRequest({ ...valid(), email: '', delivery: 'relay_emails' }, selection)).toMatch(/email address/)
    const mine = await sendRequest({ ...valid(), email: '  ', delivery: 'sender_delivers' }, selection)
    expect(mine).toMatchObject({ recipient_email: '', delivery: 'sender_delivers' })
    expect(await sendRequest({ ...valid(), email: 'ana', delivery: 'sender_delivers' }, selection)).toMatch(/email/)
  })

  it('delivers through the relay by default only when it is known to send email', () => {
    expect(defaultDelivery(null)).toBe('sender_delivers')
    expect(defaultDelivery({ url: 'http://127.0.0.1:47810', built_in: true, sends_email: false })).toBe('sender_delivers')
    expect(defaultDelivery({ url: 'https://relay.example', built_in: false, sends_email: null })).toBe('sender_delivers')
    expect(defaultDelivery({ url: 'https://relay.example', built_in: false, sends_email: true })).toBe('relay_emails')
    expect(recipientText(null)).toBe('the recipient')
    expect(recipientText('ana@example.com')).toBe('ana@example.com')
  })

  it('names the first thing to fix', async () => {
    expect(await sendRequest({ ...valid(), email: 'ana' }, selection)).toMatch(/email/)
    expect(await sendRequest({ ...valid(), name: '  ' }, selection)).toMatch(/your name/)
    expect(await sendRequest({ ...valid(), message: 'x'.repeat(501) }, selection)).toMatch(/500/)
    expect(await sendRequest({ ...valid(), pin: '1234' }, selection)).toMatch(/5 digits/)
    expect(await sendRequest({ ...valid(), pin: '1234a' }, selection)).toMatch(/5 digits/)
    expect(await sendRequest({ ...valid(), expiryAmount: 100 }, selection)).toMatch(/90 days/)
    expect(await sendRequest({ ...valid(), limitViews: true, views: 0 }, selection)).toMatch(/Views/)
    expect(await sendRequest({ ...valid(), usePassphrase: true }, selection)).toMatch(/passphrase/)
  })

  it('does not need the PIN field when every entry gets its own PIN', async () => {
    const request = await sendRequest({ ...valid(), pin: '', onePerEntry: true }, selection)
    expect(typeof request).toBe('object')
    expect(request).toMatchObject({ one_per_entry: true, passphrase: null, max_views: null })
  })
})

describe('status chip', () => {
  it('says Waiting, then Opened, with tries and views left', () => {
    expect(statusChip(ownerStatus())).toMatchObject({ label: 'Waiting', tone: 'waiting', detail: '3 tries left', last: '' })
    const opened = statusChip(
      ownerStatus({
        attempts_left: 1,
        views_left: 2,
        events: [
          { kind: 'created', at: '2026-11-20T10:00:00Z' },
          { kind: 'opened', at: '2026-11-20T12:00:00Z' },
          { kind: 'emailed', at: '2026-11-20T10:00:01Z' },
        ],
      }),
    )
    expect(opened).toMatchObject({ label: 'Opened', tone: 'opened', detail: '1 try left, 2 views left' })
    expect(opened.last).toMatch(/^Opened · /)
  })

  it('names every final state', () => {
    expect(statusChip(ownerStatus({ state: 'destroyed', attempts_left: 0 }))).toMatchObject({
      label: 'Destroyed (3 wrong PINs)',
      tone: 'destroyed',
      detail: '',
    })
    expect(statusChip(ownerStatus({ state: 'expired' })).label).toBe('Expired')
    expect(statusChip(ownerStatus({ state: 'deleted' })).label).toBe('Deleted by recipient')
    expect(statusChip(ownerStatus({ state: 'revoked' })).label).toBe('Revoked')
    expect(statusChip(ownerStatus({ state: 'used_up' })).label).toBe('Used up')
  })

  it('finds the latest event by time', () => {
    expect(lastEvent([])).toBeNull()
    expect(
      lastEvent([
        { kind: 'wrong_pin', at: '2026-11-20T11:00:00Z' },
        { kind: 'created', at: '2026-11-20T10:00:00Z' },
      ])?.kind,
    ).toBe('wrong_pin')
  })
})

describe('notification text', () => {
  const news = { id: 'p1', recipient_email: 'ana@example.com', at: '2026-11-20T10:00:00Z' }

  it('says who did what', () => {
    expect(newsText({ ...news, kind: 'opened' })).toEqual({ text: 'ana@example.com opened your pickup.', tone: 'info' })
    expect(newsText({ ...news, kind: 'deleted' }).text).toBe('ana@example.com deleted your pickup.')
    expect(newsText({ ...news, kind: 'destroyed' })).toMatchObject({ tone: 'error' })
    expect(newsText({ ...news, kind: 'destroyed' }).text).toMatch(/3 wrong PINs/)
    expect(newsText({ ...news, kind: 'wrong_pin' }).tone).toBe('error')
    expect(newsText({ ...news, kind: 'expired' }).text).toMatch(/expired/)
    expect(newsText({ ...news, kind: 'used_up' }).text).toMatch(/views/)
  })
})

describe('pickup link shape', () => {
  const secret = 'q5rLwlE0c1eX0mbh5PYvI0A8w7fXmRkVUzxMRbIb4Rk'

  it('accepts the web and the app form', () => {
    expect(pickupLinkProblem(`https://relay.example/p/abc#${secret}`)).toBeNull()
    expect(pickupLinkProblem(` https://relay.example/keypost/p/abc#${secret}\n`)).toBeNull()
    expect(pickupLinkProblem(`http://127.0.0.1:47810/p/abc#${secret}`)).toBeNull()
    expect(pickupLinkProblem(`keypost://pickup?u=https%3A%2F%2Frelay.example%2Fp%2Fabc#${secret}`)).toBeNull()
  })

  it('explains what is wrong', () => {
    expect(pickupLinkProblem('')).toMatch(/Paste/)
    expect(pickupLinkProblem('hello')).toMatch(/not a pickup link/)
    expect(pickupLinkProblem(`https://relay.example/abc#${secret}`)).toMatch(/not a pickup link/)
    expect(pickupLinkProblem('https://relay.example/p/abc')).toMatch(/after #/)
    expect(pickupLinkProblem('https://relay.example/p/abc#')).toMatch(/after #/)
  })
})

describe('helpers', () => {
  it('says how long is left', () => {
    const now = new Date('2026-11-20T10:00:00Z')
    expect(timeLeft('2026-11-27T10:00:00Z', now)).toBe('in 7 days')
    expect(timeLeft('2026-11-20T13:30:00Z', now)).toBe('in 3 hours')
    expect(timeLeft('2026-11-20T10:01:30Z', now)).toBe('in 1 minute')
    expect(timeLeft('2026-11-20T09:00:00Z', now)).toBe('expired')
  })

  it('runs at most N at a time and keeps the order', async () => {
    let running = 0
    let most = 0
    const results = await mapLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++
      most = Math.max(most, running)
      await new Promise((resolve) => setTimeout(resolve, 5 * (8 - n)))
      running--
      return n * 10
    })
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70])
    expect(most).toBe(3)
  })
})
