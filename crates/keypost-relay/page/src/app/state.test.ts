import { describe, expect, it } from 'vitest';

import type { Payload } from '../crypto/index';
import type { PickupStatus } from './api';
import { INITIAL_STATE, next, noticeText, timeLeft, triesLeft, type Event, type State } from './state';

const status: PickupStatus = {
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  sender_name: 'Ana Sender',
  message: 'Here you go',
  expires_at: '2026-11-27T08:30:15Z',
  attempts_left: 3,
  views_left: 1,
  retrieval_step: true,
  recipient_delete: true,
  passphrase_required: false,
};

const payload: Payload = {
  v: 1,
  sender_name: 'Ana Sender',
  message: 'Here you go',
  sent_at: '2026-11-20T08:30:15Z',
  entries: [{ title: 'Router', username: 'admin', password: 'pw', urls: [], notes: '', custom_fields: [], totp: '' }],
};

function run(...events: Event[]): State {
  return events.reduce(next, INITIAL_STATE);
}

const wrongPin = (attemptsLeft: number): Event => ({ kind: 'request_failed', failure: { kind: 'wrong_pin', attemptsLeft } });

describe('page states', () => {
  it('the retrieval step shows a click before the PIN form', () => {
    const intro = run({ kind: 'status_loaded', status });
    expect(intro.kind).toBe('intro');
    expect(next(intro, { kind: 'show_clicked' }).kind).toBe('pin');
    // Submitting is only possible from the PIN form: the intro ignores it.
    expect(next(intro, { kind: 'submitted' })).toBe(intro);
  });

  it('without the retrieval step the PIN form comes at once', () => {
    expect(run({ kind: 'status_loaded', status: { ...status, retrieval_step: false } }).kind).toBe('pin');
  });

  it('wrong PINs count down, the third destroys', () => {
    const pin = run({ kind: 'status_loaded', status }, { kind: 'show_clicked' }, { kind: 'submitted' });
    expect(pin).toMatchObject({ kind: 'pin', busy: { kind: 'checking' } });
    const once = next(pin, wrongPin(2));
    expect(once).toMatchObject({ kind: 'pin', notice: { kind: 'wrong_pin', attemptsLeft: 2 }, busy: { kind: 'idle' }, status: { attempts_left: 2 } });
    const twice = next(next(once, { kind: 'submitted' }), wrongPin(1));
    expect(twice).toMatchObject({ notice: { attemptsLeft: 1 } });
    expect(next(next(twice, { kind: 'submitted' }), wrongPin(0))).toEqual({ kind: 'destroyed' });
  });

  it('the notice says how many tries are left', () => {
    expect(noticeText({ kind: 'wrong_pin', attemptsLeft: 2 })).toMatch(/^Wrong PIN — 2 tries left\./);
    expect(noticeText({ kind: 'wrong_pin', attemptsLeft: 1 })).toMatch(/^Wrong PIN — 1 try left\./);
    expect(triesLeft(3)).toBe('3 tries left');
  });

  it('every gone answer is one state', () => {
    const gone: Event = { kind: 'request_failed', failure: { kind: 'gone' } };
    expect(run(gone)).toEqual({ kind: 'gone' });
    expect(run({ kind: 'status_loaded', status }, { kind: 'show_clicked' }, { kind: 'submitted' }, gone)).toEqual({ kind: 'gone' });
  });

  it('a relay that cannot be reached on load offers a retry; during the PIN a notice', () => {
    expect(run({ kind: 'request_failed', failure: { kind: 'network' } })).toEqual({ kind: 'unavailable', rateLimited: false });
    expect(run({ kind: 'request_failed', failure: { kind: 'rate_limited' } })).toEqual({ kind: 'unavailable', rateLimited: true });
    const pin = run({ kind: 'status_loaded', status: { ...status, retrieval_step: false } }, { kind: 'submitted' });
    expect(next(pin, { kind: 'request_failed', failure: { kind: 'network' } })).toMatchObject({ kind: 'pin', notice: { kind: 'network' }, busy: { kind: 'idle' } });
  });

  it('a wrong passphrase keeps the fetched copy so the retry makes no request', () => {
    const sealed = new Uint8Array([1, 2, 3]);
    const pin = run({ kind: 'status_loaded', status: { ...status, retrieval_step: false, passphrase_required: true } }, { kind: 'submitted' });
    const retry = next(pin, { kind: 'wrong_passphrase', sealed, pin: '52817' });
    expect(retry).toMatchObject({ kind: 'pin', sealed, acceptedPin: '52817', notice: { kind: 'wrong_passphrase' } });
    expect(next(next(retry, { kind: 'stretching', progress: 0.5 }), { kind: 'opened', payload, viewsLeft: 0 }).kind).toBe('opened');
  });

  it('opened, then deleted, keeps the entries on screen', () => {
    const opened = run({ kind: 'status_loaded', status }, { kind: 'show_clicked' }, { kind: 'submitted' }, { kind: 'opened', payload, viewsLeft: 0 });
    expect(opened).toMatchObject({ kind: 'opened', payload, viewsLeft: 0, deleted: false });
    expect(next(opened, { kind: 'deleted' })).toMatchObject({ kind: 'opened', deleted: true });
    expect(next(opened, { kind: 'request_failed', failure: { kind: 'gone' } })).toMatchObject({ kind: 'opened', deleted: true });
  });

  it('deleting before opening ends at deleted', () => {
    expect(run({ kind: 'status_loaded', status }, { kind: 'deleted' })).toEqual({ kind: 'deleted' });
  });

  it('a link without its secret is told apart from a damaged one', () => {
    expect(run({ kind: 'bad_link', missing: true })).toEqual({ kind: 'bad_link', missing: true });
    expect(run({ kind: 'bad_link', missing: false })).toEqual({ kind: 'bad_link', missing: false });
  });

  it('time left reads in minutes, hours or days', () => {
    const now = Date.parse('2026-11-20T08:30:15Z');
    expect(timeLeft('2026-11-27T08:30:15Z', now)).toBe('7 days');
    expect(timeLeft('2026-11-20T20:30:15Z', now)).toBe('12 hours');
    expect(timeLeft('2026-11-20T08:31:15Z', now)).toBe('1 minute');
    expect(timeLeft('2026-11-20T08:00:00Z', now)).toBe('1 minute');
  });
});
