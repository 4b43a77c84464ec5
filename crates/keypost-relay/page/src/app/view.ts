/**
 * What each state looks like. Pure DOM building: actions are callbacks from main.ts.
 */
import type { EntrySnapshot, SnapshotField } from '../crypto/index';
import type { PickupStatus } from './api';
import { CSV_FORMATS } from './csv';
import { h } from './dom';
import { noticeText, timeLeft, triesLeft, type State } from './state';

export interface Actions {
  showPasswords(): void;
  submit(pin: string, passphrase: string | undefined): void;
  retryStatus(): void;
  remove(): Promise<boolean>;
  downloadCsv(formatId: string, spreadsheetSafe: boolean): void;
  print(): void;
  copy(text: string): Promise<boolean>;
  /** The `keypost://` link for "Open in Keypost". */
  deepLink(): string;
}

export function view(state: State, actions: Actions, now: number): HTMLElement {
  switch (state.kind) {
    case 'loading':
      return card('loading', h('p', { class: 'lead' }, 'Opening the pickup…'));
    case 'bad_link':
      return state.missing
        ? card(
            'bad_link',
            h('h1', {}, 'Open the link from the email again'),
            h('p', {}, 'For your safety this page removes the secret part of the link (after the # sign) from the address bar as soon as it has read it, so reloading the page cannot open the copy. Click the link in the email again.'),
          )
        : card(
            'bad_link',
            h('h1', {}, 'This link is damaged'),
            h('p', {}, 'The part of the link after the # sign holds the key to the copy, and it is not complete. Some email programs cut long links: copy the whole link from the email into the address bar, or ask the sender to send it again.'),
          );
    case 'gone':
      return card(
        'gone',
        h('h1', {}, 'This link has expired, was used up, or was destroyed'),
        h('p', {}, 'A pickup link stops working when its time runs out, when it has been opened as often as the sender allowed, after three wrong PINs, or when it was deleted. Nothing can be recovered from it.'),
        h('p', {}, 'Ask the sender to send the passwords again.'),
      );
    case 'unavailable':
      return card(
        'unavailable',
        h('h1', {}, state.rateLimited ? 'Too many requests just now' : 'The relay could not be reached'),
        h('p', {}, state.rateLimited ? 'Wait a minute, then try again.' : 'Check your connection, then try again. Nothing was used up.'),
        h('button', { type: 'button', class: 'button primary', onclick: () => actions.retryStatus() }, 'Try again'),
      );
    case 'intro':
      return introView(state.status, actions, now);
    case 'pin':
      return pinView(state, actions, now);
    case 'opened':
      return openedView(state, actions);
    case 'destroyed':
      return card(
        'destroyed',
        h('h1', {}, 'This copy has been destroyed'),
        h('p', {}, 'The PIN was wrong three times, so the copy was deleted from the relay for good. No one can open it any more.'),
        h('p', {}, 'Ask the sender to send the passwords again, and to tell you the PIN by phone or text message.'),
      );
    case 'deleted':
      return card(
        'deleted',
        h('h1', {}, 'Deleted'),
        h('p', {}, 'The copy was deleted from the relay. This link will not work again.'),
      );
  }
}

function card(name: string, ...children: (Node | null | false)[]): HTMLElement {
  return h('section', { class: `card state-${name}`, 'data-state': name }, ...children);
}

function senderName(status: PickupStatus): string {
  return status.sender_name.trim() === '' ? 'Someone' : status.sender_name;
}

function message(text: string): HTMLElement | null {
  return text.trim() === '' ? null : h('blockquote', { class: 'message' }, text);
}

function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));
}

/** Expiry, views, tries and passphrase as a short list of facts. */
function facts(status: PickupStatus, now: number): HTMLElement {
  const views =
    status.views_left === null
      ? 'Can be opened until it expires'
      : status.views_left === 1
        ? 'Can be opened once'
        : `Can be opened ${status.views_left} more times`;
  return h(
    'ul',
    { class: 'facts' },
    h('li', {}, h('span', { class: 'fact-label' }, 'Available until '), h('time', { datetime: status.expires_at }, formatDate(status.expires_at)), ` (${timeLeft(status.expires_at, now)} left)`),
    h('li', {}, views),
    h('li', { 'data-testid': 'tries' }, `PIN: ${triesLeft(status.attempts_left)}`),
    status.passphrase_required ? h('li', {}, 'Needs a passphrase as well as the PIN') : null,
  );
}

