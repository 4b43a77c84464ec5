/**
 * CSV files for other password managers, built in the browser from the received entries.
 *
 * This is the twin of the Rust exporter (crates/keypost-core/src/interchange/csv: one file per
 * format under `formats/`, and `write_csv`): same headers, same column rules, same quoting, CRLF
 * line ends, so a file downloaded here and one written by `keypost export` are byte for byte the
 * same for the same entries. Both exporters are checked against the same golden files
 * (tests/vectors/csv/), so neither can change a format alone. Values are written exactly (a password `=1+2` stays `=1+2`) unless the recipient
 * asks for the spreadsheet-safe variant.
 */
import type { EntrySnapshot, SnapshotField } from '../crypto/index';

export type CsvFormatId =
  | 'generic'
  | 'keypost'
  | 'bitwarden'
  | 'chrome'
  | 'keepassxc'
  | '1password'
  | 'lastpass'
  | 'firefox';

export interface CsvFormatInfo {
  id: CsvFormatId;
  /** The name a person recognises (the same as the desktop app's). */
  name: string;
  header: readonly string[];
  /** KeePassXC and Firefox quote every value in their own exports; we match them. */
  quoteAll: boolean;
}

/** In the order the format picker lists them. */
export const CSV_FORMATS: readonly CsvFormatInfo[] = [
  { id: 'generic', name: 'Generic CSV', quoteAll: false, header: ['title', 'username', 'password', 'url', 'notes', 'tags', 'folder', 'totp'] },
  {
    id: 'keypost',
    name: 'Keypost',
    quoteAll: false,
    header: ['id', 'title', 'username', 'password', 'urls', 'notes', 'tags', 'folder', 'custom_fields', 'totp', 'favourite', 'created', 'modified'],
  },
  {
    id: 'bitwarden',
    name: 'Bitwarden',
    quoteAll: false,
    header: ['folder', 'favorite', 'type', 'name', 'notes', 'fields', 'reprompt', 'login_uri', 'login_username', 'login_password', 'login_totp'],
  },
  { id: 'chrome', name: 'Chrome / Chromium', quoteAll: false, header: ['name', 'url', 'username', 'password', 'note'] },
  {
    id: 'keepassxc',
    name: 'KeePassXC',
    quoteAll: true,
    header: ['Group', 'Title', 'Username', 'Password', 'URL', 'Notes', 'TOTP', 'Icon', 'Last Modified', 'Created'],
  },
  { id: '1password', name: '1Password', quoteAll: false, header: ['Title', 'Url', 'Username', 'Password', 'OTPAuth', 'Favorite', 'Archived', 'Tags', 'Notes'] },
  { id: 'lastpass', name: 'LastPass', quoteAll: false, header: ['url', 'username', 'password', 'totp', 'extra', 'name', 'grouping', 'fav'] },
  {
    id: 'firefox',
    name: 'Firefox',
    quoteAll: true,
    header: ['url', 'username', 'password', 'httpRealm', 'formActionOrigin', 'guid', 'timeCreated', 'timeLastUsed', 'timePasswordChanged'],
  },
];

/**
 * An entry as the exporter sees it: the Rust `Entry` minus password history. A received
 * snapshot has no tags, folder or favourite mark (they are never sent).
 */
export interface ExportEntry {
  /** A lowercase hyphenated UUID. */
  id: string;
  title: string;
  username: string;
  password: string;
  urls: string[];
  notes: string;
  tags: string[];
  folder: string;
  custom_fields: SnapshotField[];
  totp: string;
  favourite: boolean;
  /** Milliseconds since the epoch. */
  created: number;
  modified: number;
}

/** LastPass marks a secure note (not a login) with this URL. */
const LASTPASS_NOTE_URL = 'http://sn';
/** The KeePassXC group of entries with no folder: the root group (keypost-core's keepassxc.rs). */
const KEEPASSXC_ROOT = 'Root';
const FIREFOX_REALM_FIELD = 'httpRealm';
const FIREFOX_FORM_ORIGIN_FIELD = 'formActionOrigin';

export function csvFormat(id: string): CsvFormatInfo | undefined {
  return CSV_FORMATS.find((format) => format.id === id);
}

/**
 * The received snapshots as exportable entries: each a new entry created at the moment the
 * sender made the copy (`sent_at`), with a fresh id from `newId`.
 */
export function entriesFromSnapshots(snapshots: EntrySnapshot[], sentAt: string, newId: () => string): ExportEntry[] {
  const at = Date.parse(sentAt);
  return snapshots.map((snapshot) => ({
    id: newId(),
    title: snapshot.title,
    username: snapshot.username,
    password: snapshot.password,
    urls: [...snapshot.urls],
    notes: snapshot.notes,
    tags: [],
    folder: '',
    custom_fields: snapshot.custom_fields.map((field) => ({ ...field })),
    totp: snapshot.totp,
    favourite: false,
    created: at,
    modified: at,
  }));
}

export interface CsvOptions {
  /** Prefix `= + - @ tab CR` with `'` so a spreadsheet shows text, not a formula. */
  spreadsheetSafe?: boolean;
}

