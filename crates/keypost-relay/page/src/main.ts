/**
 * The pickup page: `GET /p/<id>#<S>` (docs/spec/pickup.md, "Links").
 *
 * 1. S is read from the fragment and the fragment is removed from the address bar at once,
 *    before anything else runs (history, screenshots, screen sharing).
 * 2. Only a read-only status request is made on load: a link scanner that fetches or renders
 *    the page moves no counter. Counters move only when a person submits the PIN form.
 * 3. The copy is decrypted here; the relay gets the access key (with every request), the
 *    PIN proof and, for "Delete now", the delete key — never S, the PIN, the passphrase or
 *    another key. Nothing is logged.
 */
import './styles.css';
import logoUrl from '../../../../icons/keypost.svg';

import { b64urlEncode, deepLink, deriveKeys, parseLinkSecret, type PickupKeys } from './crypto/index';
import { RelayApi, RelayError } from './app/api';
import { buildCsv, csvFormat, entriesFromSnapshots, type ExportEntry } from './app/csv';
import { replaceChildren } from './app/dom';
import { INITIAL_STATE, next, type Event, type State } from './app/state';
import { unlock } from './app/unlock';
import { view, type Actions } from './app/view';

const fragment = window.location.hash;
history.replaceState(history.state, '', window.location.pathname + window.location.search);

const root = document.getElementById('app');
const api = new RelayApi(window.location.origin);
const idText = window.location.pathname.split('/').pop() ?? '';
const pageUrl = `${window.location.origin}${window.location.pathname}`;
let secret: Uint8Array | null = null;
let keys: PickupKeys | null = null;
let state: State = INITIAL_STATE;
/** Ids and times for the CSV files, made once per opening so every download agrees. */
let exportEntries: ExportEntry[] = [];

for (const logo of document.querySelectorAll<HTMLImageElement>('img.logo')) {
  logo.src = logoUrl;
}
const icon = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
if (icon) {
  icon.href = logoUrl;
}

function dispatch(event: Event): void {
  const previous = state;
  state = next(state, event);
  if (state !== previous && root) {
    if (state.kind === 'opened' && previous.kind !== 'opened') {
      exportEntries = entriesFromSnapshots(state.payload.entries, state.payload.sent_at, newEntryId);
      document.title = `Passwords from ${state.payload.sender_name} — Keypost`;
    }
    const keepScroll = state.kind === previous.kind;
    replaceChildren(root, view(state, actions, Date.now()));
    if (!keepScroll) {
      window.scrollTo(0, 0);
    }
    document.body.dataset.pageState = state.kind;
  }
}

async function loadStatus(): Promise<void> {
  try {
    if (!keys) {
      return;
    }
    dispatch({ kind: 'status_loaded', status: await api.status(idText, b64urlEncode(keys.accessKey)) });
  } catch (error) {
    dispatch({ kind: 'request_failed', failure: error instanceof RelayError ? error.failure : { kind: 'network' } });
  }
}

const actions: Actions = {
  showPasswords() {
    dispatch({ kind: 'show_clicked' });
  },
  async submit(pin, passphrase) {
    if (state.kind !== 'pin' || !secret || !keys) {
      return;
    }
    const sealed = state.sealed;
    dispatch({ kind: 'submitted' });
    // Argon2id reports progress per memory block, tens of thousands of times: re-rendering on
    // each would take far longer than the hashing, so the bar moves in whole percents.
    let shownPercent = -1;
    const outcome = await unlock({
      api,
      idText,
      keys,
      secret,
      pin,
      passphrase,
      sealed,
      onProgress: (progress) => {
        const percent = Math.floor(progress * 100);
        if (percent !== shownPercent) {
          shownPercent = percent;
          dispatch({ kind: 'stretching', progress });
        }
      },
    });
    switch (outcome.kind) {
      case 'opened':
        dispatch({ kind: 'opened', payload: outcome.payload, viewsLeft: outcome.viewsLeft });
        break;
      case 'wrong_passphrase':
        dispatch({ kind: 'wrong_passphrase', sealed: outcome.sealed, pin });
        break;
      case 'damaged':
        dispatch({ kind: 'damaged' });
        break;
      case 'failed':
        dispatch({ kind: 'request_failed', failure: outcome.failure });
        break;
    }
  },
  retryStatus() {
    state = INITIAL_STATE;
    void loadStatus();
  },
  async remove() {
    if (!keys) {
      return false;
    }
    try {
      await api.delete(idText, b64urlEncode(keys.accessKey), b64urlEncode(keys.deleteKey));
      dispatch({ kind: 'deleted' });
      return true;
    } catch (error) {
      if (error instanceof RelayError && error.failure.kind === 'gone') {
        dispatch({ kind: 'request_failed', failure: error.failure });
        return true;
      }
      return false;
    }
  },
  downloadCsv(formatId, spreadsheetSafe) {
    const format = csvFormat(formatId);
    if (!format || exportEntries.length === 0) {
      return;
    }
    const blob = new Blob([buildCsv(exportEntries, format, { spreadsheetSafe })], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `keypost-pickup-${format.id}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  },
  print() {
    window.print();
  },
  async copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      return copyWithSelection(text);
    }
  },
  deepLink() {
    return secret ? deepLink(pageUrl, secret) : '';
  },
};

/** For pages served over plain http (no Clipboard API outside secure contexts). */
function copyWithSelection(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  return copied;
}

/** A random version-4 UUID; `crypto.randomUUID` exists only in secure contexts. */
function newEntryId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function start(): void {
  if (root) {
    replaceChildren(root, view(state, actions, Date.now()));
  }
  // Without the fragment (a reload, or a cut link) nothing can be asked of the relay: every
  // recipient request needs the access key derived from S.
  if (fragment === '' || fragment === '#') {
    dispatch({ kind: 'bad_link', missing: true });
    return;
  }
  try {
    secret = parseLinkSecret(fragment);
    keys = deriveKeys(secret);
  } catch {
    dispatch({ kind: 'bad_link', missing: false });
    return;
  }
  if (b64urlEncode(keys.id) !== idText) {
    dispatch({ kind: 'bad_link', missing: false });
    return;
  }
  void loadStatus();
}

start();