function introView(status: PickupStatus, actions: Actions, now: number): HTMLElement {
  return card(
    'intro',
    h('h1', {}, `${senderName(status)} sent you passwords`),
    message(status.message),
    facts(status, now),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button primary', 'data-testid': 'show', onclick: () => actions.showPasswords() }, 'Show the passwords')),
    h('p', { class: 'hint' }, 'You will need the 5-digit PIN the sender gives you by phone or text message. This extra click keeps email link scanners from using up your copy.'),
    about(),
    status.recipient_delete ? deleteControl(actions, 'Not expecting this? Delete it') : null,
  );
}

/** For a recipient who has never heard of Keypost. */
function about(): HTMLElement {
  return h(
    'details',
    { class: 'about' },
    h('summary', {}, 'What is this, and is it safe?'),
    h('p', {}, 'Keypost is a password manager. The sender used it to send you a copy of some passwords. The copy is encrypted on the sender\'s computer and can only be decrypted here, in your browser, with the PIN: the server that delivers it never sees the passwords, the PIN or the key.'),
    h('p', {}, 'The PIN is never sent over the network. After three wrong PINs the copy is destroyed, and it is deleted when it expires or has been opened as often as the sender allowed.'),
  );
}

function pinView(state: Extract<State, { kind: 'pin' }>, actions: Actions, now: number): HTMLElement {
  const { status, notice, busy, sealed, acceptedPin } = state;
  const pinAccepted = sealed !== null;
  const working = busy.kind !== 'idle';
  const pin = h('input', {
    id: 'pin',
    name: 'pin',
    class: 'pin-input',
    type: 'text',
    inputmode: 'numeric',
    autocomplete: 'off',
    autocorrect: 'off',
    spellcheck: 'false',
    maxlength: 5,
    pattern: '[0-9]{5}',
    required: true,
    'aria-describedby': 'pin-help',
    readonly: pinAccepted,
    disabled: working,
  });
  if (acceptedPin !== null) {
    pin.value = acceptedPin;
  }
  const passphrase = status.passphrase_required
    ? h('input', {
        id: 'passphrase',
        name: 'passphrase',
        type: 'password',
        autocomplete: 'off',
        required: true,
        disabled: working,
      })
    : null;
  const problem = h('p', { class: 'problem', id: 'form-problem', role: 'alert', 'data-testid': 'notice' }, notice ? noticeText(notice) : '');
  problem.hidden = notice === null;
  const form = h(
    'form',
    {
      class: 'pin-form',
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        const pinText = pin.value.trim();
        if (!/^[0-9]{5}$/.test(pinText)) {
          problem.textContent = 'The PIN is exactly 5 digits.';
          problem.hidden = false;
          pin.focus();
          return;
        }
        if (passphrase && passphrase.value === '') {
          problem.textContent = 'Enter the passphrase too.';
          problem.hidden = false;
          passphrase.focus();
          return;
        }
        actions.submit(pinText, passphrase ? passphrase.value : undefined);
      },
    },
    h('label', { for: 'pin' }, 'PIN'),
    pin,
    h('p', { class: 'hint', id: 'pin-help' }, pinAccepted ? 'PIN accepted.' : `5 digits. ${senderName(status)} tells you the PIN separately; it is not in the email.`),
    passphrase ? [h('label', { for: 'passphrase' }, 'Passphrase'), passphrase] : null,
    problem,
    h(
      'button',
      { type: 'submit', class: 'button primary', 'data-testid': 'unlock', disabled: working },
      busy.kind === 'checking' ? 'Checking…' : busy.kind === 'stretching' ? 'Unlocking…' : 'Unlock',
    ),
    busy.kind === 'stretching' ? h('progress', { max: 1, value: busy.progress, 'aria-label': 'Checking the passphrase' }) : null,
  );
  if (pinAccepted && passphrase) {
    queueMicrotask(() => passphrase.focus());
  } else if (!working) {
    queueMicrotask(() => pin.focus());
  }
  return card(
    'pin',
    h('h1', {}, `Passwords from ${senderName(status)}`),
    message(status.message),
    facts(status, now),
    form,
    h('p', { class: 'hint' }, `After ${status.attempts_left === 1 ? 'one more wrong PIN' : `${status.attempts_left} wrong PINs`} the copy is destroyed for good.`),
    about(),
    status.recipient_delete ? deleteControl(actions, 'Not expecting this? Delete it') : null,
  );
}