/** The whole file: header row, one row per entry, every line ending in CRLF. */
export function buildCsv(entries: ExportEntry[], format: CsvFormatInfo, options: CsvOptions = {}): string {
  const lines = [csvLine(format.header, format.quoteAll)];
  for (const entry of entries) {
    let cells = row(format.id, entry);
    if (options.spreadsheetSafe) {
      cells = cells.map(neutraliseFormula);
    }
    lines.push(csvLine(cells, format.quoteAll));
  }
  return lines.join('');
}

/** The Rust `csv` writer's rules: quote when a value holds `,` `"` CR or LF (or always). */
function csvLine(cells: readonly string[], quoteAll: boolean): string {
  return `${cells.map((cell) => (quoteAll || /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(',')}\r\n`;
}

/** OWASP's advice for CSV injection: a leading `'` makes spreadsheets show the text as text. */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function row(format: CsvFormatId, entry: ExportEntry): string[] {
  const firstUrl = entry.urls[0] ?? '';
  const isNote = entry.username === '' && entry.password === '' && entry.urls.length === 0 && entry.totp === '';
  switch (format) {
    case 'bitwarden':
      return [
        entry.folder,
        entry.favourite ? '1' : '',
        isNote ? 'note' : 'login',
        entry.title,
        entry.notes,
        entry.custom_fields.map((field) => `${field.name}: ${field.value}`).join('\n'),
        '0',
        isNote ? '' : joinUriList(entry.urls),
        entry.username,
        entry.password,
        entry.totp,
      ];
    case 'chrome':
      return [entry.title, firstUrl, entry.username, entry.password, entry.notes];
    case 'keepassxc':
      return [
        entry.folder === '' ? KEEPASSXC_ROOT : entry.folder,
        entry.title,
        entry.username,
        entry.password,
        firstUrl,
        entry.notes,
        entry.totp,
        '0',
        iso8601(entry.modified),
        iso8601(entry.created),
      ];
    case '1password':
      return [
        entry.title,
        firstUrl,
        entry.username,
        entry.password,
        entry.totp,
        String(entry.favourite),
        'false',
        entry.tags.join(','),
        entry.notes,
      ];
    case 'lastpass':
      return [
        isNote ? LASTPASS_NOTE_URL : firstUrl,
        entry.username,
        entry.password,
        entry.totp,
        entry.notes,
        entry.title,
        entry.folder.replaceAll('/', '\\'),
        entry.favourite ? '1' : '0',
      ];
    case 'firefox': {
      const realm = customValue(entry, FIREFOX_REALM_FIELD);
      const formOrigin = customValue(entry, FIREFOX_FORM_ORIGIN_FIELD) ?? (realm === undefined ? originOf(firstUrl) : '');
      return [
        firstUrl,
        entry.username,
        entry.password,
        realm ?? '',
        formOrigin,
        `{${entry.id}}`,
        String(entry.created),
        String(entry.modified),
        // Read back as the modified time, as keypost-core's firefox.rs writes it.
        String(entry.modified),
      ];
    }
    case 'keypost':
      return [
        entry.id,
        entry.title,
        entry.username,
        entry.password,
        entry.urls.join('\n'),
        entry.notes,
        entry.tags.join('\n'),
        entry.folder,
        entry.custom_fields.length === 0
          ? ''
          : JSON.stringify(entry.custom_fields.map(({ name, value, hidden }) => ({ name, value, hidden }))),
        entry.totp,
        String(entry.favourite),
        iso8601(entry.created),
        iso8601(entry.modified),
      ];
    case 'generic':
      return [
        entry.title,
        entry.username,
        entry.password,
        entry.urls.join('\n'),
        entry.notes,
        entry.tags.join(','),
        entry.folder,
        entry.totp,
      ];
  }
}

function customValue(entry: ExportEntry, name: string): string | undefined {
  return entry.custom_fields.find((field) => field.name === name)?.value;
}

/** Bitwarden writes several URIs as one CSV row inside the cell (`a,"b,with comma"`). */
function joinUriList(uris: string[]): string {
  return uris.map((uri) => (/[,"\n\r]/.test(uri) || uri.startsWith(' ') ? `"${uri.replaceAll('"', '""')}"` : uri)).join(',');
}

/** `scheme://host[:port]` of a URL, or empty when it has no valid scheme. */
export function originOf(url: string): string {
  const trimmed = url.trim();
  const separator = trimmed.indexOf('://');
  if (separator <= 0) {
    return '';
  }
  const scheme = trimmed.slice(0, separator);
  if (!/^[A-Za-z0-9+\-.]+$/.test(scheme)) {
    return '';
  }
  const rest = trimmed.slice(separator + 3);
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf('@');
  return `${scheme}://${at < 0 ? authority : authority.slice(at + 1)}`;
}

/** RFC 3339 in UTC to whole seconds: `2026-11-20T08:30:15Z`. */
function iso8601(millis: number): string {
  return new Date(Math.floor(millis / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
