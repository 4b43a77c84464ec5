// Test data shared by the People and Messages tests: Rust's answers as the commands give them.
import type { ContactCard, IdCard, InviteCard, MyId, PendingAcceptance, RelayInfo } from '../../lib/bindings'

export const QR = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><path d="M0 0h7v7H0z"/></svg>'

export const MY_WORDS = ['acorn', 'blizzard', 'cactus', 'dolphin', 'ember', 'fjord', 'gazelle']
export const ADA_WORDS = ['harbor', 'igloo', 'jasmine', 'kettle', 'lantern', 'meadow', 'nectar']
export const NEW_WORDS = ['oyster', 'pebble', 'quartz', 'raven', 'saddle', 'tundra', 'umbrella']

export function idCard(overrides: Partial<IdCard> = {}): IdCard {
  return { name: 'Bo', fingerprint: 'Ym8tZmluZ2VycHJpbnQ', words: MY_WORDS, ...overrides }
}

export function myId(overrides: Partial<MyId> = {}): MyId {
  return {
    card: idCard(),
    account: {
      relay_url: 'https://relay.example',
      account_id: 'AAAAAAAAAAAAAAAAAAAAAA',
      registered_at: '2030-01-01T10:00:00Z',
      email: null,
      email_verified: false,
    },
    qr_svg: QR,
    ...overrides,
  }
}

export const SHARED_RELAY: RelayInfo = { url: 'https://relay.example', built_in: false, sends_email: true }
export const BUILT_IN_RELAY: RelayInfo = { url: 'http://127.0.0.1:47810', built_in: true, sends_email: false }

export function contact(overrides: Partial<ContactCard> = {}): ContactCard {
  return {
    name: 'Ada',
    state: 'connected',
    fingerprint: 'YWRhLWZpbmdlcnByaW50',
    words: ADA_WORDS,
    verified_how: 'invite',
    verified_at: '2030-01-01T10:00:00Z',
    changed_words: null,
    changed_fingerprint: null,
    received_count: 2,
    sent_count: 1,
    ...overrides,
  }
}

/** One contact in each state, named after it. */
export const EVERY_STATE: ContactCard[] = [
  contact(),
  contact({ name: 'Cy', state: 'key_changed', changed_words: NEW_WORDS, changed_fingerprint: 'bmV3LWZpbmdlcnByaW50' }),
  contact({ name: 'Di', state: 'awaiting_confirmation' }),
  contact({ name: 'Ed', state: 'removed' }),
  contact({ name: 'Flo', state: 'blocked' }),
]

export function inviteCard(overrides: Partial<InviteCard> = {}): InviteCard {
  return {
    invite_id: 'aW52aXRlLTE',
    name: 'Cy',
    link: 'keypost://invite?r=https%3A%2F%2Frelay.example#c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlYw',
    code: 'https://relay.example#c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlYw',
    message: 'Bo invites you to connect on Keypost.\nkeypost://invite?r=…',
    expires_at: '2030-01-08T10:00:00Z',
    qr_svg: QR,
    ...overrides,
  }
}

export function acceptance(overrides: Partial<PendingAcceptance> = {}): PendingAcceptance {
  return {
    invite_id: 'aW52aXRlLTE',
    name: 'Cy',
    acceptor_name: 'Cyrus',
    fingerprint: 'Y3ktZmluZ2VycHJpbnQ',
    words: NEW_WORDS,
    problem: null,
    ...overrides,
  }
}