/** "Delete" with a confirmation step, so one stray click does not destroy the copy. */
function deleteControl(actions: Actions, label: string): HTMLElement {
  const box = h('div', { class: 'delete-control' });
  const ask = h('button', { type: 'button', class: 'button danger-link', 'data-testid': 'delete' }, label);
  const status = h('p', { class: 'problem', role: 'alert' });
  status.hidden = true;
  const confirm = h(
    'div',
    { class: 'confirm', role: 'group', 'aria-label': 'Confirm deletion' },
    h('span', {}, 'Delete the copy from the relay for good?'),
    h('button', {
      type: 'button',
      class: 'button danger',
      'data-testid': 'confirm-delete',
      onclick: async () => {
        if (!(await actions.remove())) {
          status.textContent = 'The copy could not be deleted. Try again.';
          status.hidden = false;
        }
      },
    }, 'Delete now'),
    h('button', { type: 'button', class: 'button', onclick: () => { confirm.hidden = true; ask.hidden = false; } }, 'Keep it'),
  );
  confirm.hidden = true;
  ask.addEventListener('click', () => {
    ask.hidden = true;
    confirm.hidden = false;
  });
  box.append(ask, confirm, status);
  return box;
}

function openedView(state: Extract<State, { kind: 'opened' }>, actions: Actions): HTMLElement {
  const { payload, status, viewsLeft, deleted } = state;
  const count = payload.entries.length;
  const sender = payload.sender_name.trim() === '' ? 'someone' : payload.sender_name;
  const lifeNote = deleted
    ? 'You deleted the copy from the relay. It stays on this page until you close it.'
    : viewsLeft === 0
      ? 'That was the last view: the copy is now deleted from the relay. Save what you need before you close this page.'
      : viewsLeft === null
        ? `The link keeps working until ${formatDate(status.expires_at)}.`
        : `The link can be opened ${viewsLeft === 1 ? 'once more' : `${viewsLeft} more times`} until ${formatDate(status.expires_at)}.`;
  return h(
    'div',
    { class: 'opened', 'data-state': 'opened' },
    h(
      'section',
      { class: 'card summary' },
      h('p', { class: 'print-only print-title' }, 'Keypost — passwords received'),
      h('h1', {}, `${count === 1 ? '1 password' : `${count} passwords`} from ${sender}`),
      message(payload.message),
      h('p', { class: 'meta' }, 'Sent ', h('time', { datetime: payload.sent_at }, formatDate(payload.sent_at)), '.'),
      h('p', { class: 'meta no-print', 'data-testid': 'life' }, lifeNote),
      toolbar(status, deleted || viewsLeft === 0, actions),
    ),
    h('div', { class: 'entries' }, payload.entries.map((entry, index) => entryCard(entry, index, actions))),
    h('p', { class: 'print-only print-footer' }, 'Confidential — destroy after use'),
  );
}

/** `gone`: deleted, or the last view was used; nothing left on the relay to delete. */
function toolbar(status: PickupStatus, gone: boolean, actions: Actions): HTMLElement {
  const format = h(
    'select',
    { id: 'csv-format', 'aria-label': 'CSV format' },
    CSV_FORMATS.map((info) => h('option', { value: info.id }, info.name)),
  );
  const safe = h('input', { id: 'csv-safe', type: 'checkbox' });
  const revealAll = h('button', { type: 'button', class: 'button', 'aria-pressed': 'false', 'data-testid': 'reveal-all' }, 'Show all passwords');
  revealAll.addEventListener('click', () => {
    const reveal = revealAll.getAttribute('aria-pressed') !== 'true';
    revealAll.setAttribute('aria-pressed', String(reveal));
    revealAll.textContent = reveal ? 'Hide all passwords' : 'Show all passwords';
    for (const toggle of document.querySelectorAll<HTMLButtonElement>('button.reveal')) {
      setRevealed(toggle, reveal);
    }
  });
  return h(
    'div',
    { class: 'toolbar no-print' },
    h(
      'div',
      { class: 'tool-group csv' },
      h('label', { for: 'csv-format' }, 'Download for'),
      format,
      h('button', { type: 'button', class: 'button primary', 'data-testid': 'download', onclick: () => actions.downloadCsv(format.value, safe.checked) }, 'Download CSV'),
      h('label', { class: 'check', for: 'csv-safe', title: 'Puts a quote before values starting with = + - @ so spreadsheet programs do not run them. Password managers then import those values with the quote.' }, safe, 'For a spreadsheet'),
      h('p', { class: 'hint wide' }, 'A CSV file is not encrypted: import it into your password manager, then delete it.'),
    ),
    h(
      'div',
      { class: 'tool-group' },
      revealAll,
      h('button', { type: 'button', class: 'button', 'data-testid': 'print', onclick: () => actions.print() }, 'Print'),
      h('a', { class: 'button', href: actions.deepLink(), 'data-testid': 'open-in-keypost' }, 'Open in Keypost'),
      status.recipient_delete && !gone ? deleteControl(actions, 'Delete from the relay now') : null,
    ),
  );
}

