/**
 * The page's states and the only ways between them, as a pure function so every path (link
 * scanner, wrong PIN, destroyed, gone, wrong passphrase…) is unit-tested without a browser.
 *
 * No state is reached by a counter-moving request unless a person submitted the PIN form:
 * loading the page only reads the status.
 */
import type { Payload } from '../crypto/index';
import type { PickupStatus, RelayFailure } from './api';

/** Why the PIN form shows a message. */
export type Notice =
  | { kind: 'wrong_pin'; attemptsLeft: number }
  | { kind: 'wrong_passphrase' }
  | { kind: 'damaged' }
  | { kind: 'network' }
  | { kind: 'rate_limited' };

export type Busy = { kind: 'idle' } | { kind: 'checking' } | { kind: 'stretching'; progress: number };

export type State =
  | { kind: 'loading' }
  /**
   * The link lost its `#…` part (`missing`: e.g. a reload, as the page removes it from the
   * address bar) or it is damaged.
   */
  | { kind: 'bad_link'; missing: boolean }
  /** Missing, expired, used up, destroyed, deleted or revoked: one state for all. */
  | { kind: 'gone' }
  | { kind: 'unavailable'; rateLimited: boolean }
  /** The 1-click retrieval step: who sent what, and a button. */
  | { kind: 'intro'; status: PickupStatus }
  | {
      kind: 'pin';
      status: PickupStatus;
      notice: Notice | null;
      busy: Busy;
      /**
       * Set once the relay accepted the PIN but the passphrase did not open the copy: the
       * recipient retries the passphrase against these bytes, without another request (and
       * without using another view).
       */
      sealed: Uint8Array | null;
      /** The PIN the relay accepted with `sealed`: it also keys the copy, so the retry needs it. */
      acceptedPin: string | null;
    }
  | { kind: 'opened'; status: PickupStatus; payload: Payload; viewsLeft: number | null; deleted: boolean }
  /** Three wrong PINs: the relay deleted the copy. */
  | { kind: 'destroyed' }
  /** The recipient deleted the copy before opening it. */
  | { kind: 'deleted' };

export type Event =
  | { kind: 'bad_link'; missing: boolean }
  | { kind: 'status_loaded'; status: PickupStatus }
  | { kind: 'request_failed'; failure: RelayFailure }
  | { kind: 'show_clicked' }
  | { kind: 'submitted' }
  | { kind: 'stretching'; progress: number }
  | { kind: 'wrong_passphrase'; sealed: Uint8Array; pin: string }
  | { kind: 'damaged' }
  | { kind: 'opened'; payload: Payload; viewsLeft: number | null }
  | { kind: 'deleted' };

export const INITIAL_STATE: State = { kind: 'loading' };

export function next(state: State, event: Event): State {
  switch (event.kind) {
    case 'bad_link':
      return state.kind === 'loading' ? { kind: 'bad_link', missing: event.missing } : state;
    case 'status_loaded':
      if (state.kind !== 'loading') {
        return state;
      }
      return event.status.retrieval_step
        ? { kind: 'intro', status: event.status }
        : pinForm(event.status);
    case 'show_clicked':
      return state.kind === 'intro' ? pinForm(state.status) : state;
    case 'submitted':
      return state.kind === 'pin' ? { ...state, notice: null, busy: { kind: 'checking' } } : state;
    case 'stretching':
      return state.kind === 'pin' ? { ...state, busy: { kind: 'stretching', progress: event.progress } } : state;
    case 'wrong_passphrase':
      return state.kind === 'pin'
        ? {
            ...state,
            notice: { kind: 'wrong_passphrase' },
            busy: { kind: 'idle' },
            sealed: event.sealed,
            acceptedPin: event.pin,
          }
        : state;
    case 'damaged':
      return state.kind === 'pin' ? { ...state, notice: { kind: 'damaged' }, busy: { kind: 'idle' } } : state;
    case 'opened':
      return state.kind === 'pin'
        ? { kind: 'opened', status: state.status, payload: event.payload, viewsLeft: event.viewsLeft, deleted: false }
        : state;
    case 'deleted':
      if (state.kind === 'opened') {
        return { ...state, deleted: true };
      }
      return state.kind === 'intro' || state.kind === 'pin' ? { kind: 'deleted' } : state;
    case 'request_failed':
      return failed(state, event.failure);
  }
}

function pinForm(status: PickupStatus): State {
  return { kind: 'pin', status, notice: null, busy: { kind: 'idle' }, sealed: null, acceptedPin: null };
}

function failed(state: State, failure: RelayFailure): State {
  if (failure.kind === 'gone') {
    // After a delete the copy is gone by design; keep showing what was opened.
    return state.kind === 'opened' ? { ...state, deleted: true } : { kind: 'gone' };
  }
  switch (state.kind) {
    case 'loading':
      return { kind: 'unavailable', rateLimited: failure.kind === 'rate_limited' };
    case 'pin': {
      const idle = { ...state, busy: { kind: 'idle' } as Busy };
      switch (failure.kind) {
        case 'wrong_pin':
          return failure.attemptsLeft <= 0
            ? { kind: 'destroyed' }
            : {
                ...idle,
                status: { ...state.status, attempts_left: failure.attemptsLeft },
                notice: { kind: 'wrong_pin', attemptsLeft: failure.attemptsLeft },
              };
        case 'rate_limited':
          return { ...idle, notice: { kind: 'rate_limited' } };
        default:
          return { ...idle, notice: { kind: 'network' } };
      }
    }
    default:
      return state;
  }
}

/** "2 tries left" / "1 try left". */
export function triesLeft(count: number): string {
  return count === 1 ? '1 try left' : `${count} tries left`;
}

/** The line the PIN form shows for a notice. */
export function noticeText(notice: Notice): string {
  switch (notice.kind) {
    case 'wrong_pin':
      return `Wrong PIN — ${triesLeft(notice.attemptsLeft)}.`;
    case 'wrong_passphrase':
      return 'The PIN is right, but the passphrase is not. Check it with the sender and try again.';
    case 'damaged':
      return 'The PIN is right, but the copy cannot be decrypted: it was damaged or altered. Ask the sender to send it again.';
    case 'network':
      return 'The relay could not be reached. Check your connection and try again.';
    case 'rate_limited':
      return 'Too many attempts from your network just now. Wait a minute and try again.';
  }
}

/** "Available for 6 more days" style, from now to the expiry. */
export function timeLeft(expiresAt: string, now: number): string {
  const seconds = Math.max(0, Math.floor((Date.parse(expiresAt) - now) / 1000));
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (seconds < 60 * 60) {
    return plural(Math.max(1, Math.floor(seconds / 60)), 'minute');
  }
  if (seconds < 48 * 60 * 60) {
    return plural(Math.floor(seconds / 3600), 'hour');
  }
  return plural(Math.floor(seconds / 86400), 'day');
}