function entryCard(entry: EntrySnapshot, index: number, actions: Actions): HTMLElement {
  const rows: HTMLElement[] = [];
  if (entry.username !== '') {
    rows.push(field('Username', entry.username, false, actions));
  }
  if (entry.password !== '') {
    rows.push(field('Password', entry.password, true, actions));
  }
  entry.urls.forEach((url, position) => {
    rows.push(urlField(entry.urls.length > 1 ? `Website ${position + 1}` : 'Website', url, actions));
  });
  if (entry.totp !== '') {
    rows.push(field('One-time code secret', entry.totp, true, actions));
  }
  for (const custom of entry.custom_fields) {
    rows.push(customField(custom, actions));
  }
  if (entry.notes !== '') {
    rows.push(field('Notes', entry.notes, false, actions, true));
  }
  return h(
    'article',
    { class: 'card entry', 'data-testid': 'entry', 'aria-labelledby': `entry-${index}` },
    h('h2', { id: `entry-${index}` }, entry.title === '' ? '(untitled)' : entry.title),
    h('dl', {}, rows),
  );
}

function customField(custom: SnapshotField, actions: Actions): HTMLElement {
  return field(custom.name === '' ? '(field)' : custom.name, custom.value, custom.hidden, actions);
}

function field(label: string, value: string, secret: boolean, actions: Actions, multiline = false): HTMLElement {
  const valueNode = h('span', { class: multiline ? 'value multiline' : 'value', 'data-field': label }, value);
  const display = secret
    ? h('span', { class: 'secret' }, h('span', { class: 'mask', 'aria-hidden': 'true' }, '••••••••••'), valueNode)
    : valueNode;
  const buttons = h('span', { class: 'field-actions no-print' });
  if (secret) {
    const toggle = h('button', { type: 'button', class: 'button small reveal', 'aria-pressed': 'false', 'aria-label': `Show ${label.toLowerCase()}`, 'data-what': label.toLowerCase() }, 'Show');
    toggle.addEventListener('click', () => setRevealed(toggle, toggle.getAttribute('aria-pressed') !== 'true'));
    buttons.append(toggle);
  }
  buttons.append(copyButton(label, value, actions));
  return h('div', { class: secret ? 'row is-secret' : 'row' }, h('dt', {}, label), h('dd', {}, display, buttons));
}

function urlField(label: string, url: string, actions: Actions): HTMLElement {
  // Only web addresses become links: a `javascript:` URL from a sender must not run here.
  const link = /^https?:\/\//i.test(url)
    ? h('a', { class: 'value', href: url, target: '_blank', rel: 'noopener noreferrer' }, url)
    : h('span', { class: 'value' }, url);
  return h('div', { class: 'row' }, h('dt', {}, label), h('dd', {}, link, h('span', { class: 'field-actions no-print' }, copyButton(label, url, actions))));
}

function copyButton(label: string, value: string, actions: Actions): HTMLElement {
  const what = label.toLowerCase();
  const button = h('button', { type: 'button', class: 'button small copy', 'aria-label': `Copy ${what}` }, 'Copy');
  // The name starts with the visible text, whatever it says (WCAG "label in name").
  const say = (text: string) => {
    button.textContent = text;
    button.setAttribute('aria-label', `${text} ${what}`);
  };
  button.addEventListener('click', async () => {
    const copied = await actions.copy(value);
    say(copied ? 'Copied' : 'Copy failed');
    button.classList.toggle('done', copied);
    setTimeout(() => {
      say('Copy');
      button.classList.remove('done');
    }, 2000);
  });
  return button;
}

function setRevealed(toggle: HTMLButtonElement, reveal: boolean): void {
  toggle.setAttribute('aria-pressed', String(reveal));
  toggle.textContent = reveal ? 'Hide' : 'Show';
  toggle.setAttribute('aria-label', `${reveal ? 'Hide' : 'Show'} ${toggle.dataset.what ?? ''}`);
  toggle.closest('.row')?.classList.toggle('revealed', reveal);
}

